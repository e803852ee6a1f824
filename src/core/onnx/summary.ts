/**
 * A plain, JSON-serialisable summary of an ONNX model: what a user needs to wire it into a pipeline
 * (inputs/outputs/opsets/metadata) and what it is made of (ops, parameters, external data).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AttributeProto, GraphProto, ModelProto, TensorProto, TypeProto, ValueInfoProto } from 'onnx-buf';
import { dtypeBits, dtypeName } from './dtypes';
import { readModelFile, type ReadModelOptions } from './reader';

/** A dimension: a fixed size, a symbolic name (dynamic), or null when unknown (dynamic, unnamed). */
export type Dim = number | string | null;

export interface ValueSummary {
  name: string;
  /** `tensor(float32)`, `sequence(tensor(int64))`, `map(string,tensor(float32))`, `optional(...)`, `sparse_tensor(float32)`, or `unknown`. */
  type: string;
  /** Element type of a tensor or sparse tensor (`float32`, `int64`, ...); null for other types or when unset. */
  elemType: string | null;
  /** Tensor shape; null when the rank is unknown (no shape in the model). `[]` is a scalar. */
  shape: Dim[] | null;
  docString?: string;
}

export interface OpsetImport {
  /** '' is the default ai.onnx domain. */
  domain: string;
  version: number;
}

export interface DtypeParams {
  dtype: string;
  tensors: number;
  /** Number of elements (parameters). */
  count: number;
  /** In-memory size: elements × element size (strings count 0). */
  bytes: number;
}

export interface ExternalDataFile {
  /** Location as written in the model (relative to the model's directory). */
  location: string;
  tensors: number;
  /** Bytes the model references in this file (sum of lengths). */
  bytesReferenced: number;
  /** Highest offset + length referenced: the file must be at least this big. */
  requiredSize: number;
  /** Size on disk, when checked. */
  size?: number;
  /**
   * ok; missing; truncated (smaller than requiredSize); invalid-path (absolute or leaving the model's
   * folder, which ONNX forbids); unchecked (no baseDir was given).
   */
  status: 'ok' | 'missing' | 'truncated' | 'invalid-path' | 'unchecked';
}

export interface FunctionSummary {
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  nodes: number;
}

export interface ModelSummary {
  file?: string;
  fileSize?: number;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graphName: string;
  opsetImports: OpsetImport[];
  metadata: Record<string, string>;
  /** Graph inputs a caller must feed: graph.input minus names that have an initializer. */
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  /** Graph inputs that also have an initializer (a default the caller may override; common in IR < 4 exports). */
  overridableInputs: string[];
  /** Nodes of the main graph. */
  nodeCount: number;
  /** Nodes of the main graph and of all subgraphs (If/Loop/Scan bodies), not counting functions. */
  totalNodeCount: number;
  /** Op type → count over the main graph and subgraphs; ops outside ai.onnx are written `domain.Op`. Sorted by count, then name. */
  opHistogram: { op: string; count: number }[];
  /**
   * Initializers of the main graph and all subgraphs, including those also listed as graph inputs
   * (they are stored weights either way). Sparse initializers count their stored values.
   * Constant nodes are not counted.
   */
  parameters: { tensors: number; count: number; bytes: number; byDtype: DtypeParams[] };
  externalData: { tensors: number; files: ExternalDataFile[] };
  /** Graphs held in node attributes (If branches, Loop/Scan bodies), at any depth. */
  subgraphs: { count: number; byOp: Record<string, number>; maxDepth: number };
  functions: FunctionSummary[];
  /** How many intermediate tensors of the main graph (node outputs that are not graph outputs) have a value_info. */
  valueInfo: { intermediates: number; annotated: number; percent: number | null };
}

export interface SummarizeOptions {
  /** Shown in the summary and used as the default baseDir. */
  file?: string;
  /** Folder external data locations are relative to; when absent (and no file) external data is not checked. */
  baseDir?: string;
  fileSize?: number;
}

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** int64 → number (exact up to 2^53; beyond that the nearest double, which only garbage files reach). */
function num(v: bigint | number | undefined): number {
  return v === undefined ? 0 : Number(v);
}

export function typeString(t: TypeProto | undefined): string {
  if (!t) return 'unknown';
  switch (t.value.case) {
    case 'tensorType':
      return `tensor(${t.value.value.elemType ? dtypeName(t.value.value.elemType) : 'unknown'})`;
    case 'sparseTensorType':
      return `sparse_tensor(${t.value.value.elemType ? dtypeName(t.value.value.elemType) : 'unknown'})`;
    case 'sequenceType':
      return `sequence(${typeString(t.value.value.elemType)})`;
    case 'optionalType':
      return `optional(${typeString(t.value.value.elemType)})`;
    case 'mapType':
      return `map(${dtypeName(t.value.value.keyType)},${typeString(t.value.value.valueType)})`;
    default:
      return 'unknown';
  }
}

export function summarizeValue(v: ValueInfoProto): ValueSummary {
  const t = v.type;
  let elemType: string | null = null;
  let shape: Dim[] | null = null;
  if (t && (t.value.case === 'tensorType' || t.value.case === 'sparseTensorType')) {
    const tt = t.value.value;
    elemType = tt.elemType ? dtypeName(tt.elemType) : null;
    if (tt.shape) {
      shape = tt.shape.dim.map((d): Dim => {
        if (d.value.case === 'dimValue') return num(d.value.value);
        if (d.value.case === 'dimParam') return d.value.value;
        return null;
      });
    }
  }
  const out: ValueSummary = { name: v.name, type: typeString(t), elemType, shape };
  if (v.docString) out.docString = v.docString;
  return out;
}

function opKey(domain: string, opType: string): string {
  return DEFAULT_DOMAINS.has(domain) ? opType : `${domain}.${opType}`;
}

function elementCount(dims: bigint[]): number {
  let n = 1;
  for (const d of dims) n *= Number(d);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

function subgraphsOf(attr: AttributeProto): GraphProto[] {
  const out: GraphProto[] = [];
  if (attr.g) out.push(attr.g);
  for (const g of attr.graphs ?? []) out.push(g);
  return out;
}

/** Is `location` a plain relative path that stays inside the model's folder? */
function safeRelative(location: string): boolean {
  if (!location || path.isAbsolute(location) || location.includes('\0')) return false;
  const norm = path.normalize(location);
  return norm !== '..' && !norm.startsWith('..' + path.sep) && !norm.startsWith('../');
}

function externalEntry(t: TensorProto): { location: string; offset: number; length: number | undefined } {
  let location = '';
  let offset = 0;
  let length: number | undefined;
  for (const kv of t.externalData) {
    if (kv.key === 'location') location = kv.value;
    else if (kv.key === 'offset') offset = Number.parseInt(kv.value, 10) || 0;
    else if (kv.key === 'length') {
      const n = Number.parseInt(kv.value, 10);
      if (Number.isFinite(n)) length = n;
    }
  }
  return { location, offset, length };
}

export function summarizeModel(model: ModelProto, opts: SummarizeOptions = {}): ModelSummary {
  const graph = model.graph;
  const baseDir = opts.baseDir ?? (opts.file ? path.dirname(opts.file) : undefined);

  const metadata: Record<string, string> = {};
  for (const kv of model.metadataProps) metadata[kv.key] = kv.value;

  const initNames = new Set<string>();
  for (const t of graph?.initializer ?? []) initNames.add(t.name);
  for (const s of graph?.sparseInitializer ?? []) if (s.values?.name) initNames.add(s.values.name);

  const inputs: ValueSummary[] = [];
  const overridableInputs: string[] = [];
  for (const v of graph?.input ?? []) {
    if (initNames.has(v.name)) overridableInputs.push(v.name);
    else inputs.push(summarizeValue(v));
  }
  const outputs = (graph?.output ?? []).map(summarizeValue);

  // Walk the main graph and every subgraph with an explicit stack (no recursion on untrusted depth).
  const hist = new Map<string, number>();
  const byDtype = new Map<string, DtypeParams>();
  const extFiles = new Map<string, ExternalDataFile>();
  let extTensors = 0;
  let totalNodes = 0;
  let subgraphCount = 0;
  let maxDepth = 0;
  const subByOp: Record<string, number> = {};

  const addTensor = (t: TensorProto, countDims?: bigint[]) => {
    const dtype = dtypeName(t.dataType);
    const count = elementCount(countDims ?? t.dims);
    const bytes = Math.ceil((count * dtypeBits(t.dataType)) / 8);
    let e = byDtype.get(dtype);
    if (!e) byDtype.set(dtype, (e = { dtype, tensors: 0, count: 0, bytes: 0 }));
    e.tensors++;
    e.count += count;
    e.bytes += bytes;
    if (t.dataLocation === 1 /* EXTERNAL */) {
      extTensors++;
      const { location, offset, length } = externalEntry(t);
      let f = extFiles.get(location);
      if (!f) extFiles.set(location, (f = { location, tensors: 0, bytesReferenced: 0, requiredSize: 0, status: 'unchecked' }));
      const len = length ?? bytes;
      f.tensors++;
      f.bytesReferenced += len;
      f.requiredSize = Math.max(f.requiredSize, offset + len);
    }
  };

  const stack: { g: GraphProto; depth: number }[] = graph ? [{ g: graph, depth: 0 }] : [];
  while (stack.length) {
    const { g, depth } = stack.pop()!;
    if (depth > maxDepth) maxDepth = depth;
    for (const t of g.initializer) addTensor(t);
    for (const s of g.sparseInitializer) if (s.values) addTensor(s.values);
    for (const n of g.node) {
      totalNodes++;
      const key = opKey(n.domain, n.opType);
      hist.set(key, (hist.get(key) ?? 0) + 1);
      for (const a of n.attribute) {
        for (const sg of subgraphsOf(a)) {
          subgraphCount++;
          subByOp[key] = (subByOp[key] ?? 0) + 1;
          stack.push({ g: sg, depth: depth + 1 });
        }
      }
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
  const outNames = new Set((graph?.output ?? []).map((o) => o.name));
  const annotatedNames = new Set<string>();
  for (const v of graph?.valueInfo ?? []) if (v.type) annotatedNames.add(v.name);
  let intermediates = 0;
  let annotated = 0;
  const seen = new Set<string>();
  for (const n of graph?.node ?? []) {
    for (const o of n.output) {
      if (!o || outNames.has(o) || seen.has(o)) continue;
      seen.add(o);
      intermediates++;
      if (annotatedNames.has(o)) annotated++;
    }
  }

  const dtypes = [...byDtype.values()].sort((a, b) => b.bytes - a.bytes || a.dtype.localeCompare(b.dtype));
  const params = dtypes.reduce(
    (acc, d) => ({ tensors: acc.tensors + d.tensors, count: acc.count + d.count, bytes: acc.bytes + d.bytes }),
    { tensors: 0, count: 0, bytes: 0 },
  );

  const summary: ModelSummary = {
    irVersion: num(model.irVersion),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    domain: model.domain,
    modelVersion: num(model.modelVersion),
    docString: model.docString,
    graphName: graph?.name ?? '',
    opsetImports: model.opsetImport.map((o) => ({ domain: o.domain, version: num(o.version) })),
    metadata,
    inputs,
    outputs,
    overridableInputs,
    nodeCount: graph?.node.length ?? 0,
    totalNodeCount: totalNodes,
    opHistogram: [...hist.entries()].map(([op, count]) => ({ op, count })).sort((a, b) => b.count - a.count || (a.op < b.op ? -1 : a.op > b.op ? 1 : 0)),
    parameters: { ...params, byDtype: dtypes },
    externalData: { tensors: extTensors, files: [...extFiles.values()] },
    subgraphs: { count: subgraphCount, byOp: subByOp, maxDepth },
    functions: model.functions.map((f) => ({ domain: f.domain, name: f.name, inputs: [...f.input], outputs: [...f.output], nodes: f.node.length })),
    valueInfo: { intermediates, annotated, percent: intermediates ? Math.round((1000 * annotated) / intermediates) / 10 : null },
  };
  if (opts.file !== undefined) summary.file = opts.file;
  if (opts.fileSize !== undefined) summary.fileSize = opts.fileSize;
  return summary;
}

/** Read, decode and summarise a model file (tensor payloads are never decoded). */
export function summarizeModelFile(file: string, opts: Omit<ReadModelOptions, 'file'> & { baseDir?: string } = {}): ModelSummary {
  const { model, bytes } = readModelFile(file, opts);
  return summarizeModel(model, { file, baseDir: opts.baseDir, fileSize: bytes.length });
}

/** Version of an opset domain the model imports ('' or 'ai.onnx' for the default), or undefined. */
export function opsetVersion(summary: ModelSummary, domain = ''): number | undefined {
  const want = DEFAULT_DOMAINS.has(domain) ? DEFAULT_DOMAINS : new Set([domain]);
  return summary.opsetImports.find((o) => want.has(o.domain))?.version;
}
