/** Tensors as golden readers produce them and the comparison consumes them: dtype name + dims + data. */
import { OnnxLabError } from '../errors';

export type NumericArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/**
 * One tensor. `dtype` uses the names of core/onnx/dtypes (float32, int64, bool, ...). bool is a
 * Uint8Array of 0/1; float16 and bfloat16 keep their raw 16-bit patterns in a Uint16Array (that is
 * what onnxruntime-node takes for float16 feeds); strings are string[].
 */
export interface Tensor {
  dtype: string;
  dims: number[];
  data: NumericArray | string[];
}

/** A golden value: a tensor, or the ONNX sequence/optional wrappers around tensors. */
export type GoldenValue =
  | { kind: 'tensor'; tensor: Tensor }
  | { kind: 'sequence'; elements: GoldenValue[] }
  | { kind: 'optional'; value: GoldenValue | null };

export function tensorValue(tensor: Tensor): GoldenValue {
  return { kind: 'tensor', tensor };
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export const FLOAT_DTYPES = new Set(['float32', 'float64', 'float16', 'bfloat16']);

export function isFloatDtype(dtype: string): boolean {
  return FLOAT_DTYPES.has(dtype);
}

const F16_EXP = new Float64Array(32);
for (let e = 0; e < 32; e++) F16_EXP[e] = Math.pow(2, e - 15);

/** IEEE half bits → number. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * Math.pow(2, -24);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * F16_EXP[exp] * (1 + frac / 1024);
}

/** bfloat16 bits → number (the top half of a float32). */
export function bfloat16ToNumber(h: number): number {
  const buf = new Float32Array(1);
  new Uint32Array(buf.buffer)[0] = (h & 0xffff) << 16;
  return buf[0];
}

/** number → IEEE half bits, round to nearest even (for golden writers and tests). */
export function numberToHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/**
 * The values as float64 for numeric comparison (int64 beyond 2^53 loses precision: integer outputs
 * are compared exactly with `sameIntegers` instead). Strings are not numeric.
 */
export function toFloat64(t: Tensor): Float64Array {
  const d = t.data;
  if (Array.isArray(d)) throw new OnnxLabError('validate.dtype', `a ${t.dtype} tensor has no numeric values`);
  const out = new Float64Array(d.length);
  if (t.dtype === 'float16') for (let i = 0; i < d.length; i++) out[i] = halfToNumber(Number(d[i]));
  else if (t.dtype === 'bfloat16') for (let i = 0; i < d.length; i++) out[i] = bfloat16ToNumber(Number(d[i]));
  else if (d instanceof BigInt64Array || d instanceof BigUint64Array) for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
  else out.set(d as ArrayLike<number>);
  return out;
}

/** Short text of a shape, e.g. [1, 3, 224, 224]. */
export function formatShape(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

/** A typed array of the dtype (bool → Uint8Array, float16/bfloat16 → Uint16Array), or undefined for string/unknown. */
export function arrayFor(dtype: string, n: number): NumericArray | undefined {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'float16': case 'bfloat16': case 'uint16': return new Uint16Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
    case 'int16': return new Int16Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'uint64': return new BigUint64Array(n);
    default: return undefined;
  }
}

/** Bytes per element of the dtypes `arrayFor` knows. */
export function bytesPer(dtype: string): number {
  const a = arrayFor(dtype, 0);
  return a ? a.BYTES_PER_ELEMENT : 0;
}

/** Copy little-endian bytes into a new, aligned array of the dtype. */
export function fromLittleEndian(dtype: string, bytes: Uint8Array, count: number): NumericArray | undefined {
  const a = arrayFor(dtype, count);
  if (!a) return undefined;
  new Uint8Array(a.buffer).set(bytes.subarray(0, count * a.BYTES_PER_ELEMENT));
  return a;
}
