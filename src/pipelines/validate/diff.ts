/**
 * Find where two runs diverge, node by node: model A against model B (fp32 vs int8, before vs after
 * a simplifier) or a model against goldens that include intermediate tensors. Intermediates are
 * exposed by rewriting graph.output in memory, `batchSize` tensors per session, so memory stays
 * bounded by one batch; the first divergent node is the first in topological order whose output
 * fails the comparison.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OnnxLabError, isOnnxLabError } from '../../core/errors';
import { readModel, readModelFile, readSkippingTensorPayloads, statModelFile } from '../../core/onnx';
import {
  assertSelfContained, compareValues, externalizeWeights, graphIo, listIntermediates, openGoldenSet, withExtraOutputs,
  type GoldenValue, type GraphIo, type Intermediate, type ModelProto, type OutputComparison, type Tensor, type Tolerance,
} from '../../core/validate';
import { ModelSession, type TensorData } from '../../runtime/session';
import { fromOutput, toFeed } from './convert';

export interface NodeDiff {
  /** The compared tensor and the node of model A (or of the model, against goldens) producing it. */
  tensor: string;
  node: string;
  opType: string;
  order: number;
  comparison: OutputComparison;
}

export interface DiffProgress {
  phase: 'batch';
  /** Tensors compared so far and in all. */
  done: number;
  total: number;
}

export interface DiffOptions {
  /** 'random' (default; seeded, symbolic dims = 1) or a golden path whose first case gives the inputs. */
  inputs?: 'random' | string;
  seed?: number;
  tolerance?: Partial<Tolerance>;
  /** Intermediates exposed per session (default 64): the memory bound. */
  batchSize?: number;
  /** Compare every tensor instead of stopping after the batch with the first divergence. */
  all?: boolean;
  intraOpThreads?: number;
  onProgress?(p: DiffProgress): void;
  signal?: AbortSignal;
}

export interface DiffReport {
  a: string;
  /** Model B, or the golden path when comparing against goldens. */
  b: string;
  inputs: string;
  tolerance: Tolerance;
  /** Tensors of A also produced by B (or present in the golden), in A's topological order. */
  candidates: number;
  /** Tensors of A with no counterpart in B (e.g. fused away or renamed), not compared. */
  unmatched: number;
  nodes: NodeDiff[];
  firstDivergent?: NodeDiff;
  cancelled?: boolean;
  ms: number;
}

type Source = string | Uint8Array;

/**
 * A model ready to be re-run with extra outputs: its graph without the weights (a skeleton whose
 * initializers point into the model file as external data), so each batch serializes the graph only.
 * From a path, the file is hard-linked into a private temp folder and onnxruntime reads the weights
 * from it itself: this process reads only the graph (payloads are skipped, see readSkippingTensorPayloads).
 * When a hard link is impossible (another file system) or the source is bytes, the model's bytes are
 * handed to onnxruntime in memory instead.
 */
interface Prepared {
  model: ModelProto;
  name: string;
  /** File mode: the temp folder with the links; each batch's graph is written there. */
  dir?: string;
  /** In-memory mode: the buffers the skeleton's external data names. */
  external: { path: string; data: Uint8Array }[];
  dispose(): void;
}

/** The "file" the skeleton's weights point into (a name no exporter writes). */
const WEIGHTS = '__onnx_lab_model_bytes__.bin';

/** Typed-field payloads (float_data ...) cannot become external data; large ones need the full read. */
function hasLargeTypedPayload(model: ModelProto): boolean {
  return (model.graph?.initializer ?? []).some(
    (t) => !t.rawData.length && t.dataLocation !== 1 && t.floatData.length + t.int32Data.length + t.int64Data.length + t.doubleData.length + t.uint64Data.length >= 4096,
  );
}

function load(src: Source): Prepared {
  if (typeof src === 'string') {
    const size = statModelFile(src);
    const skipped = readSkippingTensorPayloads(src, size).bytes;
    const model = readModel(skipped, { keepTensorData: true, file: src });
    if (!hasLargeTypedPayload(model)) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-lab-diff-'));
      try {
        fs.linkSync(fs.realpathSync(src), path.join(dir, WEIGHTS));
        const links = new Map<string, string>();
        externalizeWeights(model, skipped, WEIGHTS, (location) => {
          let link = links.get(location);
          if (!link) {
            link = `external_${links.size}.bin`;
            fs.linkSync(fs.realpathSync(path.resolve(path.dirname(src), location)), path.join(dir, link));
            links.set(location, link);
          }
          return link;
        });
        return { model, name: src, dir, external: [], dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
      } catch (e) {
        fs.rmSync(dir, { recursive: true, force: true });
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new OnnxLabError('diff.external-data', `cannot find the model's external data (${(e as Error).message})`, src, { cause: e });
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP') throw e;
        // No hard link possible: fall through to the in-memory mode.
      }
    }
  }
  const name = typeof src === 'string' ? src : `<${src.byteLength} bytes>`;
  const { model, bytes } = typeof src === 'string' ? readModelFile(src, { keepTensorData: true }) : { model: readModel(src, { keepTensorData: true }), bytes: src };
  if (typeof src !== 'string') assertSelfContained(model, name);
  const external = [{ path: WEIGHTS, data: bytes }];
  const seen = new Set<string>();
  externalizeWeights(model, bytes, WEIGHTS, (location) => {
    // Weights already in side files (onnx external data) are read once and handed over the same way.
    if (!seen.has(location) && typeof src === 'string') {
      seen.add(location);
      const file = path.resolve(path.dirname(src), location);
      let data: Uint8Array;
      try {
        data = fs.readFileSync(file);
      } catch (e) {
        throw new OnnxLabError('diff.external-data', `cannot read external data '${location}' (${(e as NodeJS.ErrnoException).code ?? e})`, src, { cause: e });
      }
      external.push({ path: location, data });
    }
    return location;
  });
  return { model, name, external, dispose() {} };
}

/** Seeded inputs from the graph's declared types and shapes (symbolic dims become 1). */
export function randomInputs(model: ModelProto, seed = 1): Record<string, TensorData> {
  const g = model.graph!;
  const init = new Set(g.initializer.map((t) => t.name));
  let s = seed >>> 0 || 1;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const feeds: Record<string, TensorData> = {};
  for (const v of g.input) {
    if (init.has(v.name)) continue;
    if (v.type?.value.case !== 'tensorType') throw new OnnxLabError('diff.inputs', `input '${v.name}' is not a tensor: pass --inputs GOLDEN`);
    const tt = v.type.value.value;
    if (!tt.shape) throw new OnnxLabError('diff.inputs', `input '${v.name}' declares no shape, so random inputs cannot be made: pass --inputs GOLDEN`);
    const dims = (tt.shape?.dim ?? []).map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const code = tt.elemType;
    let t: TensorData;
    if (code === 1) t = { type: 'float32', dims, data: Float32Array.from({ length: n }, () => next() * 2 - 1) };
    else if (code === 11) t = { type: 'float64', dims, data: Float64Array.from({ length: n }, () => next() * 2 - 1) };
    else if (code === 7) t = { type: 'int64', dims, data: BigInt64Array.from({ length: n }, () => BigInt(Math.floor(next() * 10))) };
    else if (code === 6) t = { type: 'int32', dims, data: Int32Array.from({ length: n }, () => Math.floor(next() * 10)) };
    else if (code === 9) t = { type: 'bool', dims, data: Uint8Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0)) };
    else throw new OnnxLabError('diff.inputs', `input '${v.name}' has element type ${code}, which random inputs do not cover: pass --inputs GOLDEN`);
    feeds[v.name] = t;
  }
  return feeds;
}

function goldenFeeds(golden: string, io: GraphIo): Record<string, TensorData> {
  const set = openGoldenSet(golden, io);
  if (!set.cases.length) throw new OnnxLabError('diff.inputs', 'the golden set has no cases', golden);
  const feeds: Record<string, TensorData> = {};
  for (const [name, v] of set.cases[0].load().inputs) {
    const f = toFeed(name, v);
    if (f) feeds[name] = f;
  }
  return feeds;
}

/** Runs `model` with `names` exposed as outputs (one session for this batch only) and returns just those tensors. */
async function runExposed(m: Prepared, names: string[], feeds: Record<string, TensorData>, threads: number): Promise<Record<string, Tensor>> {
  let session: ModelSession | undefined;
  const file = m.name;
  try {
    const bytes = withExtraOutputs(m.model, names);
    const sessionOpts = { intraOpThreads: threads, logSeverity: 4, lowMemory: true } as const;
    if (m.dir) {
      // Beside the hard links, so that onnxruntime finds the weights relative to the graph.
      const p = path.join(m.dir, 'exposed.onnx');
      fs.writeFileSync(p, bytes);
      session = await ModelSession.open(p, sessionOpts);
    } else session = await ModelSession.openWithExternalData(bytes, m.external, sessionOpts);
    const out = await session.run(feeds, names);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, fromOutput(v)]));
  } catch (e) {
    // The session saw bytes; name the user's file instead.
    const msg = isOnnxLabError(e) ? (e.file ? e.message.slice(e.file.length + 2) : e.message) : String(e);
    throw new OnnxLabError(isOnnxLabError(e) ? e.code : 'diff.run', `${msg} (with ${names.length} intermediate(s) exposed)`, file, { cause: e });
  } finally {
    await session?.close();
  }
}

function tolOf(t: Partial<Tolerance> | undefined): Tolerance {
  return { atol: t?.atol ?? 1e-5, rtol: t?.rtol ?? 1e-5, ...(t?.rule ? { rule: t.rule } : {}) };
}

/** Model A against model B, tensor by tensor over the tensors both produce. */
export async function diffModels(aSrc: Source, bSrc: Source, opts: DiffOptions = {}): Promise<DiffReport> {
  const t0 = performance.now();
  const A = load(aSrc);
  let B: Prepared | undefined;
  try {
    B = load(bSrc);
    return await diffPrepared(A, B, aSrc, bSrc, opts, t0);
  } finally {
    A.dispose();
    B?.dispose();
  }
}

async function diffPrepared(A: Prepared, B: Prepared, aSrc: Source, bSrc: Source, opts: DiffOptions, t0: number): Promise<DiffReport> {
  const feeds = !opts.inputs || opts.inputs === 'random' ? randomInputs(A.model, opts.seed) : goldenFeeds(opts.inputs, graphIo(A.model));
  const all = listIntermediates(A.model);
  const bNames = new Set([...listIntermediates(B.model).map((x) => x.name), ...B.model.graph!.output.map((o) => o.name)]);
  const tol = tolOf(opts.tolerance);
  const shared = all.filter((x) => bNames.has(x.name));
  const report: DiffReport = {
    a: typeof aSrc === 'string' ? aSrc : `<${aSrc.byteLength} bytes>`, b: typeof bSrc === 'string' ? bSrc : `<${bSrc.byteLength} bytes>`, inputs: opts.inputs ?? 'random', tolerance: tol, candidates: shared.length,
    unmatched: all.length - shared.length, nodes: [], ms: 0,
  };
  const size = Math.max(1, opts.batchSize ?? 64);
  const threads = opts.intraOpThreads ?? 1;
  for (let i = 0; i < shared.length; i += size) {
    if (opts.signal?.aborted) {
      report.cancelled = true;
      break;
    }
    const batch = shared.slice(i, i + size);
    const names = batch.map((x) => x.name);
    // One batch of A, then the same batch of B: at most two batches of tensors alive.
    const outA = await runExposed(A, names, feeds, threads);
    const outB = await runExposed(B, names, feeds, threads);
    compareBatch(report, batch, (n) => outA[n], (n) => (outB[n] ? { kind: 'tensor', tensor: outB[n] } : undefined), tol, 'b');
    opts.onProgress?.({ phase: 'batch', done: Math.min(i + size, shared.length), total: shared.length });
    if (report.firstDivergent && !opts.all) break;
  }
  report.ms = performance.now() - t0;
  return report;
}

function compareBatch(
  report: DiffReport, batch: Intermediate[], actual: (n: string) => Tensor | undefined, golden: (n: string) => GoldenValue | undefined,
  tol: Tolerance, side: string,
): void {
  for (const x of batch) {
    const a = actual(x.name);
    const g = golden(x.name);
    if (!g) continue;
    const [c] = compareValues(x.name, a ? { kind: 'tensor', tensor: a } : undefined, g, tol);
    if (!a) c.reason = `model A did not produce it (${side} did)`;
    const nd: NodeDiff = { tensor: x.name, node: x.node, opType: x.opType, order: x.order, comparison: c };
    report.nodes.push(nd);
    if (c.status !== 'pass' && !report.firstDivergent) report.firstDivergent = nd;
  }
}

/**
 * A model against goldens that include intermediate tensors (npz/npy/manifest/backend layout named
 * by tensor name): the first case's inputs are fed and every golden tensor the model produces is compared.
 */
export async function diffAgainstGolden(src: Source, golden: string, opts: Omit<DiffOptions, 'inputs'> = {}): Promise<DiffReport> {
  const t0 = performance.now();
  const M = load(src);
  try {
    return await goldenPrepared(M, golden, opts, t0);
  } finally {
    M.dispose();
  }
}

async function goldenPrepared(M: Prepared, golden: string, opts: Omit<DiffOptions, 'inputs'>, t0: number): Promise<DiffReport> {
  const tol = tolOf(opts.tolerance);
  const all = listIntermediates(M.model);
  // Every node output counts as an "output" so that named golden arrays match intermediates too.
  const io: GraphIo = { inputs: graphIo(M.model).inputs, outputs: all.map((x) => ({ name: x.name, kind: 'tensor' as const })) };
  const set = openGoldenSet(golden, io);
  if (!set.cases.length) throw new OnnxLabError('diff.inputs', 'the golden set has no cases', golden);
  const loaded = set.cases[0].load();
  const feeds: Record<string, TensorData> = {};
  for (const [name, v] of loaded.inputs) {
    const f = toFeed(name, v);
    if (f) feeds[name] = f;
  }
  const shared = all.filter((x) => loaded.outputs.has(x.name));
  const report: DiffReport = {
    a: M.name, b: golden, inputs: `${path.basename(golden)}: ${set.cases[0].name}`, tolerance: tol, candidates: shared.length,
    unmatched: all.length - shared.length, nodes: [], ms: 0,
  };
  const size = Math.max(1, opts.batchSize ?? 64);
  for (let i = 0; i < shared.length; i += size) {
    if (opts.signal?.aborted) {
      report.cancelled = true;
      break;
    }
    const batch = shared.slice(i, i + size);
    const out = await runExposed(M, batch.map((x) => x.name), feeds, opts.intraOpThreads ?? 1);
    compareBatch(report, batch, (n) => out[n], (n) => loaded.outputs.get(n), tol, 'the golden');
    opts.onProgress?.({ phase: 'batch', done: Math.min(i + size, shared.length), total: shared.length });
    if (report.firstDivergent && !opts.all) break;
  }
  report.ms = performance.now() - t0;
  return report;
}

export function diffError(e: unknown): string {
  return isOnnxLabError(e) ? e.message : e instanceof Error ? e.message.split('\n')[0] : String(e);
}
