/**
 * Band-limited rational resampling: a Kaiser-windowed sinc low-pass applied in polyphase form
 * (upsample by L, filter, keep every M-th sample, without ever forming the upsampled signal).
 * Output sample n is centred on input time n·M/L (zero delay), and the output has ceil(n·L/M)
 * samples, the length librosa.resample and scipy.signal.resample_poly return.
 */
import { OnnxLabError } from '../errors';
import { ComplexFft } from './fft';

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

/**
 * Polyphase filtering of x (indices [0, n), zero outside) read with an index shift: output o sits at
 * x-index o·M/L + shift (shift ≥ 0 lets a caller pass a signal that starts `shift` samples early).
 */
function polyphase(x: ArrayLike<number>, n: number, shift: number, nOut: number, p: Polyphase): Float32Array {
  const { up, down, taps, offset, count, first } = p;
  const y = new Float32Array(nOut);
  // Outputs o and o + up use the same phase, `down` inputs apart: walk whole cycles of `up` outputs
  // with per-slot tables instead of a division and a floor per output.
  const slotA = new Int32Array(up), slotPhi = new Int32Array(up);
  for (let r = 0; r < up; r++) {
    const q = r * down, a = Math.floor(q / up);
    slotA[r] = a;
    slotPhi[r] = q - a * up;
  }
  for (let o0 = 0, aBase = shift; o0 < nOut; o0 += up, aBase += down) {
    const rEnd = Math.min(up, nOut - o0);
    for (let r = 0; r < rEnd; r++) {
      const phi = slotPhi[r];
      const cnt = count[phi];
      const base = offset[phi];
      const k0 = aBase + slotA[r] + first[phi];
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
      y[o0 + r] = acc;
    }
  }
  return y;
}

/** Stopband attenuation (dB) the second, short stage of the two-stage 'hq' path is designed for. */
const STAGE2_DB = 120;

/**
 * 'hq' downsampling in two stages, with the same output as the one-stage filter to well below its
 * 60 dB goal but ~10x less work:
 *  1. the steep low-pass (the very same Kaiser-sinc prototype, sampled at the input rate) applied
 *     by FFT overlap-save at the input rate, whose cost per sample hardly depends on its ~500 taps;
 *  2. a short polyphase filter for the rate change itself: after step 1 nothing is left above
 *     `to`/2, so its transition band may span `to`/2 … `from` − `to`/2 (images start there), which
 *     a 120 dB Kaiser filter covers in a few zero crossings (~14 taps per output sample at 44.1k→16k).
 * Step 2 consumes step 1's blocks as they come (a window of a few thousand samples), so the filtered
 * full-rate signal is never held whole.
 */
function resampleTwoStage(x: ArrayLike<number>, from: number, to: number, f: ResampleFilter): Float32Array {
  const n = x.length;
  const nOut = Math.ceil((n * to) / from);
  // Step 2: −6 dB at from/2 (halfway between the last content, to/2, and the first image at
  // from − to/2), the transition 0.9·(from − to) wide, so its pass-band still ends above to/2 and
  // its stop-band starts below from − to/2; Kaiser: N·Δf ≈ (A − 8) / 14.36 over a span 2·halfWidth/to.
  const width = 0.9 * (from - to);
  const stage2: ResampleFilter = {
    cutoff: from / to,
    halfWidth: ((STAGE2_DB - 8) * to) / (28.72 * width),
    beta: 0.1102 * (STAGE2_DB - 8.7),
  };
  const { up, down, taps, offset, count, first } = design(from, to, stage2);
  const slotA = new Int32Array(up), slotPhi = new Int32Array(up);
  for (let r = 0; r < up; r++) {
    const q = r * down, a = Math.floor(q / up);
    slotA[r] = a;
    slotPhi[r] = q - a * up;
  }
  const y = new Float32Array(nOut);
  // Step 1's output v (index i = input time i − shift, `total` samples, zero outside) arrives in
  // order; buf[0, fill) holds v[base, base + fill).
  let buf = new Float64Array(1 << 13);
  let base = 0, fill = 0;
  let o = 0, r = 0, aBase = 0, shift = 0, total = 0;
  const consume = () => {
    const have = base + fill, last = have >= total;
    while (o < nOut) {
      const phi = slotPhi[r], cnt = count[phi], tb = offset[phi];
      const k0 = aBase + slotA[r] + first[phi];
      if (!last && k0 + cnt > have) break;
      let acc = 0;
      if (k0 >= 0 && k0 + cnt <= total) {
        const b0 = k0 - base;
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, j = 0;
        for (; j + 3 < cnt; j += 4) {
          a0 += taps[tb + j] * buf[b0 + j];
          a1 += taps[tb + j + 1] * buf[b0 + j + 1];
          a2 += taps[tb + j + 2] * buf[b0 + j + 2];
          a3 += taps[tb + j + 3] * buf[b0 + j + 3];
        }
        for (; j < cnt; j++) a0 += taps[tb + j] * buf[b0 + j];
        acc = (a0 + a1) + (a2 + a3);
      } else {
        const jLo = Math.max(0, -k0), jHi = Math.min(cnt, total - k0);
        for (let j = jLo; j < jHi; j++) acc += taps[tb + j] * buf[k0 - base + j];
      }
      y[o++] = acc;
      if (++r === up) { r = 0; aBase += down; }
    }
    // Keep only what the next output still reads.
    if (o < nOut) {
      const keep = Math.max(base, Math.min(have, aBase + slotA[r] + first[slotPhi[r]]));
      const drop = keep - base;
      if (drop > 0) { buf.copyWithin(0, drop, fill); fill -= drop; base = keep; }
    }
  };
  lowpassStream(x, from, to, f, (L) => {
    shift = (L - 1) >> 1;
    total = n + L - 1;
    aBase = shift;
  }, (src, srcOff, sign, len) => {
    if (fill + len > buf.length) {
      const bigger = new Float64Array(2 * (fill + len));
      bigger.set(buf.subarray(0, fill));
      buf = bigger;
    }
    for (let j = 0; j < len; j++) buf[fill + j] = sign * src[srcOff + j];
    fill += len;
    consume();
  });
  if (o < nOut) consume(); // empty input: nothing was emitted
  return y;
}

const lowpassCache = new Map<string, { h: Float64Array; fft: ComplexFft; hr: Float64Array; hi: Float64Array }>();

/**
 * x convolved with the 'hq' prototype low-pass sampled at the input rate: the full linear
 * convolution (length n + L − 1, sample i at input time i − (L − 1)/2), handed to `emit` in order,
 * block by block, by overlap-save with a 4096-point complex FFT that filters two real blocks at once
 * (one in re, one in im: the filter is real, so the two results come back apart in re and im).
 */
function lowpassStream(
  x: ArrayLike<number>,
  from: number,
  to: number,
  f: ResampleFilter,
  start: (taps: number) => void,
  emit: (src: Float64Array, srcOff: number, sign: 1 | -1, len: number) => void,
): void {
  const key = `${from}/${to}/${f.cutoff}/${f.halfWidth}/${f.beta}`;
  let lp = lowpassCache.get(key);
  if (!lp) {
    // Same continuous prototype as design(): cutoff f.cutoff·(to/2) Hz, Kaiser half-span
    // f.halfWidth periods of `to`, here in input samples.
    const span = (f.halfWidth * from) / to;
    const H = Math.floor(span);
    const c = (f.cutoff * to) / from;
    const h = new Float64Array(2 * H + 1);
    const i0b = besselI0(f.beta);
    let sum = 0;
    for (let j = -H; j <= H; j++) {
      const u = j / span;
      const w = besselI0(f.beta * Math.sqrt(Math.max(0, 1 - u * u))) / i0b;
      const t = c * j;
      h[j + H] = (j === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t)) * w;
      sum += h[j + H];
    }
    for (let j = 0; j < h.length; j++) h[j] /= sum;
    let N = 4096;
    while (N < 4 * h.length) N <<= 1;
    const fft = new ComplexFft(N);
    const hr = new Float64Array(N), hi = new Float64Array(N);
    // 1/N of the inverse transform folded into the filter's spectrum.
    for (let j = 0; j < h.length; j++) hr[j] = h[j] / N;
    fft.transform(hr, hi);
    lp = { h, fft, hr, hi };
    lowpassCache.set(key, lp);
  }
  const { h, fft, hr, hi } = lp;
  const L = h.length, N = fft.size, B = N - L + 1; // valid outputs per block
  start(L);
  const n = x.length, total = n + L - 1;
  const rev = fft.bitReversal;
  const re = new Float64Array(N), im = new Float64Array(N);
  const zr = new Float64Array(N), zi = new Float64Array(N);
  const xs = (i: number) => (i >= 0 && i < n ? x[i] : 0);
  // Output c[j] = Σ_i h[i]·x[j − i]; a block for outputs [s, s + B) reads x[s − L + 1, s + B).
  for (let s = 0; s < total; s += 2 * B) {
    const s2 = s + B;
    const b1 = s - L + 1, b2 = s2 - L + 1;
    if (b1 >= 0 && b2 + N <= n) {
      for (let i = 0; i < N; i++) { const d = rev[i]; re[d] = x[b1 + i]; im[d] = x[b2 + i]; }
    } else {
      for (let i = 0; i < N; i++) { const d = rev[i]; re[d] = xs(b1 + i); im[d] = xs(b2 + i); }
    }
    fft.forwardButterflies(re, im);
    // Z·H, stored conjugated and bit-reversed: the forward transform of conj(Y) is conj of the
    // inverse transform of Y, so no inverse pass is needed.
    for (let k = 0; k < N; k++) {
      const ar = re[k], ai = im[k], br = hr[k], bi = hi[k];
      const d = rev[k];
      zr[d] = ar * br - ai * bi;
      zi[d] = -(ar * bi + ai * br);
    }
    fft.forwardButterflies(zr, zi);
    const m1 = Math.min(B, total - s), m2 = Math.min(B, total - s2);
    if (m1 > 0) emit(zr, L - 1, 1, m1);
    if (m2 > 0) emit(zi, L - 1, -1, m2);
  }
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
  if (quality === 'hq' && to < from) return resampleTwoStage(x, from, to, RESAMPLE_FILTERS.hq);
  const f = typeof quality === 'string' ? RESAMPLE_FILTERS[quality] : quality;
  const p = design(from, to, f);
  return polyphase(x, n, 0, Math.ceil((n * p.up) / p.down), p);
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
