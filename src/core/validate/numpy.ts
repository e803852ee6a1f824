/**
 * .npy of every dtype a golden needs (core/audio/npy handles the audio ones and is used for them) and
 * .npz archives read member by member (zip central directory + node:zlib), so a large .npz is never
 * held whole.
 */
import * as fs from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { decodeNpy } from '../audio/npy';
import { OnnxLabError } from '../errors';
import { arrayFor, elementCount, fromLittleEndian, type NumericArray, type Tensor } from './tensor';

/** numpy descr (without byte order) → our dtype name. */
const DESCR: Record<string, string> = {
  b1: 'bool', u1: 'uint8', i1: 'int8', u2: 'uint16', i2: 'int16', f2: 'float16',
  u4: 'uint32', i4: 'int32', f4: 'float32', u8: 'uint64', i8: 'int64', f8: 'float64',
};
const AUDIO_NPY = new Set(['<f4', '<f8', '<i2', '<i4', '<i8']);

interface NpyHeader {
  descr: string;
  fortran: boolean;
  shape: number[];
  dataStart: number;
}

function parseHeader(bytes: Uint8Array, file?: string): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) throw new OnnxLabError('npy.not-npy', 'not a .npy array (no \\x93NUMPY magic)', file);
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw new OnnxLabError('npy.truncated', 'the .npy header is truncated', file);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (start + hlen > bytes.length) throw new OnnxLabError('npy.truncated', 'the .npy header is truncated', file);
  const header = new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new OnnxLabError('npy.dtype', `unsupported .npy header ${header.trim()} (structured arrays and pickled objects are not supported)`, file);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { descr, fortran: /'fortran_order':\s*True/.test(header), shape, dataStart: start + hlen };
}

/** Decode a .npy of a numeric, bool or unicode/bytes-string dtype into a Tensor. */
export function decodeNpyTensor(bytes: Uint8Array, file?: string): Tensor {
  const h = parseHeader(bytes, file);
  const n = elementCount(h.shape);
  if (AUDIO_NPY.has(h.descr) && !h.fortran) {
    const { data, shape } = decodeNpy(bytes, file);
    return { dtype: DESCR[h.descr.slice(1)], dims: shape, data };
  }
  const order = h.descr[0];
  const kind = h.descr.slice(1);
  const body = bytes.subarray(h.dataStart);
  if (order === '>' && kind !== 'b1' && kind !== 'u1' && kind !== 'i1') throw new OnnxLabError('npy.dtype', `big-endian .npy (${h.descr}) is not supported`, file);
  let t: Tensor;
  const str = /^([US])(\d+)$/.exec(kind);
  if (str) {
    const width = Number(str[2]) * (str[1] === 'U' ? 4 : 1);
    if (body.length < n * width) throw truncated(body.length, n * width, file);
    const strings: string[] = [];
    for (let i = 0; i < n; i++) {
      const cell = body.subarray(i * width, (i + 1) * width);
      let s = '';
      if (str[1] === 'U') {
        const dv = new DataView(cell.buffer, cell.byteOffset, cell.byteLength);
        for (let k = 0; k < width; k += 4) {
          const cp = dv.getUint32(k, true);
          if (cp === 0) break;
          s += String.fromCodePoint(cp);
        }
      } else {
        let end = cell.indexOf(0);
        if (end < 0) end = cell.length;
        s = new TextDecoder().decode(cell.subarray(0, end));
      }
      strings.push(s);
    }
    t = { dtype: 'string', dims: h.shape, data: strings };
  } else {
    const dtype = DESCR[kind];
    if (!dtype) throw new OnnxLabError('npy.dtype', `.npy dtype '${h.descr}' is not supported`, file);
    const bytesPer = arrayFor(dtype, 0)!.BYTES_PER_ELEMENT;
    if (body.length < n * bytesPer) throw truncated(body.length, n * bytesPer, file);
    t = { dtype, dims: h.shape, data: fromLittleEndian(dtype, body, n)! };
  }
  return h.fortran ? fortranToC(t) : t;
}

function truncated(have: number, need: number, file?: string): OnnxLabError {
  return new OnnxLabError('npy.truncated', `the .npy data is truncated (${have} of ${need} bytes)`, file);
}

/** Column-major → row-major copy (np.save writes F-contiguous arrays, e.g. transposed tensors, as is). */
function fortranToC(t: Tensor): Tensor {
  const dims = t.dims;
  if (dims.length < 2) return t;
  const n = elementCount(dims);
  const src = t.data as ArrayLike<unknown>;
  const out: unknown[] | NumericArray = Array.isArray(t.data) ? new Array<string>(n) : arrayFor(t.dtype, n)!;
  const idx = new Array<number>(dims.length).fill(0);
  for (let c = 0; c < n; c++) {
    // idx is the C-order multi-index of c; its F-order offset is sum idx[k] * prod(dims[0..k-1]).
    let f = 0;
    let stride = 1;
    for (let k = 0; k < dims.length; k++) {
      f += idx[k] * stride;
      stride *= dims[k];
    }
    (out as unknown[])[c] = src[f];
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++idx[k] < dims[k]) break;
      idx[k] = 0;
    }
  }
  return { ...t, data: out as Tensor['data'] };
}

export interface NpzMember {
  /** Array name (the member name without `.npy`). */
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** The members of a .npz (a zip of .npy files), from its central directory. */
export function listNpz(file: string): NpzMember[] {
  const fd = openChecked(file);
  try {
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, 65536 + 22);
    const tail = Buffer.alloc(tailLen);
    fs.readSync(fd, tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
    if (eocd < 0) throw new OnnxLabError('npz.corrupt', 'not a .npz archive (no zip end-of-directory record)', file);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    // numpy writes zip64 records for large archives: the 64-bit locator sits right before the EOCD.
    if ((cdOffset === 0xffffffff || count === 0xffff) && eocd >= 20 && tail.readUInt32LE(eocd - 20) === 0x07064b50) {
      const z64 = Number(tail.readBigUInt64LE(eocd - 12));
      const rec = Buffer.alloc(56);
      fs.readSync(fd, rec, 0, 56, z64);
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    const cd = Buffer.alloc(cdSize);
    fs.readSync(fd, cd, 0, cdSize, cdOffset);
    const members: NpzMember[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new OnnxLabError('npz.corrupt', 'damaged .npz central directory', file);
      const method = cd.readUInt16LE(p + 10);
      let compressedSize = cd.readUInt32LE(p + 20);
      let usize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let offset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      // zip64 extra field (id 1): the 64-bit values present are those whose 32-bit field is 0xffffffff.
      let e = p + 46 + nameLen;
      const eEnd = e + extraLen;
      while (e + 4 <= eEnd) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 1) {
          let q = e + 4;
          if (usize === 0xffffffff) { usize = Number(cd.readBigUInt64LE(q)); q += 8; }
          if (compressedSize === 0xffffffff) { compressedSize = Number(cd.readBigUInt64LE(q)); q += 8; }
          if (offset === 0xffffffff) { offset = Number(cd.readBigUInt64LE(q)); q += 8; }
        }
        e += 4 + len;
      }
      members.push({ name: name.replace(/\.npy$/, ''), method, compressedSize, size: usize, localHeaderOffset: offset });
      p = eEnd + commentLen;
    }
    return members;
  } finally {
    fs.closeSync(fd);
  }
}

/** Read and decode one member of a .npz. */
export function readNpzMember(file: string, m: NpzMember): Tensor {
  const fd = openChecked(file);
  let raw: Buffer;
  try {
    const lh = Buffer.alloc(30);
    fs.readSync(fd, lh, 0, 30, m.localHeaderOffset);
    if (lh.readUInt32LE(0) !== 0x04034b50) throw new OnnxLabError('npz.corrupt', `damaged .npz member '${m.name}'`, file);
    const start = m.localHeaderOffset + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
    raw = Buffer.alloc(m.compressedSize);
    const got = fs.readSync(fd, raw, 0, m.compressedSize, start);
    if (got < m.compressedSize) throw new OnnxLabError('npz.truncated', `.npz member '${m.name}' is truncated`, file);
  } finally {
    fs.closeSync(fd);
  }
  let bytes: Uint8Array;
  if (m.method === 0) bytes = raw;
  else if (m.method === 8) {
    try {
      bytes = inflateRawSync(raw);
    } catch (e) {
      throw new OnnxLabError('npz.corrupt', `cannot inflate .npz member '${m.name}' (${(e as Error).message})`, file, { cause: e });
    }
  } else throw new OnnxLabError('npz.method', `.npz member '${m.name}' uses zip compression method ${m.method}; only stored and deflate are supported`, file);
  return decodeNpyTensor(bytes, `${file}:${m.name}.npy`);
}

function openChecked(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OnnxLabError(code === 'ENOENT' ? 'golden.not-found' : 'golden.io', code === 'ENOENT' ? 'no such file' : `cannot read the file (${code})`, file, { cause: e });
  }
}

/** Encode a tensor as .npy bytes (any dtype decodeNpyTensor reads, except strings), for writers and tests. */
export function encodeNpyTensor(t: Tensor): Uint8Array {
  const descr = Object.entries(DESCR).find(([, v]) => v === t.dtype)?.[0];
  if (!descr || Array.isArray(t.data)) throw new OnnxLabError('npy.dtype', `cannot write ${t.dtype} as .npy`);
  const order = descr.endsWith('1') ? '|' : '<';
  const shapeText = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${order}${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 11, ' ') + '\n';
  const d = t.data;
  const out = new Uint8Array(total + d.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), total);
  return out;
}
