/**
 * Log-mel feature extraction driven by plain preset objects (JSON-printable). Everything is computed
 * in float64 and returned as float32 [nMels, frames] (mel-major, as NeMo and librosa lay it out).
 */
import { OnnxLabError } from '../errors';
import { lnInPlace } from './fastlog';
import { RealFft } from './fft';
import { applyMel, melFilterbank, type MelFilterbank, type MelNorm, type MelScale } from './mel';
import { downmix, resample, type ResampleQuality } from './resample';
import { forEachFrame, makeWindow, stftFrameCount, type PadMode, type WindowName } from './stft';
import type { AudioData } from './types';

export type LogKind =
  /** ln(x + guard) — NeMo (guard 2^-24), kws40. */
  | { kind: 'ln'; guard: number }
  /** 10·log10(max(amin, x)) − 10·log10(max(amin, ref)), floored at max − topDb (librosa.power_to_db, torchlibrosa). */
  | { kind: 'db'; amin: number; ref: number; topDb: number | null }
  /** Whisper: log10(max(x, 1e-10)), floored at max − 8, then (x + 4) / 4. */
  | { kind: 'whisper' }
  | { kind: 'none' };

export interface FeaturePreset {
  name: string;
  description: string;
  sampleRate: number;
  /** Pre-emphasis coefficient applied to the whole waveform first (0: none). */
  preemphasis: number;
  nFft: number;
  hop: number;
  winLength: number;
  window: WindowName;
  center: boolean;
  padMode: PadMode;
  /** 2: power spectrum, 1: magnitude. */
  power: 1 | 2;
  nMels: number;
  fmin: number;
  fmax: number;
  melScale: MelScale;
  melNorm: MelNorm;
  log: LogKind;
  /** Drop this many frames at the end (Whisper drops the last STFT frame). */
  dropLastFrames: number;
  /** 'all': every STFT frame is valid; 'length-div-hop': floor(samples / hop) valid frames, the rest padding (NeMo). */
  validFrames: 'all' | 'length-div-hop';
  /** Per mel bin over the valid frames: (x − mean) / (std + eps), std unbiased (NeMo per_feature). */
  normalize: 'none' | 'per-feature';
  normalizeEps: number;
  /** Value written to frames past the valid ones. */
  padValue: number;
}

const COMMON = { preemphasis: 0, dropLastFrames: 0, validFrames: 'all', normalize: 'none', normalizeEps: 0, padValue: 0 } as const;

export const PRESETS: Record<string, FeaturePreset> = {
  nemo80: {
    ...COMMON,
    name: 'nemo80',
    description: 'NeMo AudioToMelSpectrogramPreprocessor as configured for FastConformer (audio_signal [80, T], length = samples // 160)',
    sampleRate: 16000,
    preemphasis: 0.97,
    nFft: 512, hop: 160, winLength: 400, window: 'hann-symmetric', center: true, padMode: 'constant',
    power: 2,
    nMels: 80, fmin: 0, fmax: 8000, melScale: 'slaney', melNorm: 'slaney',
    log: { kind: 'ln', guard: 2 ** -24 },
    validFrames: 'length-div-hop',
    normalize: 'per-feature',
    normalizeEps: 1e-5,
    padValue: 0,
  },
  conette: {
    ...COMMON,
    name: 'conette',
    description: 'CoNeTTE ConvNeXt front end (torchlibrosa Spectrogram + LogmelFilterBank): 32 kHz, 224 mels 50-14000 Hz, dB',
    sampleRate: 32000,
    nFft: 1024, hop: 320, winLength: 1024, window: 'hann', center: true, padMode: 'reflect',
    power: 2,
    nMels: 224, fmin: 50, fmax: 14000, melScale: 'slaney', melNorm: 'slaney',
    log: { kind: 'db', amin: 1e-10, ref: 1, topDb: null },
  },
  cnn14: {
    ...COMMON,
    name: 'cnn14',
    description: 'PANNs CNN14 log-mel (torchlibrosa): 32 kHz, 64 mels 50-14000 Hz, dB',
    sampleRate: 32000,
    nFft: 1024, hop: 320, winLength: 1024, window: 'hann', center: true, padMode: 'reflect',
    power: 2,
    nMels: 64, fmin: 50, fmax: 14000, melScale: 'slaney', melNorm: 'slaney',
    log: { kind: 'db', amin: 1e-10, ref: 1, topDb: null },
  },
  kws40: {
    ...COMMON,
    name: 'kws40',
    description: 'Keyword-spotting front end chosen for the [1, 40, 18] backbone window: 16 kHz, 30 ms Hann in a 512 FFT, 10 ms hop, 40 mels 20-7600 Hz, ln(x + 1e-6), uncentred (librosa center=False framing on n_fft); 18 frames = 512 + 17*160 = 3232 samples (202 ms)',
    sampleRate: 16000,
    nFft: 512, hop: 160, winLength: 480, window: 'hann', center: false, padMode: 'constant',
    power: 2,
    nMels: 40, fmin: 20, fmax: 7600, melScale: 'slaney', melNorm: 'slaney',
    log: { kind: 'ln', guard: 1e-6 },
  },
  whisper80: {
    ...COMMON,
    name: 'whisper80',
    description: 'OpenAI Whisper log-mel (80 mels, n_fft 400, hop 160, reflect-centred, last frame dropped); pad or trim the audio to 30 s yourself',
    sampleRate: 16000,
    nFft: 400, hop: 160, winLength: 400, window: 'hann', center: true, padMode: 'reflect',
    power: 2,
    nMels: 80, fmin: 0, fmax: 8000, melScale: 'slaney', melNorm: 'slaney',
    log: { kind: 'whisper' },
    dropLastFrames: 1,
  },
};

export function getPreset(name: string): FeaturePreset {
  const p = PRESETS[name];
  if (!p) throw new OnnxLabError('features.unknown-preset', `unknown feature preset "${name}" (known: ${Object.keys(PRESETS).join(', ')})`);
  return p;
}

export interface Features {
  /** [nMels, frames] row-major. */
  data: Float32Array;
  nMels: number;
  frames: number;
  /** Frames that hold features (NeMo's `length`); the rest are padValue. */
  validFrames: number;
  preset: string;
}

const fbCache = new Map<string, MelFilterbank>();
function filterbankFor(p: FeaturePreset): MelFilterbank {
  const key = `${p.sampleRate}/${p.nFft}/${p.nMels}/${p.fmin}/${p.fmax}/${p.melScale}/${p.melNorm}`;
  let fb = fbCache.get(key);
  if (!fb) {
    fb = melFilterbank({ sampleRate: p.sampleRate, nFft: p.nFft, nMels: p.nMels, fmin: p.fmin, fmax: p.fmax, scale: p.melScale, norm: p.melNorm });
    fbCache.set(key, fb);
  }
  return fb;
}

/**
 * A triangular filterbank by bins: bin k feeds filter lo[k] with weight w0[k] and filter lo[k] + 1 with
 * w1[k] (the falling edge of one triangle and the rising edge of the next), lo[] non-decreasing. One
 * pass over the bins with two running sums then replaces a short inner loop per filter, and every
 * filter still adds its bins in ascending order, so the sums are bit-identical to the per-filter ones.
 */
interface BinMel {
  k0: number;
  k1: number;
  lo: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}
const binCache = new WeakMap<MelFilterbank, BinMel | null>();
function byBins(fb: MelFilterbank): BinMel | null {
  if (binCache.has(fb)) return binCache.get(fb)!;
  const nb = fb.nBins, nm = fb.weights.length;
  const lo = new Int32Array(nb).fill(-1), w0 = new Float64Array(nb), w1 = new Float64Array(nb);
  let ok = true, k0 = nb, k1 = 0;
  for (let m = 0; m < nm && ok; m++) {
    const w = fb.weights[m];
    for (let j = 0; j < w.length; j++) {
      if (w[j] === 0) continue;
      const k = fb.start[m] + j;
      k0 = Math.min(k0, k);
      k1 = Math.max(k1, k + 1);
      if (lo[k] < 0) { lo[k] = m; w0[k] = w[j]; } else if (lo[k] === m - 1) w1[k] = w[j]; else ok = false;
    }
  }
  // Bins no filter uses inherit the previous bin's filter (zero weights) so lo stays non-decreasing.
  for (let k = k0; k < k1 && ok; k++) {
    if (lo[k] < 0) lo[k] = k > k0 ? lo[k - 1] : 0;
    if (k > k0 && lo[k] < lo[k - 1]) ok = false;
    if (lo[k] + 1 >= nm && w1[k] !== 0) ok = false;
  }
  const r = ok && k0 < k1 ? { k0, k1, lo, w0, w1 } : null;
  binCache.set(fb, r);
  return r;
}

/** The log applied per frame inside the pipeline (the rest of a LogKind is applied after it). */
type FrameLog = { kind: 'none' } | { kind: 'ln'; guard: number } | { kind: 'db'; amin: number; off: number };

/** Frames buffered before their mel rows are written out, so each row gets a contiguous run. */
const TILE = 32;

/**
 * The per-frame pipeline: window (+ pre-emphasis) written straight into the real FFT's bit-reversed
 * packing buffers, power spectrum without complex bins, mel by bins (each bin feeds at most two
 * neighbouring triangles), then the log of the frame's nMels values while they are in cache, stored
 * as [nMels, frames] through a small tile. Same float64 arithmetic as stft() + applyMel() + log.
 * `out32`: write float32 (rounding each float64 result once, as converting afterwards would).
 */
function melCore(
  x: ArrayLike<number>,
  p: FeaturePreset,
  lg: FrameLog,
  out32 = false,
): { data: Float64Array | Float32Array; frames: number; max: number } {
  const stftOpts = { nFft: p.nFft, hop: p.hop, winLength: p.winLength, window: p.window, center: p.center, padMode: p.padMode, preemphasis: p.preemphasis };
  const all = stftFrameCount(x.length, stftOpts);
  const frames = Math.max(0, all - p.dropLastFrames);
  const fft = new RealFft(p.nFft);
  const fb = filterbankFor(p);
  const bm = byBins(fb);
  const nm = p.nMels, bins = fft.bins, magnitude = p.power === 1;
  const out = out32 ? new Float32Array(nm * frames) : new Float64Array(nm * frames);
  const spec = new Float64Array(bins);
  const mel = new Float64Array(nm);
  const melHi = new Uint32Array(mel.buffer);
  const logKind = lg.kind === 'ln' ? 1 : lg.kind === 'db' ? 2 : 0;
  const guard = lg.kind === 'ln' ? lg.guard : 0;
  const amin = lg.kind === 'db' ? lg.amin : 0, dbOff = lg.kind === 'db' ? lg.off : 0;
  const dbK = 10 / Math.LN10;
  let max = -Infinity;
  const frameMel = () => {
    if (magnitude) for (let k = 0; k < bins; k++) spec[k] = Math.sqrt(spec[k]);
    if (bm) {
      const { k0, k1, lo, w0, w1 } = bm;
      let cur = lo[k0], a = 0, b = 0; // running sums of filters cur and cur + 1
      for (let m = 0; m < cur; m++) mel[m] = 0;
      for (let k = k0; k < k1; k++) {
        const m = lo[k];
        while (cur < m) { mel[cur++] = a; a = b; b = 0; }
        const v = spec[k];
        a += w0[k] * v;
        b += w1[k] * v;
      }
      mel[cur++] = a;
      if (cur < nm) mel[cur++] = b;
      for (; cur < nm; cur++) mel[cur] = 0;
    } else {
      applyMel(fb, spec, mel);
    }
    if (logKind === 1) {
      for (let m = 0; m < nm; m++) mel[m] += guard;
      lnInPlace(mel, melHi, nm, mel);
    } else if (logKind === 2) {
      // 10·log10(max(amin, v)) − off = ln(max(amin, v))·10/ln 10 − off (NaN stays NaN, as in numpy).
      for (let m = 0; m < nm; m++) { const v = mel[m]; if (!(v >= amin) && v === v) mel[m] = amin; }
      lnInPlace(mel, melHi, nm, mel);
      for (let m = 0; m < nm; m++) {
        const v = mel[m] * dbK - dbOff;
        mel[m] = v;
        if (v > max) max = v;
      }
    }
  };
  const storeStrided = (t: number) => {
    for (let m = 0, o = t; m < nm; m++, o += frames) out[o] = mel[m];
  };
  const packed = fft.packed;
  if (!packed) {
    // Bluestein sizes (Whisper's 400): the generic framing and complex transform.
    const re = new Float64Array(bins), im = new Float64Array(bins);
    forEachFrame(x, stftOpts, (t, frame) => {
      if (t >= frames) return;
      fft.forward(frame, re, im);
      for (let k = 0; k < bins; k++) spec[k] = re[k] * re[k] + im[k] * im[k];
      frameMel();
      storeStrided(t);
    });
    return { data: out, frames, max };
  }
  const { re: zr, im: zi, rev } = packed;
  const nFft = p.nFft, hop = p.hop, winLength = p.winLength;
  const offW = (nFft - winLength) >> 1;
  const pad = p.center ? nFft >> 1 : 0;
  const n = x.length;
  const c = p.preemphasis ?? 0;
  // The window placed in the nFft frame; only the sample pairs [i0, i1) it touches are read.
  const wf = new Float64Array(nFft);
  wf.set(makeWindow(p.window, winLength), offW);
  const i0 = offW >> 1, i1 = (offW + winLength + 1) >> 1;
  const wEven = new Float64Array(i1 - i0), wOdd = new Float64Array(i1 - i0), dst = new Int32Array(i1 - i0);
  for (let i = i0; i < i1; i++) { wEven[i - i0] = wf[2 * i]; wOdd[i - i0] = wf[2 * i + 1]; dst[i - i0] = rev[i]; }
  const np = i1 - i0;
  // The transform runs in place, so the slots outside the window's pairs are re-zeroed per frame.
  const zeroSlots = Int32Array.from(Array.from(rev.subarray(0, i0)).concat(Array.from(rev.subarray(i1))));
  const nz = zeroSlots.length;
  const lo = 2 * i0, span = 2 * (i1 - i0); // frame-relative samples read: [lo, lo + span)
  // Interior frames read only real samples (and the one before, for pre-emphasis): a contiguous t range.
  const interior = (t: number) => { const s = t * hop - pad + lo; return s >= 1 && s + span <= n; };
  // Edge frames (centre padding, signal start/end) go through forEachFrame's padding logic.
  forEachFrame(x, stftOpts, (t, frame) => {
    if (t >= frames) return;
    for (let i = 0; i < nz; i++) { zr[zeroSlots[i]] = 0; zi[zeroSlots[i]] = 0; }
    for (let i = 0; i < np; i++) { const d = dst[i]; zr[d] = frame[lo + 2 * i]; zi[d] = frame[lo + 2 * i + 1]; }
    fft.packedPower(spec);
    frameMel();
    storeStrided(t);
  }, (t) => t >= frames || interior(t));
  let tA = 0;
  while (tA < frames && !interior(tA)) tA++;
  let tB = tA;
  while (tB < frames && interior(tB)) tB++;
  const xf = x as Float32Array; // any indexable array; the name only documents the common case
  const tile = new Float64Array(nm * TILE);
  for (let t0 = tA; t0 < tB; t0 += TILE) {
    const cnt = Math.min(TILE, tB - t0);
    for (let j = 0; j < cnt; j++) {
      const s = (t0 + j) * hop - pad + lo;
      for (let i = 0; i < nz; i++) { zr[zeroSlots[i]] = 0; zi[zeroSlots[i]] = 0; }
      if (c) {
        for (let i = 0, k = s; i < np; i++, k += 2) {
          const d = dst[i], a = xf[k];
          zr[d] = (a - c * xf[k - 1]) * wEven[i];
          zi[d] = (xf[k + 1] - c * a) * wOdd[i];
        }
      } else {
        for (let i = 0, k = s; i < np; i++, k += 2) {
          const d = dst[i];
          zr[d] = xf[k] * wEven[i];
          zi[d] = xf[k + 1] * wOdd[i];
        }
      }
      fft.packedPower(spec);
      frameMel();
      for (let m = 0, o = j; m < nm; m++, o += TILE) tile[o] = mel[m];
    }
    for (let m = 0; m < nm; m++) {
      const o = m * frames + t0, r = m * TILE;
      for (let j = 0; j < cnt; j++) out[o + j] = tile[r + j];
    }
  }
  return { data: out, frames, max };
}

/** Mel spectrogram (power or magnitude, no log) as float64 [nMels, frames]. */
export function melSpectrogram(x: ArrayLike<number>, p: FeaturePreset): { data: Float64Array; frames: number } {
  const r = melCore(x, p, { kind: 'none' });
  return { data: r.data as Float64Array, frames: r.frames };
}

function logMelAs(x: ArrayLike<number>, p: FeaturePreset, out32: boolean): { data: Float64Array | Float32Array; frames: number } {
  const lg = p.log;
  if (lg.kind === 'ln') return melCore(x, p, { kind: 'ln', guard: lg.guard }, out32);
  if (lg.kind === 'db') {
    const r = melCore(x, p, { kind: 'db', amin: lg.amin, off: 10 * Math.log10(Math.max(lg.amin, lg.ref)) }, out32);
    const data = r.data;
    if (lg.topDb !== null) {
      const floor = r.max - lg.topDb;
      for (let i = 0; i < data.length; i++) if (data[i] < floor) data[i] = floor;
    }
    return r;
  }
  const r = melCore(x, p, { kind: 'none' }, out32);
  const data = r.data;
  if (lg.kind === 'whisper') {
    let max = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = Math.log10(Math.max(data[i], 1e-10));
      data[i] = v;
      if (v > max) max = v;
    }
    for (let i = 0; i < data.length; i++) data[i] = (Math.max(data[i], max - 8) + 4) / 4;
  }
  return r;
}

/** Log-mel before any normalisation, float64 [nMels, frames] (what the proof tests compare). */
export function logMel(x: ArrayLike<number>, p: FeaturePreset): { data: Float64Array; frames: number } {
  const r = logMelAs(x, p, false);
  return { data: r.data as Float64Array, frames: r.frames };
}

/** Features of a mono signal already at p.sampleRate. */
export function computeFeatures(x: ArrayLike<number>, p: FeaturePreset): Features {
  const nm = p.nMels;
  if (p.normalize === 'none' && p.log.kind !== 'whisper') {
    // Nothing left to do in float64: the pipeline rounds each value to float32 as it stores it,
    // which skips a float64 copy of the whole output (half the memory, one pass less).
    const r = logMelAs(x, p, true);
    const data = r.data as Float32Array, frames = r.frames;
    const valid = p.validFrames === 'length-div-hop' ? Math.min(frames, Math.floor(x.length / p.hop)) : frames;
    if (valid < frames) for (let m = 0; m < nm; m++) data.fill(p.padValue, m * frames + valid, (m + 1) * frames);
    return { data, nMels: nm, frames, validFrames: valid, preset: p.name };
  }
  const { data, frames } = logMel(x, p);
  const valid = p.validFrames === 'length-div-hop' ? Math.min(frames, Math.floor(x.length / p.hop)) : frames;
  const out = new Float32Array(nm * frames);
  for (let m = 0; m < nm; m++) {
    const row = m * frames;
    let mean = 0, scale = 1;
    if (p.normalize === 'per-feature') {
      for (let t = 0; t < valid; t++) mean += data[row + t];
      mean /= valid;
      let ss = 0;
      for (let t = 0; t < valid; t++) { const d = data[row + t] - mean; ss += d * d; }
      // NeMo: unbiased std; NaN (fewer than 2 frames) becomes 0 before the epsilon is added.
      let std = Math.sqrt(ss / (valid - 1));
      if (Number.isNaN(std)) std = 0;
      scale = 1 / (std + p.normalizeEps);
    }
    if (p.normalize === 'per-feature') for (let t = 0; t < valid; t++) out[row + t] = (data[row + t] - mean) * scale;
    else for (let t = 0; t < valid; t++) out[row + t] = data[row + t];
    if (valid < frames) out.fill(p.padValue, row + valid, row + frames);
  }
  return { data: out, nMels: nm, frames, validFrames: valid, preset: p.name };
}

export interface AudioFeatureOptions {
  resampleQuality?: ResampleQuality;
}

/** Downmix (channel mean) → resample to the preset's rate → features. */
export function featuresFromAudio(audio: AudioData, p: FeaturePreset, o: AudioFeatureOptions = {}): Features {
  const mono = downmix(audio.channels);
  const x = audio.sampleRate === p.sampleRate ? mono : resample(mono, audio.sampleRate, p.sampleRate, o.resampleQuality ?? 'hq');
  return computeFeatures(x, p);
}
