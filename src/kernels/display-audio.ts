/**
 * Kernel side of the waveform and spectrogram outputs: binary payloads for the renderer
 * (src/protocol/audio-payload.ts), an image/png fallback drawn into a pixel buffer, and a text summary.
 */
import type { OutputItem } from '../protocol/kernel';
import { MIME } from '../protocol/mime';
import { buildWaveformPart, encodeAudioPayload, maxPoolFrames, type Region, type SpectrogramPart, type WaveformPart } from '../protocol/audio-payload';
import { colormapLut } from '../protocol/colormaps';
import {
  computeFeatures, downmix, forEachFrame, getPreset, hzToMel, melSpectrogram, melToHz, RealFft, resample,
  type AudioData, type FeaturePreset,
} from '../core/audio';
import { PixelBuffer, rgba } from './png';

export interface WaveformOptions {
  title?: string;
  regions?: Region[];
  /** Leave the raw samples out (the view then zooms down to 16-sample envelopes and cannot play). */
  includeSamples?: boolean;
}

export interface SpectrogramOptions extends WaveformOptions {
  /** A core feature preset (default nemo80 when the audio is 16 kHz, else conette). */
  preset?: string;
  /** 'db' (default): the preset's mel power in dB re the maximum; 'features': exactly what the model gets. */
  values?: 'db' | 'features';
  /** 'mel' (default) or 'linear': the preset's STFT without the filterbank. */
  scale?: 'mel' | 'linear';
  /** Also show the waveform above the spectrogram, in step with it (default true). */
  waveform?: boolean;
}

const PNG_WIDTH = 800;
const WAVE_COLOR = rgba(0x37, 0x94, 0xff);
const AXIS_COLOR = rgba(0x80, 0x80, 0x80, 160);

function duration(a: AudioData): number {
  return (a.channels[0]?.length ?? 0) / a.sampleRate;
}

function dbfs(x: number): string {
  return x > 0 ? `${(20 * Math.log10(x)).toFixed(1)} dBFS` : '-inf dBFS';
}

/** One-line facts about the audio: length, rate, channels, encoding, peak and RMS level. */
export function audioSummary(a: AudioData, title?: string): string {
  let peak = 0, ss = 0, n = 0;
  for (const c of a.channels) {
    for (let i = 0; i < c.length; i++) {
      const v = c[i];
      const m = v < 0 ? -v : v;
      if (m > peak) peak = m;
      ss += v * v;
    }
    n += c.length;
  }
  const fmt = a.format ? ` · ${a.format.container} ${a.format.encoding}` : '';
  return `${title ? `${title}: ` : ''}${duration(a).toFixed(3)} s · ${a.sampleRate} Hz · ${a.channels.length} channel${a.channels.length === 1 ? '' : 's'}${fmt} · peak ${dbfs(peak)} · RMS ${dbfs(Math.sqrt(ss / Math.max(1, n)))}`;
}

/** Stored as Int16 when that is lossless (8/16-bit PCM sources), else Float32. */
function sampleFormatFor(a: AudioData): 'i16' | 'f32' {
  return a.format && (a.format.encoding === 'pcm-s16' || a.format.encoding === 'pcm-u8') ? 'i16' : 'f32';
}

export function waveformPart(a: AudioData, o: WaveformOptions = {}): WaveformPart {
  return buildWaveformPart(a.channels, a.sampleRate, { sampleFormat: sampleFormatFor(a), includeSamples: o.includeSamples, title: o.title, regions: o.regions });
}

/** Draws the envelope of every channel into `img` rows [top, top + height). */
function drawWaveformPixels(img: PixelBuffer, part: WaveformPart, top: number, height: number): void {
  const h = part.header;
  const n = h.channels;
  const gap = 4;
  const band = (height - (n - 1) * gap) / n;
  const scale = h.sampleFormat === 'i16' ? 1 / 32768 : 1;
  const spp = h.frames / img.width;
  let level = 0, block = h.pyramidBase;
  while (level + 1 < h.levels && block * h.pyramidFactor <= spp) {
    level++;
    block *= h.pyramidFactor;
  }
  for (let c = 0; c < n; c++) {
    const y0 = top + c * (band + gap), mid = y0 + band / 2;
    img.fillRect(0, Math.round(mid), img.width, 1, AXIS_COLOR);
    const env = part.envelopes[level]?.[c];
    if (!env) continue;
    const nb = env.length >> 1;
    for (let x = 0; x < img.width; x++) {
      const b0 = Math.min(nb - 1, Math.floor((x * spp) / block));
      const b1 = Math.min(nb, Math.max(b0 + 1, Math.ceil(((x + 1) * spp) / block)));
      let lo = env[2 * b0], hi = env[2 * b0 + 1];
      for (let k = b0 + 1; k < b1; k++) {
        if (env[2 * k] < lo) lo = env[2 * k];
        if (env[2 * k + 1] > hi) hi = env[2 * k + 1];
      }
      const yt = mid - Math.min(1, hi * scale) * (band / 2), yb = mid - Math.max(-1, lo * scale) * (band / 2);
      img.fillRect(x, yt, 1, Math.max(1, yb - yt), WAVE_COLOR);
    }
  }
  // Second ticks along the bottom edge (no font in the kernel: positions only).
  const secs = h.frames / h.sampleRate;
  const step = secs > 600 ? 60 : secs > 60 ? 10 : secs > 5 ? 1 : 0.1;
  for (let t = 0; t <= secs; t += step) img.fillRect(Math.round((t / secs) * (img.width - 1)), top + height - 4, 1, 4, AXIS_COLOR);
}

/** Draws the spectrogram (max-pooled to the image width, top 80 dB or the data range) into rows [top, top + height). */
function drawSpectrogramPixels(img: PixelBuffer, part: SpectrogramPart, top: number, height: number): void {
  const h = part.header;
  const lut = colormapLut('viridis');
  const hi = h.max, lo = h.unit === 'dB' ? Math.max(h.min, hi - 80) : h.min;
  const k = 255 / (hi - lo || 1);
  const v = part.values;
  const deq = v instanceof Uint16Array ? (h.max - h.min) / 65535 : 0;
  const cols = img.width;
  for (let x = 0; x < cols; x++) {
    const f0 = Math.floor((x * h.frames) / cols), f1 = Math.max(f0 + 1, Math.floor(((x + 1) * h.frames) / cols));
    for (let y = 0; y < height; y++) {
      const bin = h.bins - 1 - Math.floor((y * h.bins) / height);
      let m = -Infinity;
      for (let f = f0; f < f1 && f < h.frames; f++) {
        const raw = v[bin * h.frames + f];
        const val = deq ? h.min + raw * deq : raw;
        if (val > m) m = val;
      }
      const i = Math.max(0, Math.min(255, Math.floor((m - lo) * k)));
      img.set(x, top + y, lut[i]);
    }
  }
}

export function waveformOutputs(a: AudioData, o: WaveformOptions = {}): OutputItem[] {
  const part = waveformPart(a, o);
  const img = new PixelBuffer(PNG_WIDTH, Math.min(400, a.channels.length * 80 + 10));
  if (part.header.frames) drawWaveformPixels(img, part, 2, img.height - 4);
  return [
    { mime: MIME.waveform, data: encodeAudioPayload({ waveform: part }) },
    { mime: 'image/png', data: img.toPng() },
    { mime: 'text/plain', data: audioSummary(a, o.title) },
  ];
}

function defaultPreset(a: AudioData): FeaturePreset {
  return getPreset(a.sampleRate === 16000 ? 'nemo80' : 'conette');
}

/** Centre frequency of each mel band, from the same mel points the core's filterbank uses. */
function melCentres(p: FeaturePreset): Float32Array {
  const lo = hzToMel(p.fmin, p.melScale), hi = hzToMel(p.fmax, p.melScale);
  const step = (hi - lo) / (p.nMels + 1);
  const out = new Float32Array(p.nMels);
  for (let m = 0; m < p.nMels; m++) out[m] = melToHz(lo + (m + 1) * step, p.melScale);
  return out;
}

function unitOf(p: FeaturePreset): string {
  if (p.normalize === 'per-feature') return 'norm';
  switch (p.log.kind) {
    case 'db': return 'dB';
    case 'ln': return 'ln';
    case 'whisper': return 'whisper log10';
    default: return p.power === 2 ? 'power' : 'magnitude';
  }
}

/** Spectrogram part of mono audio at any rate, after downmix and resampling to the preset's rate. */
export function spectrogramPart(a: AudioData, o: SpectrogramOptions = {}): SpectrogramPart {
  const p = o.preset ? getPreset(o.preset) : defaultPreset(a);
  const mono = a.channels.length === 1 ? a.channels[0] : downmix(a.channels);
  const x = a.sampleRate === p.sampleRate ? mono : resample(mono, a.sampleRate, p.sampleRate, 'hq');
  let values: Float32Array, bins: number, frames: number, unit: string, binHz: Float32Array;
  const scale = o.scale ?? 'mel';
  if (scale === 'linear') {
    // The preset's framing and window, power spectrum in dB re the maximum, no filterbank.
    const fft = new RealFft(p.nFft);
    bins = fft.bins;
    const cols: Float32Array[] = [];
    const re = new Float64Array(bins), im = new Float64Array(bins);
    forEachFrame(x, { nFft: p.nFft, hop: p.hop, winLength: p.winLength, window: p.window, center: p.center, padMode: p.padMode }, (_t, frame) => {
      fft.forward(frame, re, im);
      const col = new Float32Array(bins);
      for (let k = 0; k < bins; k++) col[k] = re[k] * re[k] + im[k] * im[k];
      cols.push(col);
    });
    frames = cols.length;
    values = new Float32Array(bins * frames);
    cols.forEach((col, t) => { for (let k = 0; k < bins; k++) values[k * frames + t] = col[k]; });
    toDb(values);
    unit = 'dB';
    binHz = new Float32Array(bins);
    for (let k = 0; k < bins; k++) binHz[k] = (k * p.sampleRate) / p.nFft;
  } else if (o.values === 'features') {
    const f = computeFeatures(x, p);
    values = f.data;
    bins = f.nMels;
    frames = f.frames;
    unit = unitOf(p);
    binHz = melCentres(p);
  } else {
    const m = melSpectrogram(x, p);
    frames = m.frames;
    bins = p.nMels;
    values = new Float32Array(m.data);
    toDb(values);
    unit = 'dB';
    binHz = melCentres(p);
  }
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) min = max = 0;
  // Long dB spectrograms travel as u16 (steps of range/65535, ~0.002 dB); exact features stay f32.
  const quantise = unit === 'dB' && values.length > 1 << 20 && max > min;
  let stored: Float32Array | Uint16Array = values;
  if (quantise) {
    const q = new Uint16Array(values.length);
    const k = 65535 / (max - min);
    for (let i = 0; i < values.length; i++) q[i] = Math.round((values[i] - min) * k);
    stored = q;
  }
  // Long inputs carry a max-pooled overview (≤ 4096 columns, factor a power of 4) so a full view paints without reading every frame.
  let overviewFactor = 1;
  while (frames / overviewFactor > 4096) overviewFactor *= 4;
  const overview = overviewFactor > 1 ? maxPoolFrames(stored, bins, frames, overviewFactor) : undefined;
  const hopSeconds = p.hop / p.sampleRate;
  return {
    header: {
      kind: 'spectrogram', bins, frames, hopSeconds,
      t0: p.center ? 0 : p.nFft / 2 / p.sampleRate,
      audioSeconds: x.length / p.sampleRate,
      scale, unit, min, max, valueFormat: quantise ? 'u16' : 'f32', preset: p.name,
      ...(overview ? { overviewFactor } : {}),
      ...(o.title ? { title: o.title } : {}), ...(o.regions ? { regions: o.regions } : {}),
    },
    values: stored,
    binHz,
    ...(overview ? { overview } : {}),
  };
}

/** In place: 10·log10(max(v, 1e-10)) re the maximum, floored 120 dB below it. */
function toDb(v: Float32Array): void {
  let max = 0;
  for (let i = 0; i < v.length; i++) if (v[i] > max) max = v[i];
  const ref = 10 * Math.log10(Math.max(max, 1e-10));
  for (let i = 0; i < v.length; i++) v[i] = Math.max(-120, 10 * Math.log10(Math.max(v[i], 1e-10)) - ref);
}

export function spectrogramOutputs(a: AudioData, o: SpectrogramOptions = {}): OutputItem[] {
  const spec = spectrogramPart(a, o);
  const wave = o.waveform === false ? undefined : waveformPart(a, o);
  const waveH = wave ? 90 : 0;
  const specH = 160;
  const img = new PixelBuffer(PNG_WIDTH, waveH + specH + (wave ? 6 : 0));
  if (wave && wave.header.frames) drawWaveformPixels(img, wave, 0, waveH);
  if (spec.header.frames) drawSpectrogramPixels(img, spec, img.height - specH, specH);
  const h = spec.header;
  const text = `${audioSummary(a, o.title)}\n${h.scale === 'mel' ? 'mel spectrogram' : 'linear spectrogram'} (${h.preset}): ${h.bins} bins × ${h.frames} frames, hop ${(h.hopSeconds * 1000).toFixed(1)} ms, ${h.min.toFixed(2)} … ${h.max.toFixed(2)} ${h.unit}`;
  return [
    { mime: MIME.spectrogram, data: encodeAudioPayload({ spectrogram: spec, ...(wave ? { waveform: wave } : {}) }) },
    { mime: 'image/png', data: img.toPng() },
    { mime: 'text/plain', data: text },
  ];
}
