/** Validation reports: tolerance resolution, per-output metrics, verdicts, text and exit codes. */
import { OnnxLabError } from '../errors';
import { formatShape } from './tensor';
import type { OutputComparison, Tolerance } from './compare';
import type { GoldenFormat, OutputSpec } from './golden';

export interface CaseReport {
  name: string;
  location: string;
  /** pass: every compared output passed; fail: a comparison failed; error: the case could not run. */
  status: 'pass' | 'fail' | 'error';
  error?: string;
  outputs: OutputComparison[];
  /** Golden names that match nothing in the graph. */
  unmatched: string[];
  ms: number;
}

export interface ValidationReport {
  model: string;
  golden: string;
  format?: GoldenFormat;
  tolerance: Tolerance;
  perOutput: Record<string, Partial<Tolerance>>;
  cases: CaseReport[];
  counts: { pass: number; fail: number; error: number };
  /** error when the check could not run at all or some case could not; else fail when any failed. */
  status: 'pass' | 'fail' | 'error';
  /** Set when nothing could run (unreadable model or golden). */
  error?: string;
  /** True when the run was cancelled; the cases listed are those that finished. */
  cancelled?: boolean;
  ms: number;
}

/** `name:atol,rtol` or `name:atol` (Polygraphy's `out0:1e-4`); the last ':' splits, names may contain ':'. */
export function parsePerOutput(spec: string): [string, Partial<Tolerance>] {
  const at = spec.lastIndexOf(':');
  if (at <= 0) throw new OnnxLabError('cli.usage', `--per-output '${spec}': expected NAME:ATOL[,RTOL]`);
  const [a, r, ...more] = spec.slice(at + 1).split(',');
  const parse = (s: string) => {
    const v = Number(s);
    if (s.trim() === '' || !(v >= 0)) throw new OnnxLabError('cli.usage', `--per-output '${spec}': '${s}' is not a tolerance ≥ 0`);
    return v;
  };
  if (more.length) throw new OnnxLabError('cli.usage', `--per-output '${spec}': expected NAME:ATOL[,RTOL]`);
  const tol: Partial<Tolerance> = { atol: parse(a) };
  if (r !== undefined) tol.rtol = parse(r);
  return [spec.slice(0, at), tol];
}

/**
 * The tolerance of one output: an explicit per-output override, then the golden's own per-output
 * value, then the global (command line), then the golden's global, then the defaults.
 */
export function resolveTolerance(
  name: string,
  global: Partial<Tolerance>,
  perOutput: Record<string, Partial<Tolerance>>,
  golden: { tolerance?: Partial<Tolerance>; outputs?: Record<string, OutputSpec> } = {},
  defaults: Tolerance = { atol: 1e-5, rtol: 1e-5 },
): Tolerance {
  const base = name.replace(/\[\d+\]$/, '');
  const pick = (k: 'atol' | 'rtol') =>
    perOutput[name]?.[k] ?? perOutput[base]?.[k] ?? golden.outputs?.[base]?.[k] ?? global[k] ?? golden.tolerance?.[k] ?? defaults[k];
  const t: Tolerance = { atol: pick('atol'), rtol: pick('rtol') };
  const rule = global.rule ?? defaults.rule;
  if (rule) t.rule = rule;
  if (golden.outputs?.[base]?.metric === 'exact') return { ...t, atol: 0, rtol: 0 };
  return t;
}

/** Apply a manifest metric other than allclose to a finished comparison (cosine or top-1 threshold). */
export function applyMetric(c: OutputComparison, spec: OutputSpec | undefined): OutputComparison {
  if (!spec?.metric || spec.metric === 'allclose' || spec.metric === 'exact' || c.status === 'missing' || c.status === 'extra') return c;
  // Shape and dtype failures stay failures whatever the metric.
  if (c.status === 'fail' && c.elements === 0) return c;
  if (spec.metric === 'cosine') {
    const min = spec.min ?? 0.999;
    const ok = c.cosine >= min && c.nonFinite.mismatched === 0;
    return { ...c, status: ok ? 'pass' : 'fail', reason: ok ? undefined : `cosine ${c.cosine.toFixed(6)} < ${min}` };
  }
  const min = spec.min ?? 1;
  const top1 = c.topK?.top1;
  if (top1 === undefined) return { ...c, status: 'fail', reason: 'topk metric needs a float output with a class axis last' };
  const ok = top1 >= min;
  return { ...c, status: ok ? 'pass' : 'fail', reason: ok ? undefined : `top-1 agreement ${(100 * top1).toFixed(1)}% < ${(100 * min).toFixed(1)}%` };
}

/** A case's verdict from its comparisons: missing outputs fail; a case with nothing compared fails. */
export function caseStatus(outputs: OutputComparison[]): 'pass' | 'fail' {
  const compared = outputs.filter((o) => o.status !== 'extra');
  if (compared.length === 0) return 'fail';
  return compared.every((o) => o.status === 'pass') ? 'pass' : 'fail';
}

export function summarize(report: Omit<ValidationReport, 'counts' | 'status'>): ValidationReport {
  const counts = { pass: 0, fail: 0, error: 0 };
  for (const c of report.cases) counts[c.status]++;
  const status = report.error || counts.error || report.cancelled ? 'error' : counts.fail || report.cases.length === 0 ? 'fail' : 'pass';
  return { ...report, counts, status };
}

/** 0 every output of every case passed, 1 a comparison failed, 2 the check could not run (fully). */
export function exitCode(r: ValidationReport): 0 | 1 | 2 {
  return r.status === 'pass' ? 0 : r.status === 'fail' ? 1 : 2;
}

export function fmtNum(v: number): string {
  if (v === Infinity) return 'inf';
  if (Number.isNaN(v)) return 'nan';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? Number(v.toPrecision(4)).toString() : v.toExponential(2);
}

function pad(cells: string[][]): string[] {
  const w = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd());
}

/** One table per case: output, verdict, shape, tolerance, max/mean abs, max rel, cosine, mismatches, min atol/rtol. */
export function formatReportText(r: ValidationReport): string {
  const lines: string[] = [];
  lines.push(`model:  ${r.model}`);
  lines.push(`golden: ${r.golden}${r.format ? ` (${r.format})` : ''}`);
  lines.push(`tolerance: atol ${fmtNum(r.tolerance.atol)}, rtol ${fmtNum(r.tolerance.rtol)}${r.tolerance.rule === 'numpy' ? ' (numpy rule)' : ''}${Object.keys(r.perOutput).length ? `; per output ${Object.entries(r.perOutput).map(([k, v]) => `${k}:${fmtNum(v.atol ?? r.tolerance.atol)},${fmtNum(v.rtol ?? r.tolerance.rtol)}`).join(' ')}` : ''}`);
  if (r.error) lines.push(`ERROR: ${r.error}`);
  for (const c of r.cases) {
    lines.push('');
    lines.push(`${c.name}: ${c.status.toUpperCase()}${c.error ? ` - ${c.error}` : ''} (${c.ms.toFixed(0)} ms)`);
    if (c.outputs.length) {
      const rows = [['output', 'result', 'shape', 'dtype', 'atol', 'rtol', 'max abs', 'mean abs', 'max rel', 'cosine', 'mismatch', 'min atol', 'min rtol']];
      for (const o of c.outputs) {
        const shape = o.actual ? formatShape(o.actual.dims) : o.golden ? formatShape(o.golden.dims) : '-';
        const counted = o.status === 'pass' || o.status === 'fail';
        rows.push([
          o.name, o.status.toUpperCase(), shape, o.actual?.dtype ?? o.golden?.dtype ?? '-',
          o.check === 'exact' ? 'exact' : fmtNum(o.tolerance.atol), o.check === 'exact' ? '' : fmtNum(o.tolerance.rtol),
          counted ? fmtNum(o.maxAbsError) : '', counted ? fmtNum(o.meanAbsError) : '', counted && o.check !== 'exact' ? fmtNum(o.maxRelError) : '',
          counted ? o.cosine.toFixed(6) : '', counted ? `${o.mismatches} (${fmtNum(o.mismatchPct)}%)` : '',
          counted && o.check !== 'exact' ? fmtNum(o.minAtol) : '', counted && o.check !== 'exact' ? fmtNum(o.minRtol) : '',
        ]);
      }
      lines.push(...pad(rows).map((l) => '  ' + l));
      for (const o of c.outputs) {
        const notes: string[] = [];
        if (o.reason && o.status !== 'pass') notes.push(o.reason);
        if (o.worst && o.status === 'fail') notes.push(`worst at flat index ${o.worst.index}: ${fmtVal(o.worst.actual)} vs golden ${fmtVal(o.worst.golden)}`);
        const nf = o.nonFinite;
        if (nf.actualNaN || nf.goldenNaN || nf.actualInf || nf.goldenInf) notes.push(`NaN ${nf.actualNaN}/${nf.goldenNaN}, Inf ${nf.actualInf}/${nf.goldenInf} (actual/golden), ${nf.mismatched} unmatched`);
        if (o.topK && o.status !== 'missing') notes.push(`top-1 agreement ${(100 * o.topK.top1).toFixed(1)}%, top-${o.topK.k} overlap ${(100 * o.topK.topk).toFixed(1)}% over ${o.topK.rows} rows`);
        if (notes.length) lines.push(`    ${o.name}: ${notes.join('; ')}`);
      }
    }
    if (c.unmatched.length) lines.push(`  golden values matching no graph input or output: ${c.unmatched.join(', ')}`);
  }
  lines.push('');
  const { pass, fail, error } = r.counts;
  lines.push(`${r.status.toUpperCase()}: ${pass} passed, ${fail} failed, ${error} could not run, of ${r.cases.length} case(s)${r.cancelled ? ' (cancelled)' : ''} in ${(r.ms / 1000).toFixed(2)} s`);
  return lines.join('\n');
}

function fmtVal(v: number | string): string {
  return typeof v === 'string' ? JSON.stringify(v) : fmtNum(v);
}
