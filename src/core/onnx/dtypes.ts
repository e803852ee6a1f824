/**
 * ONNX element types as short strings. The name is the lower-cased TensorProto.DataType enum name,
 * except FLOAT → float32 and DOUBLE → float64, so the common types read like numpy's. The Python
 * reference (recipes/reference/onnx_summary.py) applies the same rule.
 */
import { TensorProto_DataType } from 'onnx-buf';

interface DtypeInfo {
  name: string;
  /** Storage bits per element; 0 for variable size (string) or unknown. */
  bits: number;
}

const TABLE: Record<number, DtypeInfo> = {
  [TensorProto_DataType.UNDEFINED]: { name: 'undefined', bits: 0 },
  [TensorProto_DataType.FLOAT]: { name: 'float32', bits: 32 },
  [TensorProto_DataType.UINT8]: { name: 'uint8', bits: 8 },
  [TensorProto_DataType.INT8]: { name: 'int8', bits: 8 },
  [TensorProto_DataType.UINT16]: { name: 'uint16', bits: 16 },
  [TensorProto_DataType.INT16]: { name: 'int16', bits: 16 },
  [TensorProto_DataType.INT32]: { name: 'int32', bits: 32 },
  [TensorProto_DataType.INT64]: { name: 'int64', bits: 64 },
  [TensorProto_DataType.STRING]: { name: 'string', bits: 0 },
  [TensorProto_DataType.BOOL]: { name: 'bool', bits: 8 },
  [TensorProto_DataType.FLOAT16]: { name: 'float16', bits: 16 },
  [TensorProto_DataType.DOUBLE]: { name: 'float64', bits: 64 },
  [TensorProto_DataType.UINT32]: { name: 'uint32', bits: 32 },
  [TensorProto_DataType.UINT64]: { name: 'uint64', bits: 64 },
  [TensorProto_DataType.COMPLEX64]: { name: 'complex64', bits: 64 },
  [TensorProto_DataType.COMPLEX128]: { name: 'complex128', bits: 128 },
  [TensorProto_DataType.BFLOAT16]: { name: 'bfloat16', bits: 16 },
  [TensorProto_DataType.FLOAT8E4M3FN]: { name: 'float8e4m3fn', bits: 8 },
  [TensorProto_DataType.FLOAT8E4M3FNUZ]: { name: 'float8e4m3fnuz', bits: 8 },
  [TensorProto_DataType.FLOAT8E5M2]: { name: 'float8e5m2', bits: 8 },
  [TensorProto_DataType.FLOAT8E5M2FNUZ]: { name: 'float8e5m2fnuz', bits: 8 },
  [TensorProto_DataType.UINT4]: { name: 'uint4', bits: 4 },
  [TensorProto_DataType.INT4]: { name: 'int4', bits: 4 },
  [TensorProto_DataType.FLOAT4E2M1]: { name: 'float4e2m1', bits: 4 },
  [TensorProto_DataType.FLOAT8E8M0]: { name: 'float8e8m0', bits: 8 },
  [TensorProto_DataType.UINT2]: { name: 'uint2', bits: 2 },
  [TensorProto_DataType.INT2]: { name: 'int2', bits: 2 },
};

/** `float32`, `int64`, ...; unknown enum values (a newer ONNX) read as `dtype(N)`. */
export function dtypeName(code: number): string {
  return TABLE[code]?.name ?? `dtype(${code})`;
}

/** Bits per element, 0 when the size is variable (string) or the type unknown. */
export function dtypeBits(code: number): number {
  return TABLE[code]?.bits ?? 0;
}

/** Inverse of dtypeName; also accepts a few common aliases (float, double, half). */
export function dtypeCode(name: string): number | undefined {
  const n = name.trim().toLowerCase();
  const alias: Record<string, string> = { float: 'float32', double: 'float64', half: 'float16', long: 'int64', int: 'int32' };
  const want = alias[n] ?? n;
  for (const [code, info] of Object.entries(TABLE)) if (info.name === want) return Number(code);
  return undefined;
}
