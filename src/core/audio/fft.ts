/**
 * Real FFT in float64. Power-of-two sizes: the N real samples are packed as N/2 complex ones,
 * transformed by a radix-2² FFT (two radix-2 stages per pass, precomputed per-stage twiddles and
 * bit-reversal table), then split into the N/2+1 real-input bins. Other sizes (e.g. Whisper's 400):
 * Bluestein's chirp-z through a power-of-two FFT, so any n_fft costs O(N log N).
 */

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** In-place complex FFT of a fixed power-of-two size (forward, unnormalised). */
export class ComplexFft {
  readonly size: number;
  private readonly rev: Int32Array;
  // Twiddles of the stage with butterflies `half` apart live at [half, 2·half): contiguous per stage.
  private readonly twr: Float64Array;
  private readonly twi: Float64Array;

  constructor(size: number) {
    if (!isPowerOfTwo(size)) throw new RangeError(`ComplexFft size must be a power of two, got ${size}`);
    this.size = size;
    const bits = Math.log2(size);
    this.rev = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      this.rev[i] = r;
    }
    this.twr = new Float64Array(Math.max(2, size));
    this.twi = new Float64Array(Math.max(2, size));
    for (let half = 1; half < size; half <<= 1) {
      for (let k = 0; k < half; k++) {
        const a = (Math.PI * k) / half; // W_{2·half}^k
        this.twr[half + k] = Math.cos(a);
        this.twi[half + k] = -Math.sin(a);
      }
    }
    // Forward radix-2² stages: (w1, w2, w3) per k, stage after stage, in the order the loop reads
    // them, so the hot path neither multiplies by a sign nor forms w3 = w1·w2 per call.
    let len = 0;
    for (let h = (bits & 1) === 0 ? 4 : 2; h < size; h <<= 2) len += 6 * h;
    this.fw = new Float64Array(Math.max(1, len));
    let o = 0;
    for (let h = (bits & 1) === 0 ? 4 : 2; h < size; h <<= 2) {
      for (let k = 0; k < h; k++, o += 6) {
        const a1 = (Math.PI * k) / h, a2 = (Math.PI * k) / (2 * h), a3 = 3 * a2;
        this.fw[o] = Math.cos(a1); this.fw[o + 1] = -Math.sin(a1);
        this.fw[o + 2] = Math.cos(a2); this.fw[o + 3] = -Math.sin(a2);
        this.fw[o + 4] = Math.cos(a3); this.fw[o + 5] = -Math.sin(a3);
      }
    }
  }

  private readonly fw: Float64Array;

  /**
   * Forward butterflies only ((re, im) already bit-reversed), the hot path of the real FFT and the
   * STFT: same arithmetic as butterflies(re, im, false) with the twiddles read from one table.
   */
  forwardButterflies(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    if (n < 2) return;
    const fw = this.fw;
    let half: number;
    if ((Math.log2(n) & 1) === 0) {
      for (let a = 0; a < n; a += 4) {
        const x0r = re[a], x0i = im[a], x1r = re[a + 1], x1i = im[a + 1];
        const x2r = re[a + 2], x2i = im[a + 2], x3r = re[a + 3], x3i = im[a + 3];
        const y0r = x0r + x1r, y0i = x0i + x1i, y1r = x0r - x1r, y1i = x0i - x1i;
        const y2r = x2r + x3r, y2i = x2i + x3i, y3r = x2r - x3r, y3i = x2i - x3i;
        re[a] = y0r + y2r; im[a] = y0i + y2i; re[a + 2] = y0r - y2r; im[a + 2] = y0i - y2i;
        re[a + 1] = y1r + y3i; im[a + 1] = y1i - y3r; re[a + 3] = y1r - y3i; im[a + 3] = y1i + y3r;
      }
      half = 4;
    } else {
      for (let a = 0; a < n; a += 2) {
        const ar = re[a], ai = im[a], br = re[a + 1], bi = im[a + 1];
        re[a] = ar + br; im[a] = ai + bi; re[a + 1] = ar - br; im[a + 1] = ai - bi;
      }
      half = 2;
    }
    let o = 0;
    for (; half < n; half <<= 2) {
      const h = half, len = h << 2;
      for (let k = 0; k < h; k++, o += 6) {
        const w1r = fw[o], w1i = fw[o + 1], w2r = fw[o + 2], w2i = fw[o + 3], w3r = fw[o + 4], w3i = fw[o + 5];
        for (let a0 = k; a0 < n; a0 += len) {
          const a1 = a0 + h, a2 = a1 + h, a3 = a2 + h;
          const x1r = re[a1], x1i = im[a1], x2r = re[a2], x2i = im[a2], x3r = re[a3], x3i = im[a3];
          const rr = x1r * w1r - x1i * w1i, ri = x1r * w1i + x1i * w1r;
          const pr = x2r * w2r - x2i * w2i, pi = x2r * w2i + x2i * w2r;
          const qr = x3r * w3r - x3i * w3i, qi = x3r * w3i + x3i * w3r;
          const x0r = re[a0], x0i = im[a0];
          const y0r = x0r + rr, y0i = x0i + ri, y1r = x0r - rr, y1i = x0i - ri;
          const sr = pr + qr, si = pi + qi, dr = pr - qr, di = pi - qi;
          re[a0] = y0r + sr; im[a0] = y0i + si; re[a2] = y0r - sr; im[a2] = y0i - si;
          re[a1] = y1r + di; im[a1] = y1i - dr; re[a3] = y1r - di; im[a3] = y1i + dr;
        }
      }
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
    this.butterflies(re, im, inverse);
  }

  /** Bit-reversal permutation table (callers that fill the input permuted skip the swap pass). */
  get bitReversal(): Int32Array { return this.rev; }

  /** The butterfly stages alone: (re, im) must already be in bit-reversed order. */
  butterflies(re: Float64Array, im: Float64Array, inverse = false): void {
    const n = this.size;
    if (n < 2) return;
    const twr = this.twr, twi = this.twi;
    const sign = inverse ? -1 : 1;
    let half: number;
    if ((Math.log2(n) & 1) === 0) {
      // First two stages fused; their twiddles are 1 and ∓i, so no multiplications.
      for (let a = 0; a < n; a += 4) {
        const x0r = re[a], x0i = im[a], x1r = re[a + 1], x1i = im[a + 1];
        const x2r = re[a + 2], x2i = im[a + 2], x3r = re[a + 3], x3i = im[a + 3];
        const y0r = x0r + x1r, y0i = x0i + x1i, y1r = x0r - x1r, y1i = x0i - x1i;
        const y2r = x2r + x3r, y2i = x2i + x3i, y3r = x2r - x3r, y3i = x2i - x3i;
        const vr = sign * y3i, vi = -sign * y3r;
        re[a] = y0r + y2r; im[a] = y0i + y2i; re[a + 2] = y0r - y2r; im[a + 2] = y0i - y2i;
        re[a + 1] = y1r + vr; im[a + 1] = y1i + vi; re[a + 3] = y1r - vr; im[a + 3] = y1i - vi;
      }
      half = 4;
    } else {
      for (let a = 0; a < n; a += 2) {
        const ar = re[a], ai = im[a], br = re[a + 1], bi = im[a + 1];
        re[a] = ar + br; im[a] = ai + bi; re[a + 1] = ar - br; im[a + 1] = ai - bi;
      }
      half = 2;
    }
    // Two radix-2 stages fused (radix-2²): each group of four points is loaded and stored once, and
    // the second stage's twiddle is folded into the inputs (w1 = W_2h^k on x1; w2 = W_4h^k on x2;
    // w1·w2 = W_4h^3k on x3), three complex multiplications per four points instead of four.
    for (; half < n; half <<= 2) {
      const h = half, len = h << 2;
      for (let k = 0; k < h; k++) {
        const w1r = twr[h + k], w1i = sign * twi[h + k];
        const w2r = twr[2 * h + k], w2i = sign * twi[2 * h + k];
        const w3r = w1r * w2r - w1i * w2i, w3i = w1r * w2i + w1i * w2r;
        for (let a0 = k; a0 < n; a0 += len) {
          const a1 = a0 + h, a2 = a1 + h, a3 = a2 + h;
          const x1r = re[a1], x1i = im[a1], x2r = re[a2], x2i = im[a2], x3r = re[a3], x3i = im[a3];
          const rr = x1r * w1r - x1i * w1i, ri = x1r * w1i + x1i * w1r;
          const pr = x2r * w2r - x2i * w2i, pi = x2r * w2i + x2i * w2r;
          const qr = x3r * w3r - x3i * w3i, qi = x3r * w3i + x3i * w3r;
          const x0r = re[a0], x0i = im[a0];
          const y0r = x0r + rr, y0i = x0i + ri, y1r = x0r - rr, y1i = x0i - ri;
          const sr = pr + qr, si = pi + qi, dr = pr - qr, di = pi - qi;
          // (p − q) times −i (forward) or +i (inverse).
          const vr = sign * di, vi = -sign * dr;
          re[a0] = y0r + sr; im[a0] = y0i + si; re[a2] = y0r - sr; im[a2] = y0i - si;
          re[a1] = y1r + vr; im[a1] = y1i + vi; re[a3] = y1r - vr; im[a3] = y1i - vi;
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
    const rev = this.half!.bitReversal;
    // Packed straight into bit-reversed order, which saves the FFT's swap pass.
    for (let i = 0; i < h; i++) {
      const j = rev[i];
      zr[j] = input[2 * i];
      zi[j] = input[2 * i + 1];
    }
    this.half!.forwardButterflies(zr, zi);
    const wr = this.wr!, wi = this.wi!;
    // X[k] = E + W^k·O with E = (Z[k] + conj Z[h−k]) / 2, O = (Z[k] − conj Z[h−k]) / 2i; the mirror
    // bin comes from the same numbers: X[h−k] = conj(E − W^k·O). One pass over k ≤ h/2.
    outRe[0] = zr[0] + zi[0];
    outIm[0] = 0;
    outRe[h] = zr[0] - zi[0];
    outIm[h] = 0;
    for (let k = 1, m = h - 1; k <= m; k++, m--) {
      const ar = zr[k], ai = zi[k], br = zr[m], bi = -zi[m];
      const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
      const tr = wr[k] * or - wi[k] * oi, ti = wr[k] * oi + wi[k] * or;
      outRe[k] = er + tr;
      outIm[k] = ei + ti;
      outRe[m] = er - tr;
      outIm[m] = ti - ei;
    }
  }

  /** |X[k]|² for k = 0..N/2. */
  power(input: ArrayLike<number>, out: Float64Array, re: Float64Array, im: Float64Array): void {
    this.forward(input, re, im);
    for (let k = 0; k < this.bins; k++) out[k] = re[k] * re[k] + im[k] * im[k];
  }

  /**
   * The packing buffers of a power-of-two transform, for callers that write the frame straight into
   * them (sample 2i → re[rev[i]], sample 2i+1 → im[rev[i]]) and then call packedPower: this skips a
   * frame copy and the complex output. Undefined for Bluestein sizes.
   */
  get packed(): { re: Float64Array; im: Float64Array; rev: Int32Array } | undefined {
    return this.half ? { re: this.zr, im: this.zi, rev: this.half.bitReversal } : undefined;
  }

  /** |X[k]|² (k = 0..N/2) of the frame already written into `packed`; the buffers are consumed. */
  packedPower(out: Float64Array): void {
    const h = this.size >> 1;
    const zr = this.zr, zi = this.zi;
    this.half!.forwardButterflies(zr, zi);
    const wr = this.wr!, wi = this.wi!;
    // As in forward(): |E ± W·O|², written without forming the complex bins.
    let p = zr[0] + zi[0];
    out[0] = p * p;
    p = zr[0] - zi[0];
    out[h] = p * p;
    for (let k = 1, m = h - 1; k <= m; k++, m--) {
      const ar = zr[k], ai = zi[k], br = zr[m], bi = -zi[m];
      const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
      const tr = wr[k] * or - wi[k] * oi, ti = wr[k] * oi + wi[k] * or;
      const ur = er + tr, ui = ei + ti, vr = er - tr, vi = ti - ei;
      out[k] = ur * ur + ui * ui;
      out[m] = vr * vr + vi * vi;
    }
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
