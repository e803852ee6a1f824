/**
 * Real FFT in float64. Power-of-two sizes: an N/2-point complex radix-2 FFT with precomputed
 * twiddles and bit-reversal table, then the standard split into the N/2+1 real-input bins.
 * Other sizes (e.g. Whisper's 400): Bluestein's chirp-z through a power-of-two FFT, so any n_fft
 * costs O(N log N).
 */

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** In-place complex FFT of a fixed power-of-two size (forward, unnormalised). */
export class ComplexFft {
  readonly size: number;
  private readonly rev: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(size: number) {
    if (!isPowerOfTwo(size)) throw new RangeError(`ComplexFft size must be a power of two, got ${size}`);
    this.size = size;
    const bits = Math.log2(size);
    this.rev = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      this.rev[i] = r;
    }
    this.cos = new Float64Array(size / 2);
    this.sin = new Float64Array(size / 2);
    for (let k = 0; k < size / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / size);
    }
  }

  /** Forward transform of (re, im) in place; `inverse` conjugates the twiddles (no 1/N scaling). */
  transform(re: Float64Array, im: Float64Array, inverse = false): void {
    const n = this.size;
    const rev = this.rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        let t = re[i]; re[i] = re[j]; re[j] = t;
        t = im[i]; im[i] = im[j]; im[j] = t;
      }
    }
    const cs = this.cos;
    const sn = this.sin;
    const sign = inverse ? -1 : 1;
    // First two stages without multiplications: they dominate the loop count for small sizes.
    if (n >= 2) {
      for (let i = 0; i < n; i += 2) {
        const ar = re[i], ai = im[i], br = re[i + 1], bi = im[i + 1];
        re[i] = ar + br; im[i] = ai + bi; re[i + 1] = ar - br; im[i + 1] = ai - bi;
      }
    }
    if (n >= 4) {
      for (let i = 0; i < n; i += 4) {
        const ar = re[i], ai = im[i], br = re[i + 2], bi = im[i + 2];
        re[i] = ar + br; im[i] = ai + bi; re[i + 2] = ar - br; im[i + 2] = ai - bi;
        // Twiddle -i (forward) / +i (inverse) for the second pair.
        const cr = re[i + 1], ci = im[i + 1], dr = re[i + 3], di = im[i + 3];
        const tr = sign * di, ti = -sign * dr;
        re[i + 1] = cr + tr; im[i + 1] = ci + ti; re[i + 3] = cr - tr; im[i + 3] = ci - ti;
      }
    }
    for (let len = 8; len <= n; len <<= 1) {
      const half = len >> 1;
      const step = n / len;
      for (let i = 0; i < n; i += len) {
        for (let k = 0, t = 0; k < half; k++, t += step) {
          const wr = cs[t], wi = sign * sn[t];
          const a = i + k, b = a + half;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr; im[b] = im[a] - xi;
          re[a] += xr; im[a] += xi;
        }
      }
    }
  }
}

/** Real-input FFT of a fixed size N: N/2+1 complex bins. Not re-entrant (keeps scratch buffers). */
export class RealFft {
  readonly size: number;
  readonly bins: number;
  private readonly half?: ComplexFft;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly wr?: Float64Array;
  private readonly wi?: Float64Array;
  private readonly blue?: Bluestein;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    this.size = size;
    this.bins = (size >> 1) + 1;
    if (isPowerOfTwo(size) && size >= 4) {
      const h = size >> 1;
      this.half = new ComplexFft(h);
      this.zr = new Float64Array(h);
      this.zi = new Float64Array(h);
      this.wr = new Float64Array(h + 1);
      this.wi = new Float64Array(h + 1);
      for (let k = 0; k <= h; k++) {
        this.wr[k] = Math.cos((2 * Math.PI * k) / size);
        this.wi[k] = -Math.sin((2 * Math.PI * k) / size);
      }
    } else {
      this.blue = new Bluestein(size);
      this.zr = new Float64Array(0);
      this.zi = new Float64Array(0);
    }
  }

  /** X[k] for k = 0..N/2 of real `input` (length N). */
  forward(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    if (this.blue) {
      this.blue.real(input, outRe, outIm);
      return;
    }
    const h = this.size >> 1;
    const zr = this.zr, zi = this.zi;
    for (let i = 0; i < h; i++) {
      zr[i] = input[2 * i];
      zi[i] = input[2 * i + 1];
    }
    this.half!.transform(zr, zi);
    const wr = this.wr!, wi = this.wi!;
    // X[k] = E[k] + W^k O[k] with E = (Z[k] + conj Z[h-k]) / 2, O = (Z[k] - conj Z[h-k]) / 2i.
    for (let k = 0; k <= h; k++) {
      const a = k === h ? 0 : k;
      const b = k === 0 ? 0 : h - k;
      const ar = zr[a], ai = zi[a], br = zr[b], bi = -zi[b];
      const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
      outRe[k] = er + wr[k] * or - wi[k] * oi;
      outIm[k] = ei + wr[k] * oi + wi[k] * or;
    }
  }

  /** |X[k]|² for k = 0..N/2. */
  power(input: ArrayLike<number>, out: Float64Array, re: Float64Array, im: Float64Array): void {
    this.forward(input, re, im);
    for (let k = 0; k < this.bins; k++) out[k] = re[k] * re[k] + im[k] * im[k];
  }
}

/** DFT of any length via Bluestein: x[n] w[n] convolved with conj(w), w[n] = exp(-iπ n²/N). */
class Bluestein {
  private readonly n: number;
  private readonly fft: ComplexFft;
  private readonly cr: Float64Array; // chirp exp(-iπ n²/N)
  private readonly ci: Float64Array;
  private readonly br: Float64Array; // FFT of the conjugate chirp, wrapped
  private readonly bi: Float64Array;
  private readonly ar: Float64Array;
  private readonly ai: Float64Array;

  constructor(n: number) {
    this.n = n;
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    this.fft = new ComplexFft(Math.max(m, 4));
    m = this.fft.size;
    this.cr = new Float64Array(n);
    this.ci = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      // n² mod 2N keeps the angle small and exact for large n.
      const t = (i * i) % (2 * n);
      this.cr[i] = Math.cos((Math.PI * t) / n);
      this.ci[i] = -Math.sin((Math.PI * t) / n);
    }
    this.br = new Float64Array(m);
    this.bi = new Float64Array(m);
    this.br[0] = this.cr[0];
    this.bi[0] = -this.ci[0];
    for (let i = 1; i < n; i++) {
      this.br[i] = this.br[m - i] = this.cr[i];
      this.bi[i] = this.bi[m - i] = -this.ci[i];
    }
    this.fft.transform(this.br, this.bi);
    this.ar = new Float64Array(m);
    this.ai = new Float64Array(m);
  }

  real(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n, m = this.fft.size;
    const ar = this.ar, ai = this.ai;
    for (let i = 0; i < n; i++) {
      ar[i] = input[i] * this.cr[i];
      ai[i] = input[i] * this.ci[i];
    }
    ar.fill(0, n);
    ai.fill(0, n);
    this.fft.transform(ar, ai);
    for (let i = 0; i < m; i++) {
      const r = ar[i] * this.br[i] - ai[i] * this.bi[i];
      const j = ar[i] * this.bi[i] + ai[i] * this.br[i];
      ar[i] = r;
      ai[i] = j;
    }
    this.fft.transform(ar, ai, true);
    const bins = (n >> 1) + 1;
    for (let k = 0; k < bins; k++) {
      const r = ar[k] / m, j = ai[k] / m;
      outRe[k] = r * this.cr[k] - j * this.ci[k];
      outIm[k] = r * this.ci[k] + j * this.cr[k];
    }
  }
}
