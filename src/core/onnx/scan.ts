/**
 * The summary's fast path: walks the protobuf wire format of a ModelProto and decodes only what a
 * summary shows (node op types/domains/outputs, subgraphs, tensor headers, value_info names, graph
 * inputs/outputs). Building a message object for every node and value_info is what makes a full
 * decode of a 20k-node model slow; here those are never built.
 *
 * No schema is written here: every field number comes from onnx-buf's descriptors, and small
 * messages (graph inputs/outputs, opsets, metadata, functions) are decoded by onnx-buf itself.
 * Tests compare this path with summarizeModel(readModel(...)) on every libonnx-testdata model.
 */
import { fromBinary, type DescMessage } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  FunctionProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  SparseTensorProtoSchema,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import { OnnxLabError, isOnnxLabError } from '../errors';
import type { GraphFacts, ModelFacts, TensorFacts } from './facts';
import { hashBytes, parseExternal } from './facts';
import { checkTopLevel, validateHeader } from './reader';
import { summarizeValue } from './value';

function fieldNumbers<K extends string>(desc: DescMessage, names: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const n of names) {
    const f = desc.fields.find((x) => x.localName === n);
    if (!f) throw new Error(`onnx-buf ${desc.typeName} has no field ${n}`);
    out[n] = f.number;
  }
  return out;
}

const MODEL = fieldNumbers(ModelProtoSchema, ['irVersion', 'opsetImport', 'producerName', 'producerVersion', 'domain', 'modelVersion', 'docString', 'graph', 'metadataProps', 'functions'] as const);
const GRAPH = fieldNumbers(GraphProtoSchema, ['node', 'name', 'initializer', 'sparseInitializer', 'input', 'output', 'valueInfo'] as const);
const NODE = fieldNumbers(NodeProtoSchema, ['output', 'opType', 'domain', 'attribute'] as const);
const ATTR = fieldNumbers(AttributeProtoSchema, ['g', 'graphs'] as const);
const VALUE = fieldNumbers(ValueInfoProtoSchema, ['name', 'type'] as const);
const TENSOR = fieldNumbers(TensorProtoSchema, ['dims', 'dataType', 'name', 'externalData', 'dataLocation'] as const);
const SPARSE = fieldNumbers(SparseTensorProtoSchema, ['values'] as const);
const ENTRY = fieldNumbers(StringStringEntryProtoSchema, ['key', 'value'] as const);

/** Subgraph nesting limit; each level is three protobuf messages deep (graph, node, attribute). */
const MAX_GRAPH_DEPTH = 32;

class ScanError extends Error {}

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

/** A bounds-checked cursor over one message's bytes. */
class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    public end: number,
    readonly names: Map<number, string> = new Map(),
  ) {}

  get more(): boolean {
    return this.pos < this.end;
  }

  /** A field tag; one byte for every ONNX field number below 16. */
  tag(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    return this.uvarint();
  }

  /** Unsigned varint as a number (exact to 2^53). */
  uvarint(): number {
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ScanError('a number runs past the end of its message');
      const b = this.buf[this.pos++];
      value += (b & 0x7f) * mul;
      if (b < 0x80) return value;
      mul *= 128;
    }
    throw new ScanError('a varint is longer than 10 bytes');
  }

  /** int64 varint as a number, negative values in two's complement like protobuf. */
  int64(): number {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ScanError('a number runs past the end of its message');
      const b = this.buf[this.pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if (b < 0x80) {
        lo >>>= 0;
        if (hi & 0x80000000) return -((~hi >>> 0) * 4294967296 + ((~lo >>> 0) + 1));
        return (hi >>> 0) * 4294967296 + lo;
      }
    }
    throw new ScanError('a varint is longer than 10 bytes');
  }

  /** Start of the last length-delimited field read by span(). */
  start = 0;

  /** Length-delimited field: sets `start`, returns its end and moves past it. */
  span(): number {
    const len = this.uvarint();
    const start = this.pos;
    if (len > this.end - start) throw new ScanError('a field is longer than the message holding it');
    this.start = start;
    this.pos = start + len;
    return this.pos;
  }

  /** Narrow the cursor to the next length-delimited field; returns what leave() needs. */
  enter(): number {
    const outerEnd = this.end;
    const end = this.span();
    this.pos = this.start;
    this.end = end;
    return outerEnd;
  }

  leave(outerEnd: number): void {
    this.pos = this.end;
    this.end = outerEnd;
  }

  /** nameKey() of the next string field, without building the string. */
  key(): number {
    const e = this.span();
    return hashBytes(this.buf, this.start, e);
  }

  /** A string that repeats a lot (op types, domains), from a per-scan cache. */
  cached(cache: Map<number, string>): string {
    const e = this.span();
    const s = this.start;
    const k = hashBytes(this.buf, s, e);
    const hit = cache.get(k);
    if (hit !== undefined && hit.length === e - s) {
      let same = true;
      for (let i = 0; i < hit.length && same; i++) same = hit.charCodeAt(i) === this.buf[s + i];
      if (same) return hit;
    }
    const str = this.buf.toString('utf8', s, e);
    if (hit === undefined) cache.set(k, str);
    return str;
  }

  bytes(): Uint8Array {
    const e = this.span();
    return this.buf.subarray(this.start, e);
  }

  string(): string {
    const e = this.span();
    // Node's native slice: building strings char by char made cons strings that cost more to hash than to decode.
    return this.buf.toString('utf8', this.start, e);
  }

  skip(wire: number): void {
    switch (wire) {
      case VARINT:
        this.uvarint();
        return;
      case I64:
        this.advance(8);
        return;
      case LEN:
        this.span();
        return;
      case I32:
        this.advance(4);
        return;
      default:
        throw new ScanError(`wire type ${wire} is not used by ONNX`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new ScanError('a fixed-size field runs past the end of its message');
    this.pos += n;
  }
}

function expectWire(wire: number, want: number, what: string): void {
  if (wire !== want) throw new ScanError(`${what} has wire type ${wire}, expected ${want}`);
}

function scanEntry(c: Cursor): { key: string; value: string } {
  const outer = c.enter();
  let key = '';
  let value = '';
  while (c.more) {
    const tag = c.tag();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === ENTRY.key && wire === LEN) key = c.string();
    else if (no === ENTRY.value && wire === LEN) value = c.string();
    else c.skip(wire);
  }
  c.leave(outer);
  return { key, value };
}

function scanTensor(c: Cursor): TensorFacts {
  const outer = c.enter();
  const t: TensorFacts = { nameKey: 0, dataType: 0, count: 1 };
  let entries: { key: string; value: string }[] | undefined;
  let location = 0;
  while (c.more) {
    const tag = c.tag();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === TENSOR.dims) {
      if (wire === VARINT) t.count *= c.int64();
      else if (wire === LEN) {
        const outer = c.enter();
        while (c.more) t.count *= c.int64();
        c.leave(outer);
      } else c.skip(wire);
    } else if (no === TENSOR.dataType && wire === VARINT) t.dataType = c.int64() | 0;
    else if (no === TENSOR.name && wire === LEN) t.nameKey = c.key();
    else if (no === TENSOR.externalData && wire === LEN) (entries ??= []).push(scanEntry(c));
    else if (no === TENSOR.dataLocation && wire === VARINT) location = c.int64() | 0;
    else c.skip(wire);
  }
  if (location === 1) t.external = parseExternal(entries ?? []);
  c.leave(outer);
  return t;
}

function scanSparse(c: Cursor): TensorFacts | undefined {
  const outer = c.enter();
  let values: TensorFacts | undefined;
  while (c.more) {
    const tag = c.tag();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === SPARSE.values && wire === LEN) values = scanTensor(c);
    else c.skip(wire);
  }
  c.leave(outer);
  return values;
}

/** value_info: the name's key when a type is present, else -1 (no object per entry: it is the hot path). */
function scanTypedValueInfoKey(c: Cursor): number {
  const outer = c.enter();
  let name = 0;
  let typed = false;
  while (c.more) {
    const tag = c.tag();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === VALUE.name && wire === LEN) name = c.key();
    else if (no === VALUE.type && wire === LEN) {
      c.span();
      typed = true;
    } else c.skip(wire);
  }
  c.leave(outer);
  return typed ? name : -1;
}

function emptyGraph(): GraphFacts {
  return { name: '', inputs: [], outputs: [], initializers: [], sparseInitializers: [], opTypes: [], opDomains: [], subgraphs: [], nodeOutputKeys: [], typedValueInfoKeys: [] };
}

function decodeSmall<T>(desc: DescMessage, bytes: Uint8Array): T {
  return fromBinary(desc, bytes, { readUnknownFields: false }) as T;
}

/** Graph-valued attributes of node number `node` go to g.subgraphs. */
function scanAttributeGraphs(c: Cursor, depth: number, g: GraphFacts, node: number): void {
  const outer = c.enter();
  let merged: GraphFacts | undefined;
  while (c.more) {
    const tag = c.tag();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === ATTR.g && wire === LEN) {
      // A repeated singular message field merges, as protobuf does.
      if (!merged) g.subgraphs.push({ node, graph: (merged = emptyGraph()) });
      scanGraph(c, depth, merged);
    } else if (no === ATTR.graphs && wire === LEN) {
      const sg = emptyGraph();
      scanGraph(c, depth, sg);
      g.subgraphs.push({ node, graph: sg });
    } else c.skip(wire);
  }
  c.leave(outer);
}

/** One node into g's parallel arrays. */
function scanNode(c: Cursor, depth: number, g: GraphFacts): void {
  const outer = c.enter();
  const node = g.opTypes.length;
  let opType = '';
  let domain = '';
  while (c.more) {
    const tag = c.tag();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === NODE.output && wire === LEN) g.nodeOutputKeys.push(c.key());
    else if (no === NODE.opType && wire === LEN) opType = c.cached(c.names);
    else if (no === NODE.domain && wire === LEN) domain = c.cached(c.names);
    else if (no === NODE.attribute && wire === LEN) scanAttributeGraphs(c, depth + 1, g, node);
    else c.skip(wire);
  }
  c.leave(outer);
  g.opTypes.push(opType);
  g.opDomains.push(domain);
}

function scanGraph(c: Cursor, depth: number, g: GraphFacts): void {
  const outer = c.enter();
  if (depth > MAX_GRAPH_DEPTH) throw new ScanError(`subgraphs are nested more than ${MAX_GRAPH_DEPTH} deep`);
  while (c.more) {
    const tag = c.tag();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === GRAPH.node) {
      expectWire(wire, LEN, 'a node');
      scanNode(c, depth, g);
    } else if (no === GRAPH.valueInfo) {
      expectWire(wire, LEN, 'a value_info');
      const k = scanTypedValueInfoKey(c);
      if (k >= 0) g.typedValueInfoKeys.push(k);
    } else if (no === GRAPH.initializer) {
      expectWire(wire, LEN, 'an initializer');
      g.initializers.push(scanTensor(c));
    } else if (no === GRAPH.sparseInitializer) {
      expectWire(wire, LEN, 'a sparse initializer');
      const v = scanSparse(c);
      if (v) g.sparseInitializers.push(v);
    } else if (no === GRAPH.input && wire === LEN) g.inputs.push(summarizeValue(decodeSmall(ValueInfoProtoSchema, c.bytes())));
    else if (no === GRAPH.output && wire === LEN) g.outputs.push(summarizeValue(decodeSmall(ValueInfoProtoSchema, c.bytes())));
    else if (no === GRAPH.name && wire === LEN) g.name = c.string();
    else c.skip(wire);
  }
  c.leave(outer);
}

function scanModelFacts(bytes: Uint8Array): ModelFacts {
  const m: ModelFacts = { irVersion: 0, producerName: '', producerVersion: '', domain: '', modelVersion: 0, docString: '', opsets: [], metadata: [], functions: [] };
  const c = new Cursor(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.length);
  while (c.more) {
    const tag = c.tag();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === MODEL.graph && wire === LEN) scanGraph(c, 0, (m.graph ??= emptyGraph()));
    else if (no === MODEL.irVersion && wire === VARINT) m.irVersion = c.int64();
    else if (no === MODEL.modelVersion && wire === VARINT) m.modelVersion = c.int64();
    else if (no === MODEL.producerName && wire === LEN) m.producerName = c.string();
    else if (no === MODEL.producerVersion && wire === LEN) m.producerVersion = c.string();
    else if (no === MODEL.domain && wire === LEN) m.domain = c.string();
    else if (no === MODEL.docString && wire === LEN) m.docString = c.string();
    else if (no === MODEL.opsetImport && wire === LEN) {
      const o = decodeSmall<{ domain: string; version: bigint }>(OperatorSetIdProtoSchema, c.bytes());
      m.opsets.push({ domain: o.domain, version: Number(o.version) });
    } else if (no === MODEL.metadataProps && wire === LEN) {
      const e = scanEntry(c);
      m.metadata.push([e.key, e.value]);
    } else if (no === MODEL.functions && wire === LEN) {
      const f = decodeSmall<{ domain: string; name: string; input: string[]; output: string[]; node: unknown[] }>(FunctionProtoSchema, c.bytes());
      m.functions.push({ domain: f.domain, name: f.name, inputs: f.input, outputs: f.output, nodes: f.node.length });
    } else c.skip(wire);
  }
  return m;
}

/** Scan model bytes into ModelFacts. Throws the same OnnxLabErrors as readModel. */
export function scanModel(bytes: Uint8Array, file?: string): ModelFacts {
  if (bytes.length === 0) throw new OnnxLabError('onnx.empty', 'empty file (0 bytes): not an ONNX model', file);
  checkTopLevel(bytes, file);
  let facts: ModelFacts;
  try {
    facts = scanModelFacts(bytes);
  } catch (e) {
    if (isOnnxLabError(e)) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new OnnxLabError('onnx.corrupt', `corrupt ONNX file: the protobuf data is damaged (${why})`, file, { cause: e });
  }
  validateHeader(facts.irVersion, facts.opsets, facts.graph !== undefined, file);
  return facts;
}
