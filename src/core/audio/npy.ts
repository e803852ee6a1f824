/** NumPy .npy (format 1.0/2.0/3.0) writing and reading for float32/float64/int16/int32/int64 arrays. */
import { OnnxLabError } from '../errors';

export type NpyArray = Float32Array | Float64Array | Int16Array | Int32Array | BigInt64Array;

const DESCR: [string, new (n: number) => NpyArray][] = [
  ['<f4', Float32Array],
  ['<f8', Float64Array],
  ['<i2', Int16Array],
  ['<i4', Int32Array],
  ['<i8', BigInt64Array],
];

function descrOf(a: NpyArray): string {
  for (const [d, ctor] of DESCR) if (a instanceof ctor) return d;
  throw new OnnxLabError('npy.dtype', 'unsupported array type for .npy');
}

/** Encodes a C-order array; the header is padded so the data starts on a 64-byte boundary. */
export function encodeNpy(data: NpyArray, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new OnnxLabError('npy.shape', `shape [${shape.join(', ')}] holds ${count} values, the array has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pre = 10;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  if (header.length > 0xffff) throw new OnnxLabError('npy.shape', 'shape too long for a .npy header');
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}

/** Decodes a little-endian C-order .npy of a supported dtype. */
export function decodeNpy(bytes: Uint8Array, file?: string): { data: NpyArray; shape: number[] } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) throw new OnnxLabError('npy.not-npy', 'not a .npy file', file);
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + hlen > bytes.length) throw new OnnxLabError('npy.truncated', 'the .npy header is truncated', file);
  const header = new TextDecoder().decode(bytes.subarray(start, start + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const entry = DESCR.find(([d]) => d === descr);
  if (!entry || shapeText === undefined) throw new OnnxLabError('npy.dtype', `unsupported .npy header ${header.trim()}`, file);
  if (fortran) throw new OnnxLabError('npy.dtype', 'Fortran-order .npy is not supported', file);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const ctor = entry[1] as unknown as { new (b: ArrayBuffer): NpyArray; BYTES_PER_ELEMENT: number };
  const dataStart = start + hlen;
  const need = count * ctor.BYTES_PER_ELEMENT;
  if (dataStart + need > bytes.length) throw new OnnxLabError('npy.truncated', `the .npy data is truncated (${bytes.length - dataStart} of ${need} bytes)`, file);
  // A fresh, aligned copy: Buffer.slice would be a view of a shared (and unaligned) pool.
  const copy = new Uint8Array(need);
  copy.set(bytes.subarray(dataStart, dataStart + need));
  return { data: new ctor(copy.buffer), shape };
}
