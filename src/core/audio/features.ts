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

/**
 * The per-frame pipeline: window (+ pre-emphasis) written straight into the real FFT's bit-reversed
 * packing buffers, power spectrum without complex bins, sparse mel (each Slaney filter spans a few
 * bins, ~2 weights per bin in all instead of nMels·bins), then `ln` of the frame when asked, written
 * to out[m·frames + t]. Same arithmetic as stft() + applyMel() in float64, minus the copies.
 */
function melCore(x: ArrayLike<number>, p: FeaturePreset, lnGuard: number | null): { data: Float64Array; frames: number } {
  const stftOpts = { nFft: p.nFft, hop: p.hop, winLength: p.winLength, window: p.window, center: p.center, padMode: p.padMode, preemphasis: p.preemphasis };
  const all = stftFrameCount(x.length, stftOpts);
  const frames = Math.max(0, all - p.dropLastFrames);
  const fft = new RealFft(p.nFft);
  const fb = filterbankFor(p);
  const bm = byBins(fb);
  const nm = p.nMels, bins = fft.bins, magnitude = p.power === 1;
  const out = new Float64Array(nm * frames);
  const spec = new Float64Array(bins);
  const mel = new Float64Array(nm);
  const melHi = new Uint32Array(mel.buffer);
  const guard = lnGuard ?? 0;
  const frameMel = (t: number) => {
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
    if (lnGuard !== null) {
      for (let m = 0; m < nm; m++) mel[m] += guard;
      lnInPlace(mel, melHi, nm, mel);
    }
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
      frameMel(t);
    });
    return { data: out, frames };
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
  const wEven = new Float64Array(i1 - i0), wOdd = new Float64Array(i1 - i0), dst = new Uint32Array(i1 - i0);
  for (let i = i0; i < i1; i++) { wEven[i - i0] = wf[2 * i]; wOdd[i - i0] = wf[2 * i + 1]; dst[i - i0] = rev[i]; }
  const np = i1 - i0;
  // The transform runs in place, so the slots outside the window's pairs are re-zeroed per frame.
  const zeroSlots = Uint32Array.from(Array.from(rev.subarray(0, i0)).concat(Array.from(rev.subarray(i1))));
  const nz = zeroSlots.length;
  // Edge frames (centre padding, signal start) go through forEachFrame's padding logic once.
  const edge = new Set<number>();
  const lo = 2 * i0, hi = 2 * i1; // frame-relative sample span that is read
  const xf = x as Float32Array; // any indexable array; the name only documents the common case
  forEachFrame(x, stftOpts, (t, frame) => {
    if (t >= frames) return;
    const s = t * hop - pad + lo;
    if (s >= 1 && s + (hi - lo) <= n) return; // interior: handled below
    edge.add(t);
    for (let i = 0; i < nz; i++) { zr[zeroSlots[i]] = 0; zi[zeroSlots[i]] = 0; }
    for (let i = 0; i < np; i++) { const d = dst[i]; zr[d] = frame[lo + 2 * i]; zi[d] = frame[lo + 2 * i + 1]; }
    fft.packedPower(spec);
    frameMel(t);
  }, (t) => {
    if (t >= frames) return true;
    const s = t * hop - pad + lo;
    return s >= 1 && s + (hi - lo) <= n;
  });
  for (let t = 0; t < frames; t++) {
    if (edge.has(t)) continue;
    const s = t * hop - pad + lo;
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
    frameMel(t);
  }
  return { data: out, frames };
}

/** Mel spectrogram (power or magnitude, no log) as float64 [nMels, frames]. */
export function melSpectrogram(x: ArrayLike<number>, p: FeaturePreset): { data: Float64Array; frames: number } {
  return melCore(x, p, null);
}

/** Log-mel before any normalisation, float64 [nMels, frames] (what the proof tests compare). */
export function logMel(x: ArrayLike<number>, p: FeaturePreset): { data: Float64Array; frames: number } {
  const lg = p.log;
  if (lg.kind === 'ln') return melCore(x, p, lg.guard);
  const { data, frames } = melCore(x, p, null);
  const hiw = new Uint32Array(data.buffer, data.byteOffset, data.length * 2);
  if (lg.kind === 'db') {
    // 10·log10(max(amin, v)) = ln(max(amin, v)) · 10/ln 10, the log taken in one batched pass.
    const amin = lg.amin;
    for (let i = 0; i < data.length; i++) if (!(data[i] >= amin)) data[i] = data[i] !== data[i] ? data[i] : amin;
    lnInPlace(data, hiw, data.length, data);
    const k = 10 / Math.LN10;
    const off = 10 * Math.log10(Math.max(amin, lg.ref));
    let max = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] * k - off;
      data[i] = v;
      if (v > max) max = v;
    }
    if (lg.topDb !== null) for (let i = 0; i < data.length; i++) if (data[i] < max - lg.topDb) data[i] = max - lg.topDb;
  } else if (lg.kind === 'whisper') {
    let max = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = Math.log10(Math.max(data[i], 1e-10));
      data[i] = v;
      if (v > max) max = v;
    }
    for (let i = 0; i < data.length; i++) data[i] = (Math.max(data[i], max - 8) + 4) / 4;
  }
  return { data, frames };
}

/** Features of a mono signal already at p.sampleRate. */
export function computeFeatures(x: ArrayLike<number>, p: FeaturePreset): Features {
  const { data, frames } = logMel(x, p);
  const nm = p.nMels;
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
    for (let t = 0; t < frames; t++) {
      out[row + t] = t < valid ? (p.normalize === 'per-feature' ? (data[row + t] - mean) * scale : data[row + t]) : p.padValue;
    }
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
