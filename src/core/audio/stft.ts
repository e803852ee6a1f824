/** Windows, framing and the short-time Fourier transform; float64 inside, all parameters explicit. */
import { RealFft } from './fft';

export type WindowName = 'hann' | 'hann-symmetric' | 'hamming' | 'hamming-symmetric' | 'povey' | 'rectangular';

/**
 * A window of `length` samples. 'hann'/'hamming' are periodic (librosa/scipy `fftbins=True`,
 * torch `periodic=True`); the '-symmetric' ones are torch `periodic=False` (NeMo uses hann-symmetric).
 * 'povey' is Kaldi's (symmetric Hann)^0.85.
 */
export function makeWindow(name: WindowName, length: number): Float64Array {
  const w = new Float64Array(length);
  if (length === 1) { w[0] = 1; return w; }
  const periodic = name === 'hann' || name === 'hamming';
  const denom = periodic ? length : length - 1;
  for (let n = 0; n < length; n++) {
    const c = Math.cos((2 * Math.PI * n) / denom);
    switch (name) {
      case 'hann': case 'hann-symmetric': w[n] = 0.5 - 0.5 * c; break;
      case 'hamming': case 'hamming-symmetric': w[n] = 0.54 - 0.46 * c; break;
      case 'povey': w[n] = Math.pow(0.5 - 0.5 * c, 0.85); break;
      case 'rectangular': w[n] = 1; break;
    }
  }
  return w;
}

export type PadMode = 'constant' | 'reflect';

export interface StftOptions {
  nFft: number;
  hop: number;
  /** Window length ≤ nFft; the window is centred in nFft (offset floor((nFft - winLength) / 2)), as librosa and torch do. */
  winLength: number;
  window: WindowName;
  /** Pad nFft/2 on both sides so frame t is centred on sample t·hop. */
  center: boolean;
  /** Padding when centred: zeros (torch/librosa 'constant') or mirror without repeating the edge ('reflect'). */
  padMode: PadMode;
  /**
   * Pre-emphasis y[n] = x[n] − c·x[n−1], y[0] = x[0], applied to the signal before padding and framing
   * (computed per frame, so no pre-emphasised copy of a long signal is held). 0 or absent: none.
   */
  preemphasis?: number;
}

/** Number of frames of an STFT of `length` samples. */
export function stftFrameCount(length: number, o: Pick<StftOptions, 'nFft' | 'hop' | 'center'>): number {
  const padded = o.center ? length + 2 * (o.nFft >> 1) : length;
  return padded < o.nFft ? 0 : 1 + Math.floor((padded - o.nFft) / o.hop);
}

/** Sample i of x extended by reflection (numpy 'reflect': ... x2 x1 | x0 x1 ... xn-1 | xn-2 ...). */
function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/**
 * Calls `visit(t, frame)` for every frame with the windowed nFft samples (a reused buffer).
 * Only the window's support is read, so zero-padded windows (NeMo's 400 in 512) cost nothing extra.
 */
export function forEachFrame(
  x: ArrayLike<number>,
  o: StftOptions,
  visit: (t: number, frame: Float64Array) => void,
  /** Frames for which this returns true are neither filled nor visited (callers that frame those themselves). */
  skip?: (t: number) => boolean,
): number {
  const { nFft, hop, winLength } = o;
  if (winLength > nFft || winLength < 1) throw new RangeError(`winLength ${winLength} must be in 1..nFft (${nFft})`);
  const win = makeWindow(o.window, winLength);
  const off = (nFft - winLength) >> 1;
  const pad = o.center ? nFft >> 1 : 0;
  const n = x.length;
  const frames = stftFrameCount(n, o);
  const frame = new Float64Array(nFft);
  const reflect = o.center && o.padMode === 'reflect';
  const c = o.preemphasis ?? 0;
  const sample = (i: number) => (c && i > 0 ? x[i] - c * x[i - 1] : x[i]);
  for (let t = 0; t < frames; t++) {
    if (skip && skip(t)) continue;
    const start = t * hop - pad + off;
    if (start >= 1 && start + winLength <= n) {
      if (c) for (let j = 0; j < winLength; j++) frame[off + j] = (x[start + j] - c * x[start + j - 1]) * win[j];
      else for (let j = 0; j < winLength; j++) frame[off + j] = x[start + j] * win[j];
    } else {
      for (let j = 0; j < winLength; j++) {
        const i = start + j;
        let v: number;
        if (i >= 0 && i < n) v = sample(i);
        else v = reflect && n > 0 ? sample(reflectIndex(i, n)) : 0;
        frame[off + j] = v * win[j];
      }
    }
    visit(t, frame);
  }
  return frames;
}

export type SpectrumKind = 'power' | 'magnitude' | 'complex';

export interface Spectrogram {
  /** [frames, bins] row-major: power or magnitude; for 'complex', interleaved (re, im) pairs, [frames, bins, 2]. */
  data: Float64Array;
  frames: number;
  bins: number;
  kind: SpectrumKind;
}

/** STFT of a mono signal. */
export function stft(x: ArrayLike<number>, o: StftOptions, kind: SpectrumKind = 'power'): Spectrogram {
  const fft = new RealFft(o.nFft);
  const bins = fft.bins;
  const frames = stftFrameCount(x.length, o);
  const data = new Float64Array(frames * bins * (kind === 'complex' ? 2 : 1));
  const re = new Float64Array(bins), im = new Float64Array(bins);
  forEachFrame(x, o, (t, frame) => {
    fft.forward(frame, re, im);
    if (kind === 'complex') {
      const base = t * bins * 2;
      for (let k = 0; k < bins; k++) { data[base + 2 * k] = re[k]; data[base + 2 * k + 1] = im[k]; }
    } else {
      const base = t * bins;
      for (let k = 0; k < bins; k++) {
        const p = re[k] * re[k] + im[k] * im[k];
        data[base + k] = kind === 'power' ? p : Math.sqrt(p);
      }
    }
  });
  return { data, frames, bins, kind };
}

/** Frames of x as [frames, frameLength] without windowing (librosa.util.frame on a 1-D signal). */
export function frameSignal(x: ArrayLike<number>, frameLength: number, hop: number): { data: Float64Array; frames: number } {
  const frames = x.length < frameLength ? 0 : 1 + Math.floor((x.length - frameLength) / hop);
  const data = new Float64Array(frames * frameLength);
  for (let t = 0; t < frames; t++) for (let j = 0; j < frameLength; j++) data[t * frameLength + j] = x[t * hop + j];
  return { data, frames };
}

/** Pre-emphasis y[0] = x[0], y[n] = x[n] − coef·x[n−1] (NeMo, Kaldi without DC removal). */
export function preemphasis(x: ArrayLike<number>, coef: number): Float64Array {
  const y = new Float64Array(x.length);
  if (x.length) y[0] = x[0];
  for (let i = 1; i < x.length; i++) y[i] = x[i] - coef * x[i - 1];
  return y;
}
