/** Golden tensors ↔ runtime tensors. */
import { OnnxLabError } from '../../core/errors';
import { numberToHalf, type GoldenValue, type NumericArray, type Tensor } from '../../core/validate';
import type { TensorData, TypedArray } from '../../runtime/session';

const FEEDABLE = new Set(['float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool', 'string']);

/** A golden value as an onnxruntime feed; sequences cannot be fed through onnxruntime-node. */
export function toFeed(name: string, v: GoldenValue): TensorData | undefined {
  if (v.kind === 'optional') return v.value ? toFeed(name, v.value) : undefined;
  if (v.kind === 'sequence') throw new OnnxLabError('validate.unsupported', `input '${name}' is a sequence, which onnxruntime-node cannot feed`);
  const t = v.tensor;
  if (!FEEDABLE.has(t.dtype)) throw new OnnxLabError('validate.unsupported', `input '${name}' is ${t.dtype}, which onnxruntime-node cannot feed`);
  return { type: t.dtype, dims: t.dims, data: t.data as TypedArray | string[] };
}

/** A runtime output as a golden-comparable tensor. */
export function fromOutput(t: TensorData): Tensor {
  let data = t.data as unknown as NumericArray | string[] | boolean[];
  if (Array.isArray(data) && typeof data[0] === 'boolean') data = Uint8Array.from(data as boolean[], Number);
  // Newer runtimes may hand float16 out as Float16Array: keep the bit patterns like the golden side.
  if (t.type === 'float16' && !(data instanceof Uint16Array) && !Array.isArray(data)) {
    const src = data as unknown as ArrayLike<number>;
    data = Uint16Array.from({ length: src.length }, (_, i) => numberToHalf(src[i]));
  }
  if (t.type === 'bool' && data instanceof Uint8Array === false && !Array.isArray(data)) data = Uint8Array.from(data as ArrayLike<number>);
  return { dtype: t.type, dims: [...t.dims], data: data as NumericArray | string[] };
}
