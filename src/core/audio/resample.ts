/**
 * Band-limited rational resampling: a Kaiser-windowed sinc low-pass applied in polyphase form
 * (upsample by L, filter, keep every M-th sample, without ever forming the upsampled signal).
 * Output sample n is centred on input time n·M/L (zero delay), and the output has ceil(n·L/M)
 * samples, the length librosa.resample and scipy.signal.resample_poly return.
 */
import { OnnxLabError } from '../errors';

export interface ResampleFilter {
  /** Pass-band edge of the sinc (−6 dB point) as a fraction of the lower of the two Nyquist rates. */
  cutoff: number;
  /** Half length of the filter in zero crossings (periods of the lower rate). */
  halfWidth: number;
  /** Kaiser window β. */
  beta: number;
}

/**
 * 'scipy': the filter scipy.signal.resample_poly designs by default (cutoff at Nyquist, 10 zero
 *   crossings, Kaiser β 5) — equal to it to float64 rounding.
 * 'hq': a long, steep filter tuned against soxr's "HQ" preset (librosa's default res_type
 *   soxr_hq): cutoff between soxr's pass-band end (0.913) and Nyquist, β ≈ 12.
 * 'fast': a short filter for previews.
 */
export type ResampleQuality = 'hq' | 'scipy' | 'fast';

export const RESAMPLE_FILTERS: Record<ResampleQuality, ResampleFilter> = {
  hq: { cutoff: 0.957, halfWidth: 96, beta: 12.5 },
  scipy: { cutoff: 1, halfWidth: 10, beta: 5 },
  fast: { cutoff: 0.92, halfWidth: 16, beta: 8 },
};

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges for all β used here). */
function besselI0(x: number): number {
  let sum = 1, term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

interface Polyphase {
  up: number;
  down: number;
  /** Taps of phase φ at taps[offset[φ] .. offset[φ] + count[φ]), ordered to pair with ascending input index. */
  taps: Float64Array;
  offset: Int32Array;
  count: Int32Array;
  /** Input index of the first tap of phase φ relative to floor(n·M/L). */
  first: Int32Array;
}

const cache = new Map<string, Polyphase>();

function design(from: number, to: number, f: ResampleFilter): Polyphase {
  const key = `${from}/${to}/${f.cutoff}/${f.halfWidth}/${f.beta}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const g = gcd(from, to);
  const up = to / g, down = from / g;
  const r = Math.max(up, down);
  const half = Math.ceil(f.halfWidth * r);
  const c = f.cutoff / r; // cutoff relative to the Nyquist rate of the upsampled signal
  const h = new Float64Array(2 * half + 1);
  const i0b = besselI0(f.beta);
  let sum = 0;
  for (let j = -half; j <= half; j++) {
    const u = j / half;
    const w = besselI0(f.beta * Math.sqrt(Math.max(0, 1 - u * u))) / i0b;
    const x = c * j;
    const s = j === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    h[j + half] = c * s * w;
    sum += h[j + half];
  }
  // Unit gain at DC for the upsampled signal, times `up` for the energy lost to zero stuffing.
  for (let j = 0; j < h.length; j++) h[j] *= up / sum;

  // Output n sits at upsampled time q = n·down = a·up + φ; input k contributes h[q − k·up].
  const offset = new Int32Array(up), count = new Int32Array(up), first = new Int32Array(up);
  const taps = new Float64Array(h.length);
  let pos = 0;
  for (let phi = 0; phi < up; phi++) {
    const iMin = Math.ceil((-half - phi) / up);
    const iMax = Math.floor((half - phi) / up);
    offset[phi] = pos;
    count[phi] = Math.max(0, iMax - iMin + 1);
    first[phi] = -iMax;
    for (let i = iMax; i >= iMin; i--) taps[pos++] = h[i * up + phi + half];
  }
  const p = { up, down, taps: taps.subarray(0, pos), offset, count, first };
  cache.set(key, p);
  return p;
}

function checkRate(rate: number, what: string): void {
  if (!Number.isInteger(rate) || rate <= 0) throw new OnnxLabError('resample.bad-rate', `${what} sample rate must be a positive integer, got ${rate}`);
}

/** Resamples one channel from `from` Hz to `to` Hz. */
export function resample(
  x: ArrayLike<number>,
  from: number,
  to: number,
  quality: ResampleQuality | ResampleFilter = 'hq',
): Float32Array {
  checkRate(from, 'source');
  checkRate(to, 'target');
  const n = x.length;
  if (from === to) return Float32Array.from(x);
  const f = typeof quality === 'string' ? RESAMPLE_FILTERS[quality] : quality;
  const p = design(from, to, f);
  const { up, down, taps, offset, count, first } = p;
  const nOut = Math.ceil((n * up) / down);
  const y = new Float32Array(nOut);
  for (let o = 0; o < nOut; o++) {
    const q = o * down;
    const a = Math.floor(q / up);
    const phi = q - a * up;
    const cnt = count[phi];
    const base = offset[phi];
    const k0 = a + first[phi];
    let acc = 0;
    if (k0 >= 0 && k0 + cnt <= n) {
      // Four partial sums: a single accumulator chains every add on the previous one.
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, j = 0;
      for (; j + 3 < cnt; j += 4) {
        a0 += taps[base + j] * x[k0 + j];
        a1 += taps[base + j + 1] * x[k0 + j + 1];
        a2 += taps[base + j + 2] * x[k0 + j + 2];
        a3 += taps[base + j + 3] * x[k0 + j + 3];
      }
      for (; j < cnt; j++) a0 += taps[base + j] * x[k0 + j];
      acc = (a0 + a1) + (a2 + a3);
    } else {
      const jLo = Math.max(0, -k0), jHi = Math.min(cnt, n - k0);
      for (let j = jLo; j < jHi; j++) acc += taps[base + j] * x[k0 + j];
    }
    y[o] = acc;
  }
  return y;
}

/** Mean of the channels (librosa.to_mono, and what soundfile + np.mean give). */
export function downmix(channels: Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0];
  const n = channels[0].length, nc = channels.length;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < nc; c++) s += channels[c][i];
    y[i] = s / nc;
  }
  return y;
}
