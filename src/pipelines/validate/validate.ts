/**
 * Run a model over a golden set and compare every output, case by case (one case's tensors in
 * memory at a time). Used by `onnx-lab validate`, the extension's command and Test Explorer.
 */
import { isOnnxLabError } from '../../core/errors';
import { readModel, readModelFile } from '../../core/onnx';
import {
  applyMetric, caseStatus, compareValues, extraOutput, graphIo, openGoldenSet, resolveTolerance, summarize,
  type CaseReport, type GoldenSet, type GraphIo, type OutputComparison, type Tolerance, type ValidationReport,
} from '../../core/validate';
import { ModelSession, type TensorData } from '../../runtime/session';
import { fromOutput, toFeed } from './convert';

export interface ValidateProgress {
  /** Cases finished so far and in all. */
  done: number;
  total: number;
  /** The case that just finished. */
  last: CaseReport;
}

export interface ValidateOptions {
  /** Global tolerances (defaults 1e-5 / 1e-5); `rule: 'numpy'` switches to numpy.isclose's rule. */
  tolerance?: Partial<Tolerance>;
  /** Per-output overrides, e.g. from `--per-output logits:1e-4,1e-3`. */
  perOutput?: Record<string, Partial<Tolerance>>;
  /** Polygraphy `--save-inputs` file when the golden is Polygraphy outputs. */
  inputsFile?: string;
  /** Only these cases (by name). */
  cases?: string[];
  intraOpThreads?: number;
  providers?: string[];
  /** Called after each case. */
  onProgress?(p: ValidateProgress): void;
  /** Stops between cases; the report then has `cancelled: true` and the finished cases. */
  signal?: AbortSignal;
}

function message(e: unknown): string {
  return isOnnxLabError(e) ? e.message : e instanceof Error ? e.message.split('\n')[0] : String(e);
}

/** Validate `model` (path or bytes) against the golden at `golden`. Never throws for bad input: see report.error / case errors. */
export async function validateModel(model: string | Uint8Array, golden: string, opts: ValidateOptions = {}): Promise<ValidationReport> {
  const t0 = performance.now();
  const modelName = typeof model === 'string' ? model : `<${model.byteLength} bytes>`;
  const global: Partial<Tolerance> = { ...opts.tolerance };
  const tolerance: Tolerance = { atol: global.atol ?? 1e-5, rtol: global.rtol ?? 1e-5, ...(global.rule ? { rule: global.rule } : {}) };
  const base = { model: modelName, golden, tolerance, perOutput: opts.perOutput ?? {} };
  let io: GraphIo;
  let set: GoldenSet;
  let session: ModelSession | undefined;
  try {
    const proto = typeof model === 'string' ? readModelFile(model).model : readModel(model);
    io = graphIo(proto);
    set = openGoldenSet(golden, io, { inputsFile: opts.inputsFile });
    // onnxruntime's own stderr logging is off: its errors reach the report as case errors.
    session = await ModelSession.open(model, { intraOpThreads: opts.intraOpThreads ?? 1, providers: opts.providers, logSeverity: 4 });
  } catch (e) {
    return summarize({ ...base, cases: [], error: message(e), ms: performance.now() - t0 });
  }
  const cases = opts.cases ? set.cases.filter((c) => opts.cases!.includes(c.name)) : set.cases;
  const done: CaseReport[] = [];
  let cancelled = false;
  try {
    for (const gc of cases) {
      if (opts.signal?.aborted) {
        cancelled = true;
        break;
      }
      const [report] = await runCaseMulti(session, io, set, gc, [global], opts.perOutput ?? {});
      done.push(report);
      opts.onProgress?.({ done: done.length, total: cases.length, last: report });
    }
  } finally {
    await session.close();
  }
  return summarize({ ...base, format: set.format, cases: done, ...(cancelled ? { cancelled } : {}), ms: performance.now() - t0 });
}

/**
 * Run one case once and compare its outputs under each of `globals` (one report per entry), so a
 * sweep can check both comparison rules from a single inference.
 */
export async function runCaseMulti(
  session: ModelSession, io: GraphIo, set: GoldenSet, gc: GoldenSet['cases'][number],
  globals: Partial<Tolerance>[], perOutput: Record<string, Partial<Tolerance>> = {},
): Promise<CaseReport[]> {
  const t0 = performance.now();
  const reports: CaseReport[] = globals.map(() => ({ name: gc.name, location: gc.location, status: 'error', outputs: [], unmatched: [], ms: 0 }));
  try {
    const loaded = gc.load();
    const feeds: Record<string, TensorData> = {};
    const accepted = new Set(session.inputs.map((i) => i.name));
    for (const [name, v] of loaded.inputs) {
      const f = toFeed(name, v);
      // A graph input backed by an initializer that the session does not expose keeps its weight.
      if (f && (accepted.has(name) || !io.inputs.find((i) => i.name === name)?.hasInitializer)) feeds[name] = f;
    }
    const actual = await session.run(feeds, io.outputs.map((o) => o.name));
    reports.forEach((report, r) => {
      const global = globals[r];
      report.unmatched = loaded.unmatched;
      const outs: OutputComparison[] = [];
      for (const o of io.outputs) {
        const g = loaded.outputs.get(o.name);
        const a = actual[o.name];
        const tol = resolveTolerance(o.name, global, perOutput, set);
        if (!g) {
          outs.push(extraOutput(o.name, a ? fromOutput(a) : undefined, tol));
          continue;
        }
        const spec = set.outputs?.[o.name];
        const opts = { topK: spec?.metric === 'topk' ? true : undefined };
        for (const c of compareValues(o.name, a ? { kind: 'tensor', tensor: fromOutput(a) } : undefined, g, tol, opts)) outs.push(applyMetric(c, spec));
      }
      // Expected outputs the graph does not have (a renamed output): a failure, not a silent skip.
      for (const [name, g] of loaded.outputs) {
        if (!io.outputs.some((o) => o.name === name)) {
          for (const c of compareValues(name, undefined, g, resolveTolerance(name, global, perOutput, set))) outs.push({ ...c, reason: 'the model has no output of this name' });
        }
      }
      report.outputs = outs;
      report.status = caseStatus(outs);
      if (report.status === 'fail' && outs.every((o) => o.status === 'extra')) report.error = 'no golden value matches an output of the model';
    });
  } catch (e) {
    for (const report of reports) {
      report.status = 'error';
      report.error = message(e);
    }
  }
  const ms = performance.now() - t0;
  for (const report of reports) report.ms = ms;
  return reports;
}
