/** Mel scales and triangular filterbanks, numerically the same construction as librosa.filters.mel. */

export type MelScale = 'slaney' | 'htk';
export type MelNorm = 'slaney' | 'none';

const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27;

export function hzToMel(hz: number, scale: MelScale): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP : hz / F_SP;
}

export function melToHz(mel: number, scale: MelScale): number {
  if (scale === 'htk') return 700 * (Math.pow(10, mel / 2595) - 1);
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

export interface MelOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fmin: number;
  /** Upper edge in Hz; librosa's default is sampleRate / 2. */
  fmax: number;
  scale: MelScale;
  /** 'slaney': each triangle scaled to unit area (2 / bandwidth), librosa's default. */
  norm: MelNorm;
}

/** A filterbank stored sparsely: filter m covers bins [start[m], start[m] + weights[m].length). */
export interface MelFilterbank {
  options: MelOptions;
  nBins: number;
  start: Int32Array;
  weights: Float64Array[];
}

export function melFilterbank(o: MelOptions): MelFilterbank {
  const nBins = (o.nFft >> 1) + 1;
  const fft = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) fft[k] = (k * o.sampleRate) / o.nFft;
  const lo = hzToMel(o.fmin, o.scale), hi = hzToMel(o.fmax, o.scale);
  const pts = new Float64Array(o.nMels + 2);
  // np.linspace(lo, hi, n): lo + i * step, with the last point set exactly to hi.
  const step = (hi - lo) / (o.nMels + 1);
  for (let i = 0; i < o.nMels + 2; i++) pts[i] = melToHz(i === o.nMels + 1 ? hi : lo + i * step, o.scale);
  const start = new Int32Array(o.nMels);
  const weights: Float64Array[] = [];
  for (let m = 0; m < o.nMels; m++) {
    const d0 = pts[m + 1] - pts[m], d1 = pts[m + 2] - pts[m + 1];
    const enorm = o.norm === 'slaney' ? 2 / (pts[m + 2] - pts[m]) : 1;
    const row = new Float64Array(nBins);
    let first = -1, last = -1;
    for (let k = 0; k < nBins; k++) {
      const lower = (fft[k] - pts[m]) / d0;
      const upper = (pts[m + 2] - fft[k]) / d1;
      const w = Math.max(0, Math.min(lower, upper));
      if (w > 0) {
        row[k] = w * enorm;
        if (first < 0) first = k;
        last = k;
      }
    }
    if (first < 0) { start[m] = 0; weights.push(new Float64Array(0)); continue; }
    start[m] = first;
    weights.push(row.slice(first, last + 1));
  }
  return { options: o, nBins, start, weights };
}

/** The filterbank as a dense [nMels, nBins] row-major matrix (librosa's layout). */
export function melMatrix(fb: MelFilterbank): Float64Array {
  const out = new Float64Array(fb.weights.length * fb.nBins);
  fb.weights.forEach((w, m) => out.set(w, m * fb.nBins + fb.start[m]));
  return out;
}

/** out[m] = Σ_k fb[m,k]·spec[k] for one frame. */
export function applyMel(fb: MelFilterbank, spec: ArrayLike<number>, out: Float64Array): void {
  for (let m = 0; m < fb.weights.length; m++) {
    const w = fb.weights[m], s = fb.start[m];
    let acc = 0;
    for (let j = 0; j < w.length; j++) acc += w[j] * spec[s + j];
    out[m] = acc;
  }
}

/** 10·log10(max(amin, x)) − 10·log10(max(amin, ref)), then floored at max − topDb when topDb is given (librosa.power_to_db). */
export function powerToDb(x: Float64Array, ref = 1, amin = 1e-10, topDb?: number): Float64Array {
  const off = 10 * Math.log10(Math.max(amin, ref));
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    x[i] = 10 * Math.log10(Math.max(amin, x[i])) - off;
    if (x[i] > max) max = x[i];
  }
  if (topDb !== undefined) for (let i = 0; i < x.length; i++) if (x[i] < max - topDb) x[i] = max - topDb;
  return x;
}
