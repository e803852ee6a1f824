/** ONNX TensorProto / SequenceProto / OptionalProto (.pb files of the backend test layout) → golden values. */
import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { TensorProtoSchema, TensorProto_DataType, type TensorProto } from 'onnx-buf';
import { dtypeName } from '../onnx/dtypes';
import { OnnxLabError } from '../errors';
import { arrayFor, elementCount, fromLittleEndian, type GoldenValue, type NumericArray, type Tensor } from './tensor';

const T = TensorProto_DataType;

/** TensorProto → Tensor, from raw_data or the typed repeated field the ONNX spec names for the type. */
export function tensorFromProto(p: TensorProto, file?: string): Tensor {
  const dtype = dtypeName(p.dataType);
  const dims = p.dims.map(Number);
  const n = elementCount(dims);
  if (p.dataLocation === 1 /* EXTERNAL */ || p.externalData.length) {
    throw new OnnxLabError('golden.external', `tensor '${p.name}' keeps its data in an external file, which golden .pb files do not support`, file);
  }
  if (p.dataType === T.STRING) {
    if (p.stringData.length !== n) throw bad(`string tensor '${p.name}' has ${p.stringData.length} strings for shape [${dims}]`, file);
    const dec = new TextDecoder();
    return { dtype, dims, data: p.stringData.map((s) => dec.decode(s)) };
  }
  const probe = arrayFor(dtype, 0);
  if (!probe) throw new OnnxLabError('golden.dtype', `tensor '${p.name}' has element type ${dtype}, which ONNX Lab cannot compare`, file);
  if (p.rawData.length) {
    const need = n * probe.BYTES_PER_ELEMENT;
    if (p.rawData.length !== need) throw bad(`tensor '${p.name}' has ${p.rawData.length} bytes of raw_data; shape [${dims}] of ${dtype} needs ${need}`, file);
    return { dtype, dims, data: fromLittleEndian(dtype, p.rawData, n)! };
  }
  const out = arrayFor(dtype, n)!;
  const src: ArrayLike<number | bigint> = pickTyped(p);
  if (src.length !== n) throw bad(`tensor '${p.name}' has ${src.length} values for shape [${dims}] (${n})`, file);
  fill(out, src);
  return { dtype, dims, data: out };
}

/** The repeated field that carries this element type when raw_data is empty (onnx.proto comments). */
function pickTyped(p: TensorProto): ArrayLike<number | bigint> {
  switch (p.dataType) {
    case T.FLOAT: return p.floatData;
    case T.DOUBLE: return p.doubleData;
    case T.INT64: return p.int64Data;
    case T.UINT32: case T.UINT64: return p.uint64Data;
    default: return p.int32Data; // int8/16/32, uint8/16, bool, float16/bfloat16 bit patterns
  }
}

function fill(out: NumericArray, src: ArrayLike<number | bigint>): void {
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    (out as unknown as (number | bigint)[])[i] = big ? BigInt(v) : Number(v);
  }
}

function bad(msg: string, file?: string): OnnxLabError {
  return new OnnxLabError('golden.corrupt', msg, file);
}

/** What a backend-test .pb holds; the graph's type for that position tells which message it is. */
export type PbKind = 'tensor' | 'sequence' | 'optional';

/** Decode one .pb as the kind the graph declares (the files carry no type tag of their own). */
export function decodeGoldenPb(bytes: Uint8Array, kind: PbKind, file?: string): GoldenValue {
  try {
    if (kind === 'sequence') return decodeSequence(bytes, file);
    if (kind === 'optional') return decodeOptional(bytes, file);
    return { kind: 'tensor', tensor: tensorFromProto(fromBinary(TensorProtoSchema, bytes), file) };
  } catch (e) {
    if (e instanceof OnnxLabError) throw e;
    throw new OnnxLabError('golden.corrupt', `not a readable ${kind === 'tensor' ? 'TensorProto' : kind === 'sequence' ? 'SequenceProto' : 'OptionalProto'} (${(e as Error).message})`, file, { cause: e });
  }
}

// SequenceProto and OptionalProto live in onnx-data.proto, which onnx-buf does not ship; both are
// small, so they are walked on the wire: 3 tensor, 4 sparse, 5 sequence, 6 map, 7 optional.
function decodeSequence(bytes: Uint8Array, file?: string): GoldenValue {
  const r = new BinaryReader(bytes);
  const elements: GoldenValue[] = [];
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 3 && wt === WireType.LengthDelimited) elements.push({ kind: 'tensor', tensor: tensorFromProto(fromBinary(TensorProtoSchema, r.bytes()), file) });
    else if (no === 5 && wt === WireType.LengthDelimited) elements.push(decodeSequence(r.bytes(), file));
    else if (no === 7 && wt === WireType.LengthDelimited) elements.push(decodeOptional(r.bytes(), file));
    else if (no === 4 || no === 6) throw new OnnxLabError('golden.dtype', 'sequences of sparse tensors or maps are not supported', file);
    else r.skip(wt);
  }
  return { kind: 'sequence', elements };
}

function decodeOptional(bytes: Uint8Array, file?: string): GoldenValue {
  const r = new BinaryReader(bytes);
  let value: GoldenValue | null = null;
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 3 && wt === WireType.LengthDelimited) value = { kind: 'tensor', tensor: tensorFromProto(fromBinary(TensorProtoSchema, r.bytes()), file) };
    else if (no === 5 && wt === WireType.LengthDelimited) value = decodeSequence(r.bytes(), file);
    else if (no === 7 && wt === WireType.LengthDelimited) value = decodeOptional(r.bytes(), file);
    else if (no === 4 || no === 6) throw new OnnxLabError('golden.dtype', 'optional sparse tensors or maps are not supported', file);
    else r.skip(wt);
  }
  return { kind: 'optional', value };
}
