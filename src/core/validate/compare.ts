/**
 * Compare one actual tensor with its golden. The element rule is Polygraphy's: an element fails only
 * when |a−b| > atol AND |a−b| > rtol·|b| (b = golden). `rule: 'numpy'` uses numpy.isclose's
 * |a−b| ≤ atol + rtol·|b| instead (for agreement checks with numpy.allclose). Integer, bool and
 * string outputs must match exactly. NaN matches only NaN at the same position; ±Inf only the same Inf.
 */
import { elementCount, formatShape, isFloatDtype, toFloat64, type GoldenValue, type Tensor } from './tensor';

export interface Tolerance {
  atol: number;
  rtol: number;
  /** 'polygraphy' (default): beyond both atol and rtol; 'numpy': beyond atol + rtol·|b|. */
  rule?: 'polygraphy' | 'numpy';
}

export const DEFAULT_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-5 };

export type OutputStatus = 'pass' | 'fail' | 'missing' | 'extra';

export interface NonFiniteCounts {
  /** NaN in the actual output / in the golden. */
  actualNaN: number;
  goldenNaN: number;
  actualInf: number;
  goldenInf: number;
  /** Positions where NaN/Inf on one side was not matched by the same value on the other. */
  mismatched: number;
}

export interface TopK {
  k: number;
  rows: number;
  /** Fraction of rows (last axis) whose argmax agrees. */
  top1: number;
  /** Mean fraction of the golden's top-k indices that are in the actual top-k. */
  topk: number;
}

export interface OutputComparison {
  name: string;
  status: OutputStatus;
  /** Why it failed, one line (shape, dtype, N mismatches, NaN ...). */
  reason?: string;
  actual?: { dtype: string; dims: number[] };
  golden?: { dtype: string; dims: number[] };
  tolerance: Tolerance;
  /** 'tolerance' for float outputs, 'exact' for integer/bool/string. */
  check: 'tolerance' | 'exact';
  elements: number;
  mismatches: number;
  mismatchPct: number;
  maxAbsError: number;
  meanAbsError: number;
  maxRelError: number;
  meanRelError: number;
  /** Cosine similarity over finite pairs; 1 when both are all zeros. */
  cosine: number;
  /** The smallest atol that passes with this rtol, and the smallest rtol that passes with this atol. */
  minAtol: number;
  minRtol: number;
  /** Flat index of the worst element and its two values. */
  worst?: { index: number; actual: number | string; golden: number | string };
  nonFinite: NonFiniteCounts;
  topK?: TopK;
}

function emptyStats(name: string, status: OutputStatus, tolerance: Tolerance, reason?: string): OutputComparison {
  return {
    name, status, reason, tolerance, check: 'tolerance', elements: 0, mismatches: 0, mismatchPct: 0,
    maxAbsError: 0, meanAbsError: 0, maxRelError: 0, meanRelError: 0, cosine: 1, minAtol: 0, minRtol: 0,
    nonFinite: { actualNaN: 0, goldenNaN: 0, actualInf: 0, goldenInf: 0, mismatched: 0 },
  };
}

export function missingOutput(name: string, golden: Tensor | undefined, tolerance: Tolerance, why = 'the model did not produce this output'): OutputComparison {
  const c = emptyStats(name, 'missing', tolerance, why);
  if (golden) c.golden = { dtype: golden.dtype, dims: golden.dims };
  return c;
}

export function extraOutput(name: string, actual: Tensor | undefined, tolerance: Tolerance): OutputComparison {
  const c = emptyStats(name, 'extra', tolerance, 'the golden set has no value for this output');
  if (actual) c.actual = { dtype: actual.dtype, dims: actual.dims };
  return c;
}

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Compare one output. Never throws on bad data: a shape or dtype mismatch is a failure with a reason. */
export interface CompareOptions {
  /** Report top-k agreement over the last axis: true always, undefined when the name looks like logits/scores/probabilities. */
  topK?: boolean;
}

const LOGITS_NAME = /logit|prob|score|class|softmax/i;

export function compareTensors(name: string, actual: Tensor, golden: Tensor, tol: Tolerance = DEFAULT_TOLERANCE, opts: CompareOptions = {}): OutputComparison {
  const c = emptyStats(name, 'pass', tol);
  c.actual = { dtype: actual.dtype, dims: [...actual.dims] };
  c.golden = { dtype: golden.dtype, dims: [...golden.dims] };
  if (actual.dtype !== golden.dtype) return fail(c, `dtype ${actual.dtype}, golden ${golden.dtype}`);
  if (!sameDims(actual.dims, golden.dims)) return fail(c, `shape ${formatShape(actual.dims)}, golden ${formatShape(golden.dims)}`);
  const n = elementCount(golden.dims);
  c.elements = n;
  if (actual.data.length !== n || golden.data.length !== n) return fail(c, `holds ${actual.data.length} values, golden ${golden.data.length}, shape needs ${n}`);
  if (!isFloatDtype(golden.dtype)) return compareExact(c, actual, golden);
  return compareFloat(c, toFloat64(actual), toFloat64(golden), golden.dims, tol, opts.topK ?? LOGITS_NAME.test(name));
}

function fail(c: OutputComparison, reason: string): OutputComparison {
  c.status = 'fail';
  c.reason = reason;
  return c;
}

function compareExact(c: OutputComparison, actual: Tensor, golden: Tensor): OutputComparison {
  c.check = 'exact';
  const a = actual.data as ArrayLike<number | bigint | string>;
  const b = golden.data as ArrayLike<number | bigint | string>;
  const numeric = !Array.isArray(golden.data);
  let sumAbs = 0;
  for (let i = 0; i < b.length; i++) {
    if (a[i] === b[i]) continue;
    c.mismatches++;
    if (numeric) {
      const d = Math.abs(Number(a[i]) - Number(b[i]));
      sumAbs += d;
      if (d > c.maxAbsError) {
        c.maxAbsError = d;
        c.worst = { index: i, actual: Number(a[i]), golden: Number(b[i]) };
      }
    } else if (!c.worst) c.worst = { index: i, actual: String(a[i]), golden: String(b[i]) };
  }
  c.meanAbsError = b.length ? sumAbs / b.length : 0;
  c.mismatchPct = b.length ? (100 * c.mismatches) / b.length : 0;
  c.minAtol = c.maxAbsError;
  if (numeric && c.mismatches) {
    const fa = Float64Array.from(a as ArrayLike<number>, Number);
    const fb = Float64Array.from(b as ArrayLike<number>, Number);
    c.cosine = cosine(fa, fb);
  }
  if (c.mismatches) fail(c, `${c.mismatches} of ${b.length} values differ (${c.check} match required for ${golden.dtype})`);
  return c;
}

function cosine(a: Float64Array, b: Float64Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

function compareFloat(c: OutputComparison, a: Float64Array, b: Float64Array, dims: readonly number[], tol: Tolerance, wantTopK: boolean): OutputComparison {
  const { atol, rtol } = tol;
  const numpy = tol.rule === 'numpy';
  const nf = c.nonFinite;
  let sumAbs = 0, sumRel = 0, finite = 0;
  let dot = 0, na = 0, nb = 0;
  let worstScore = -1;
  for (let i = 0; i < b.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      const xn = Number.isNaN(x), yn = Number.isNaN(y);
      if (xn) nf.actualNaN++; else if (!Number.isFinite(x)) nf.actualInf++;
      if (yn) nf.goldenNaN++; else if (!Number.isFinite(y)) nf.goldenInf++;
      if ((xn && yn) || x === y) continue; // NaN↔NaN, or the same ±Inf
      nf.mismatched++;
      c.mismatches++;
      c.minAtol = Infinity;
      c.minRtol = Infinity;
      if (worstScore < Infinity) {
        worstScore = Infinity;
        c.worst = { index: i, actual: x, golden: y };
      }
      continue;
    }
    const d = Math.abs(x - y);
    const ay = Math.abs(y);
    const rel = ay > 0 ? d / ay : d > 0 ? Infinity : 0;
    finite++;
    sumAbs += d;
    if (Number.isFinite(rel)) sumRel += rel;
    if (d > c.maxAbsError) c.maxAbsError = d;
    if (rel > c.maxRelError) c.maxRelError = rel;
    dot += x * y;
    na += x * x;
    nb += y * y;
    let bad: boolean;
    if (numpy) {
      bad = d > atol + rtol * ay;
      if (d - rtol * ay > c.minAtol) c.minAtol = d - rtol * ay;
      if (d > atol) {
        const r = ay > 0 ? (d - atol) / ay : Infinity;
        if (r > c.minRtol) c.minRtol = r;
      }
    } else {
      bad = d > atol && d > rtol * ay;
      // With rtol fixed, an element that rtol does not cover needs atol ≥ d (and vice versa).
      if (d > rtol * ay && d > c.minAtol) c.minAtol = d;
      if (d > atol && rel > c.minRtol) c.minRtol = rel;
    }
    if (bad) {
      c.mismatches++;
      const score = d - atol;
      if (score > worstScore) {
        worstScore = score;
        c.worst = { index: i, actual: x, golden: y };
      }
    }
  }
  if (!c.worst && b.length) {
    // Passing outputs still name their largest difference, for the report.
    let k = 0;
    for (let i = 1; i < b.length; i++) if (Math.abs(a[i] - b[i]) > Math.abs(a[k] - b[k])) k = i;
    c.worst = { index: k, actual: a[k], golden: b[k] };
  }
  c.meanAbsError = finite ? sumAbs / finite : 0;
  c.meanRelError = finite ? sumRel / finite : 0;
  c.cosine = na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
  c.mismatchPct = b.length ? (100 * c.mismatches) / b.length : 0;
  if (wantTopK) c.topK = topK(a, b, dims);
  if (c.mismatches) {
    const parts = [`${c.mismatches} of ${b.length} values (${c.mismatchPct.toPrecision(3)}%) beyond ${numpy ? 'atol + rtol·|golden|' : 'atol and rtol'}`];
    if (nf.mismatched) parts.push(`${nf.mismatched} NaN/Inf mismatches (NaN actual ${nf.actualNaN}, golden ${nf.goldenNaN})`);
    fail(c, parts.join('; '));
  }
  return c;
}

/** Logits-like: a last axis of 2..100k classes. Top-k agreement is reported, it never decides the verdict. */
function topK(a: Float64Array, b: Float64Array, dims: readonly number[]): TopK | undefined {
  const classes = dims[dims.length - 1];
  if (dims.length === 0 || classes < 2 || classes > 100_000) return undefined;
  const rows = b.length / classes;
  if (!rows || rows * classes > 20_000_000) return undefined;
  const k = Math.min(5, classes);
  let top1 = 0, overlap = 0;
  for (let r = 0; r < rows; r++) {
    const ta = topIndices(a, r * classes, classes, k);
    const tb = topIndices(b, r * classes, classes, k);
    if (ta[0] === tb[0]) top1++;
    overlap += tb.filter((i) => ta.includes(i)).length / k;
  }
  return { k, rows, top1: top1 / rows, topk: overlap / rows };
}

function topIndices(x: Float64Array, off: number, n: number, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = x[off + i];
    if (Number.isNaN(v)) continue;
    let p = best.length;
    while (p > 0 && x[off + best[p - 1]] < v) p--;
    if (p < k) {
      best.splice(p, 0, i);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

/**
 * Compare a golden value (tensor, sequence, optional) with what the runtime returned for it.
 * Sequences compare element by element (`name[i]`); an empty optional must be absent.
 */
export function compareValues(name: string, actual: GoldenValue | undefined, golden: GoldenValue, tol: Tolerance, opts: CompareOptions = {}): OutputComparison[] {
  if (golden.kind === 'tensor') {
    if (!actual) return [missingOutput(name, golden.tensor, tol)];
    if (actual.kind !== 'tensor') return [fail(emptyStats(name, 'fail', tol), `a ${actual.kind}, golden a tensor`)];
    return [compareTensors(name, actual.tensor, golden.tensor, tol, opts)];
  }
  if (golden.kind === 'optional') {
    if (golden.value === null) {
      const present = actual && !(actual.kind === 'optional' && actual.value === null);
      return [present ? fail(emptyStats(name, 'fail', tol), 'has a value, golden is an empty optional') : emptyStats(name, 'pass', tol)];
    }
    return compareValues(name, actual?.kind === 'optional' ? actual.value ?? undefined : actual, golden.value, tol, opts);
  }
  if (!actual) return [missingOutput(name, undefined, tol)];
  if (actual.kind !== 'sequence') return [fail(emptyStats(name, 'fail', tol), `a ${actual.kind}, golden a sequence`)];
  if (actual.elements.length !== golden.elements.length) {
    return [fail(emptyStats(name, 'fail', tol), `sequence of ${actual.elements.length}, golden ${golden.elements.length}`)];
  }
  return golden.elements.flatMap((g, i) => compareValues(`${name}[${i}]`, actual.elements[i], g, tol, opts));
}
