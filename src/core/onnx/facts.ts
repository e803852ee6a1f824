/**
 * The parts of a model a summary needs, produced either from a decoded ModelProto or by the fast
 * wire scanner (scan.ts), so that both paths share one summary builder and can be cross-checked.
 */
import type { GraphProto, ModelProto, TensorProto } from 'onnx-buf';
import type { FunctionSummary, OpsetImport, ValueSummary } from './summary';
import { summarizeValue } from './value';

export interface TensorFacts {
  /** nameKey() of the tensor's name. */
  nameKey: number;
  dataType: number;
  /** Product of the dims (the raw product; the summary treats negative or non-finite as 0). */
  count: number;
  /** Present when data_location is EXTERNAL. */
  external?: { location: string; offset: number; length?: number };
}

/** A graph held in an attribute of node number `node` of its parent graph. */
export interface SubgraphFacts {
  node: number;
  graph: GraphFacts;
}

export interface GraphFacts {
  name: string;
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  initializers: TensorFacts[];
  /** The `values` tensor of each sparse initializer (it carries the name). */
  sparseInitializers: TensorFacts[];
  /** Per node, in order (parallel arrays: no object per node). */
  opTypes: string[];
  opDomains: string[];
  /** Graph-valued attributes (If branches, Loop/Scan bodies) of the nodes. */
  subgraphs: SubgraphFacts[];
  /** nameKey() of every node output, all nodes together (0 for an omitted optional output). */
  nodeOutputKeys: number[];
  /** nameKey() of each value_info entry that carries a type. */
  typedValueInfoKeys: number[];
}

export interface ModelFacts {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  opsets: OpsetImport[];
  metadata: [string, string][];
  functions: FunctionSummary[];
  graph?: GraphFacts;
}

/**
 * A 53-bit hash of a name's UTF-8 bytes (0 for ''). value_info coverage compares node outputs and
 * value_info names by it, so the scanner never builds those strings; a collision (odds ~n²/2^53)
 * could only shift the coverage figure by one.
 */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  if (end <= start) return 0;
  let h1 = 0x811c9dc5;
  let h2 = 5381;
  for (let i = start; i < end; i++) {
    const x = b[i];
    h1 = Math.imul(h1 ^ x, 0x01000193);
    h2 = (Math.imul(h2, 33) + x) | 0;
  }
  return (h1 >>> 0) * 0x200000 + (h2 & 0x1fffff) || 1;
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

export function nameKey(name: string): number {
  if (!name) return 0;
  if (scratch.length < name.length * 3) scratch = new Uint8Array(name.length * 3);
  const { written } = encoder.encodeInto(name, scratch);
  return hashBytes(scratch, 0, written);
}

export function parseExternal(entries: { key: string; value: string }[]): { location: string; offset: number; length?: number } {
  let location = '';
  let offset = 0;
  let length: number | undefined;
  for (const kv of entries) {
    if (kv.key === 'location') location = kv.value;
    else if (kv.key === 'offset') offset = Number.parseInt(kv.value, 10) || 0;
    else if (kv.key === 'length') {
      const n = Number.parseInt(kv.value, 10);
      if (Number.isFinite(n)) length = n;
    }
  }
  return { location, offset, length };
}

function tensorFacts(t: TensorProto): TensorFacts {
  let count = 1;
  for (const d of t.dims) count *= Number(d);
  const f: TensorFacts = { nameKey: nameKey(t.name), dataType: t.dataType, count };
  if (t.dataLocation === 1) f.external = parseExternal(t.externalData);
  return f;
}

function graphFacts(g: GraphProto): GraphFacts {
  return {
    name: g.name,
    inputs: g.input.map(summarizeValue),
    outputs: g.output.map(summarizeValue),
    initializers: g.initializer.map(tensorFacts),
    sparseInitializers: g.sparseInitializer.flatMap((s) => (s.values ? [tensorFacts(s.values)] : [])),
    opTypes: g.node.map((n) => n.opType),
    opDomains: g.node.map((n) => n.domain),
    subgraphs: g.node.flatMap((n, node) => n.attribute.flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]).map((sg) => ({ node, graph: graphFacts(sg) }))),
    nodeOutputKeys: g.node.flatMap((n) => n.output.map(nameKey)),
    typedValueInfoKeys: g.valueInfo.filter((v) => v.type).map((v) => nameKey(v.name)),
  };
}

export function modelFacts(model: ModelProto): ModelFacts {
  return {
    irVersion: Number(model.irVersion),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    domain: model.domain,
    modelVersion: Number(model.modelVersion),
    docString: model.docString,
    opsets: model.opsetImport.map((o) => ({ domain: o.domain, version: Number(o.version) })),
    metadata: model.metadataProps.map((kv) => [kv.key, kv.value]),
    functions: model.functions.map((f) => ({ domain: f.domain, name: f.name, inputs: [...f.input], outputs: [...f.output], nodes: f.node.length })),
    graph: model.graph ? graphFacts(model.graph) : undefined,
  };
}
