/**
 * A plain, JSON-serialisable summary of an ONNX model: what a user needs to wire it into a pipeline
 * (inputs/outputs/opsets/metadata) and what it is made of (ops, parameters, external data).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelProto } from 'onnx-buf';
import { dtypeBits, dtypeName } from './dtypes';
import { modelFacts, nameKey, type GraphFacts, type ModelFacts, type TensorFacts } from './facts';
import { ioChecked, statModelFile } from './reader';
import { readSkippingTensorPayloads } from './sparse';
import { scanModel } from './scan';

export { summarizeValue, typeString } from './value';

// The summary's types are the views' payload too, so they live in src/protocol.
import type { DtypeParams, ExternalDataFile, FunctionSummary, ModelSummary, OpsetImport, ValueSummary } from '../../protocol/model-summary';
export type { Dim, DtypeParams, ExternalDataFile, FunctionSummary, ModelSummary, OpsetImport, ValueSummary } from '../../protocol/model-summary';

export interface SummarizeOptions {
  /** Shown in the summary and used as the default baseDir. */
  file?: string;
  /** Folder external data locations are relative to; when absent (and no file) external data is not checked. */
  baseDir?: string;
  fileSize?: number;
}

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

function opKey(domain: string, opType: string): string {
  return DEFAULT_DOMAINS.has(domain) ? opType : `${domain}.${opType}`;
}

function elementCount(product: number): number {
  return Number.isFinite(product) && product >= 0 ? product : 0;
}

/** Is `location` a plain relative path that stays inside the model's folder? */
function safeRelative(location: string): boolean {
  if (!location || path.isAbsolute(location) || location.includes('\0')) return false;
  const norm = path.normalize(location);
  return norm !== '..' && !norm.startsWith('..' + path.sep) && !norm.startsWith('../');
}

/** Summarise a decoded model (from readModel). */
export function summarizeModel(model: ModelProto, opts: SummarizeOptions = {}): ModelSummary {
  return summarizeFacts(modelFacts(model), opts);
}

/** Summarise model bytes with the wire scanner: nothing but the summary's fields is decoded. */
export function summarizeModelBytes(bytes: Uint8Array, opts: SummarizeOptions = {}): ModelSummary {
  return summarizeFacts(scanModel(bytes, opts.file), { fileSize: bytes.length, ...opts });
}

function sortedHas(a: Float64Array, k: number): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] === k) return true;
    if (a[mid] < k) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export function summarizeFacts(facts: ModelFacts, opts: SummarizeOptions = {}): ModelSummary {
  const graph = facts.graph;
  const baseDir = opts.baseDir ?? (opts.file ? path.dirname(opts.file) : undefined);

  const metadata: Record<string, string> = {};
  for (const [k, v] of facts.metadata) metadata[k] = v;

  const inits = graph?.initializers ?? [];
  const sparse = graph?.sparseInitializers ?? [];
  const initKeys = new Float64Array(inits.length + sparse.length);
  for (let i = 0; i < inits.length; i++) initKeys[i] = inits[i].nameKey;
  for (let i = 0; i < sparse.length; i++) initKeys[inits.length + i] = sparse[i].nameKey;
  initKeys.sort();
  const inputs: ValueSummary[] = [];
  const overridableInputs: string[] = [];
  for (const v of graph?.inputs ?? []) {
    if (sortedHas(initKeys, nameKey(v.name))) overridableInputs.push(v.name);
    else inputs.push(v);
  }
  const outputs = graph?.outputs ?? [];

  // Walk the main graph and every subgraph with an explicit stack (no recursion on untrusted depth).
  const hist = new Map<string, number>();
  const byDtype = new Map<string, DtypeParams>();
  const extFiles = new Map<string, ExternalDataFile>();
  let extTensors = 0;
  let totalNodes = 0;
  let subgraphCount = 0;
  let maxDepth = 0;
  const subByOp: Record<string, number> = {};

  const addTensor = (t: TensorFacts) => {
    const dtype = dtypeName(t.dataType);
    const count = elementCount(t.count);
    const bytes = Math.ceil((count * dtypeBits(t.dataType)) / 8);
    let e = byDtype.get(dtype);
    if (!e) byDtype.set(dtype, (e = { dtype, tensors: 0, count: 0, bytes: 0 }));
    e.tensors++;
    e.count += count;
    e.bytes += bytes;
    if (t.external) {
      extTensors++;
      const { location, offset, length } = t.external;
      let f = extFiles.get(location);
      if (!f) extFiles.set(location, (f = { location, tensors: 0, bytesReferenced: 0, requiredSize: 0, status: 'unchecked' }));
      const len = length ?? bytes;
      f.tensors++;
      f.bytesReferenced += len;
      f.requiredSize = Math.max(f.requiredSize, offset + len);
    }
  };

  const stack: { g: GraphFacts; depth: number }[] = graph ? [{ g: graph, depth: 0 }] : [];
  // Indexed loops: for-of allocates an iterator per loop, which shows in a cold first run.
  while (stack.length) {
    const { g, depth } = stack.pop()!;
    if (depth > maxDepth) maxDepth = depth;
    for (let i = 0; i < g.initializers.length; i++) addTensor(g.initializers[i]);
    for (let i = 0; i < g.sparseInitializers.length; i++) addTensor(g.sparseInitializers[i]);
    const types = g.opTypes;
    const domains = g.opDomains;
    totalNodes += types.length;
    for (let i = 0; i < types.length; i++) {
      const key = opKey(domains[i], types[i]);
      hist.set(key, (hist.get(key) ?? 0) + 1);
    }
    for (let j = 0; j < g.subgraphs.length; j++) {
      const sg = g.subgraphs[j];
      const key = opKey(domains[sg.node] ?? '', types[sg.node] ?? '');
      subgraphCount++;
      subByOp[key] = (subByOp[key] ?? 0) + 1;
      stack.push({ g: sg.graph, depth: depth + 1 });
    }
  }

  for (const f of extFiles.values()) {
    if (!safeRelative(f.location)) f.status = 'invalid-path';
    else if (baseDir !== undefined) {
      try {
        const st = fs.statSync(path.join(baseDir, f.location));
        if (!st.isFile()) f.status = 'missing';
        else {
          f.size = st.size;
          f.status = st.size >= f.requiredSize ? 'ok' : 'truncated';
        }
      } catch {
        f.status = 'missing';
      }
    }
  }

  // value_info coverage of the main graph's intermediate tensors.
  // Keys are 53-bit doubles: sorted typed arrays beat Sets of boxed numbers here.
  const outKeys = new Set(outputs.map((o) => nameKey(o.name)));
  const produced = new Float64Array(graph?.nodeOutputKeys ?? []).sort();
  const typed = new Float64Array(graph?.typedValueInfoKeys ?? []).sort();
  let intermediates = 0;
  let annotated = 0;
  let t = 0;
  for (let i = 0; i < produced.length; i++) {
    const k = produced[i];
    if (k === 0 || (i > 0 && produced[i - 1] === k) || outKeys.has(k)) continue;
    intermediates++;
    while (t < typed.length && typed[t] < k) t++;
    if (t < typed.length && typed[t] === k) annotated++;
  }

  const dtypes = [...byDtype.values()].sort((a, b) => b.bytes - a.bytes || (a.dtype < b.dtype ? -1 : a.dtype > b.dtype ? 1 : 0));
  const params = dtypes.reduce(
    (acc, d) => ({ tensors: acc.tensors + d.tensors, count: acc.count + d.count, bytes: acc.bytes + d.bytes }),
    { tensors: 0, count: 0, bytes: 0 },
  );

  const summary: ModelSummary = {
    irVersion: facts.irVersion,
    producerName: facts.producerName,
    producerVersion: facts.producerVersion,
    domain: facts.domain,
    modelVersion: facts.modelVersion,
    docString: facts.docString,
    graphName: graph?.name ?? '',
    opsetImports: facts.opsets,
    metadata,
    inputs,
    outputs,
    overridableInputs,
    nodeCount: graph?.opTypes.length ?? 0,
    totalNodeCount: totalNodes,
    opHistogram: [...hist.entries()].map(([op, count]) => ({ op, count })).sort((a, b) => b.count - a.count || (a.op < b.op ? -1 : a.op > b.op ? 1 : 0)),
    parameters: { ...params, byDtype: dtypes },
    externalData: { tensors: extTensors, files: [...extFiles.values()] },
    subgraphs: { count: subgraphCount, byOp: subByOp, maxDepth },
    functions: facts.functions,
    valueInfo: { intermediates, annotated, percent: intermediates ? Math.round((1000 * annotated) / intermediates) / 10 : null },
  };
  if (opts.file !== undefined) summary.file = opts.file;
  if (opts.fileSize !== undefined) summary.fileSize = opts.fileSize;
  return summary;
}

/** Files at least this big are read without their initializer payloads. */
const SPARSE_READ_MIN = 32 << 20;

/**
 * Read and summarise a model file with the wire scanner (the fast path: only the fields a summary
 * shows are decoded; tensor payloads are skipped, and in large files not even read from disk).
 */
export function summarizeModelFile(file: string, opts: { baseDir?: string; /** for tests */ sparseReadMin?: number } = {}): ModelSummary {
  const size = statModelFile(file);
  const sparse = size >= (opts.sparseReadMin ?? SPARSE_READ_MIN);
  const bytes = ioChecked(file, () => (sparse ? readSkippingTensorPayloads(file, size).bytes : fs.readFileSync(file)));
  return summarizeModelBytes(bytes, { file, baseDir: opts.baseDir, fileSize: size });
}

/** Version of an opset domain the model imports ('' or 'ai.onnx' for the default), or undefined. */
export function opsetVersion(summary: ModelSummary, domain = ''): number | undefined {
  const want = DEFAULT_DOMAINS.has(domain) ? DEFAULT_DOMAINS : new Set([domain]);
  return summary.opsetImports.find((o) => want.has(o.domain))?.version;
}
