/**
 * WAV (RIFF/RF64/BW64) reading and writing.
 *
 * Policy on sizes: header fields are never trusted for allocation. A data chunk that declares more
 * bytes than the file holds is read up to the end of the file (whole frames only) and the result is
 * flagged `format.truncated = true` — recorders that die mid-write leave exactly such files, and the
 * samples present are still good. A data size of 0xFFFFFFFF in plain RIFF (written by tools that
 * stream to a pipe) means "to the end of the file".
 */
import * as fs from 'node:fs';
import { OnnxLabError } from '../errors';
import type { AudioData, SourceFormat } from './types';

/** Random access to bytes, from memory or from an open file. */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes at `position` (fewer at the end of the source). */
  read(position: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (position, length) => bytes.subarray(position, Math.min(bytes.length, position + length)),
  };
}

/** A ByteSource over a file descriptor; reads go through one reusable buffer per call size. */
export function fileSource(fd: number): ByteSource {
  const size = fs.fstatSync(fd).size;
  return {
    size,
    read(position, length) {
      const n = Math.max(0, Math.min(length, size - position));
      const buf = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const r = fs.readSync(fd, buf, got, n - got, position + got);
        if (r === 0) break;
        got += r;
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, got);
    },
  };
}

type Encoding = 'pcm-u8' | 'pcm-s16' | 'pcm-s24' | 'pcm-s32' | 'float32' | 'float64' | 'mulaw' | 'alaw';

/** Where the samples are and how to turn them into floats. */
export interface WavLayout {
  format: SourceFormat & { encoding: Encoding };
  sampleRate: number;
  /** Whole frames available in the file. */
  frames: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes per frame (all channels). */
  blockAlign: number;
  /** Bytes per sample of one channel. */
  containerBytes: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_ADPCM = 2;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_IMA_ADPCM = 0x11;
const WAVE_FORMAT_MPEGLAYER3 = 0x55;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
// The 14 bytes after the format code in a KSDATAFORMAT_SUBTYPE_* GUID.
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
// A file with more chunks than this before its data is not a WAV anyone wrote; stop instead of crawling.
const MAX_CHUNKS = 10000;

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

function printable(b: Uint8Array): string {
  let s = '';
  for (const c of b.subarray(0, 8)) s += c >= 32 && c < 127 ? String.fromCharCode(c) : '.';
  return s;
}

function codecName(tag: number): string {
  switch (tag) {
    case WAVE_FORMAT_ADPCM: return 'Microsoft ADPCM';
    case WAVE_FORMAT_IMA_ADPCM: return 'IMA ADPCM';
    case WAVE_FORMAT_MPEGLAYER3: return 'MPEG layer 3';
    case 0x50: return 'MPEG';
    case 0x31: return 'GSM 6.10';
    case 0x2000: return 'AC-3';
    default: return `format tag 0x${tag.toString(16).padStart(4, '0')}`;
  }
}

/** Reads the chunk headers of a WAV source (no sample data) and checks that it can be decoded. */
export function parseWavLayout(src: ByteSource, file?: string): WavLayout {
  if (src.size === 0) throw new OnnxLabError('wav.empty', 'the file is empty (0 bytes)', file);
  const head = src.read(0, 12);
  const riff = head.length >= 4 ? fourcc(head, 0) : '';
  if (riff !== 'RIFF' && riff !== 'RF64' && riff !== 'BW64') {
    if (riff === 'RIFX') throw new OnnxLabError('wav.unsupported', 'big-endian WAV (RIFX) is not supported', file);
    throw new OnnxLabError('wav.not-wav', `not a WAV file (it starts with "${printable(head)}", not "RIFF")`, file);
  }
  if (head.length < 12) throw new OnnxLabError('wav.truncated', `the header is truncated (${src.size} bytes)`, file);
  if (fourcc(head, 8) !== 'WAVE') {
    throw new OnnxLabError('wav.not-wav', `a RIFF file of type "${printable(head.subarray(8, 12))}", not WAVE`, file);
  }
  const isRf64 = riff !== 'RIFF';
  let ds64DataSize = -1;
  let fmt: Uint8Array | undefined;
  let dataOffset = -1;
  let dataDeclared = -1;
  let pos = 12;
  for (let n = 0; pos + 8 <= src.size; n++) {
    if (n > MAX_CHUNKS) throw new OnnxLabError('wav.bad-chunks', `more than ${MAX_CHUNKS} chunks before the audio data`, file);
    const ch = src.read(pos, 8);
    const id = fourcc(ch, 0);
    const size = new DataView(ch.buffer, ch.byteOffset, 8).getUint32(4, true);
    const body = pos + 8;
    if (id === 'ds64' && isRf64) {
      const d = src.read(body, 28);
      if (d.length < 24) throw new OnnxLabError('wav.truncated', 'the RF64 ds64 chunk is truncated', file);
      const dv = new DataView(d.buffer, d.byteOffset, d.length);
      ds64DataSize = Number(dv.getBigUint64(8, true));
    } else if (id === 'fmt ') {
      if (size < 16) throw new OnnxLabError('wav.bad-format', `the fmt chunk is ${size} bytes, shorter than 16`, file);
      fmt = src.read(body, Math.min(size, 40)).slice();
      if (fmt.length < 16) throw new OnnxLabError('wav.truncated', 'the fmt chunk is truncated', file);
    } else if (id === 'data') {
      dataOffset = body;
      dataDeclared = size === 0xffffffff && isRf64 && ds64DataSize >= 0 ? ds64DataSize : size;
      if (size === 0xffffffff && !isRf64) dataDeclared = Infinity;
      if (fmt) break;
    }
    if (id === 'data' && dataDeclared > src.size) break; // nothing can follow a data chunk that runs to the end
    // Chunks are padded to an even length; the pad byte is not counted in `size`.
    pos = id === 'data' ? body + dataDeclared + (dataDeclared % 2) : body + size + (size & 1);
    if (!Number.isFinite(pos)) break;
  }
  if (!fmt) {
    if (dataOffset < 0 && src.size < 44) throw new OnnxLabError('wav.truncated', `the header is truncated (${src.size} bytes, no fmt chunk)`, file);
    throw new OnnxLabError('wav.no-fmt', 'no fmt chunk: the sample format is unknown', file);
  }
  if (dataOffset < 0) throw new OnnxLabError('wav.no-data', 'no data chunk: the file holds no audio', file);

  const dv = new DataView(fmt.buffer, fmt.byteOffset, fmt.length);
  let tag = dv.getUint16(0, true);
  const channels = dv.getUint16(2, true);
  const sampleRate = dv.getUint32(4, true);
  const blockAlignField = dv.getUint16(12, true);
  const containerBits = dv.getUint16(14, true);
  let validBits = containerBits;
  let channelMask: number | undefined;
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (fmt.length < 40) throw new OnnxLabError('wav.bad-format', 'WAVE_FORMAT_EXTENSIBLE with a fmt chunk shorter than 40 bytes', file);
    validBits = dv.getUint16(18, true) || containerBits;
    channelMask = dv.getUint32(20, true);
    tag = dv.getUint16(24, true);
    for (let i = 0; i < 14; i++) {
      if (fmt[26 + i] !== GUID_TAIL[i]) throw new OnnxLabError('wav.unsupported', 'WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID', file);
    }
  }
  if (tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_IEEE_FLOAT && tag !== WAVE_FORMAT_MULAW && tag !== WAVE_FORMAT_ALAW) {
    throw new OnnxLabError('wav.unsupported', `unsupported WAV codec: ${codecName(tag)} (supported: PCM 8/16/24/32-bit, float 32/64, mu-law, A-law)`, file);
  }
  if (channels === 0) throw new OnnxLabError('wav.bad-format', 'the header says 0 channels', file);
  if (sampleRate === 0) throw new OnnxLabError('wav.bad-format', 'the header says a sample rate of 0 Hz', file);
  if (containerBits === 0) throw new OnnxLabError('wav.bad-format', 'the header says 0 bits per sample', file);
  if (validBits > containerBits) validBits = containerBits;

  let containerBytes = Math.ceil(containerBits / 8);
  // Some writers put odd bit depths (12, 20) in the bits field and the real container in blockAlign.
  if (blockAlignField % channels === 0 && blockAlignField / channels > containerBytes && blockAlignField / channels <= 8) {
    containerBytes = blockAlignField / channels;
  }
  let encoding: Encoding;
  if (tag === WAVE_FORMAT_PCM) {
    const byBytes: Record<number, Encoding> = { 1: 'pcm-u8', 2: 'pcm-s16', 3: 'pcm-s24', 4: 'pcm-s32' };
    const e = byBytes[containerBytes];
    if (!e) throw new OnnxLabError('wav.unsupported', `${containerBits}-bit PCM in ${containerBytes}-byte samples is not supported`, file);
    encoding = e;
  } else if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (containerBytes !== 4 && containerBytes !== 8) throw new OnnxLabError('wav.unsupported', `${containerBits}-bit float samples are not supported`, file);
    encoding = containerBytes === 4 ? 'float32' : 'float64';
  } else if (tag === WAVE_FORMAT_MULAW || tag === WAVE_FORMAT_ALAW) {
    if (containerBytes !== 1) throw new OnnxLabError('wav.bad-format', `G.711 with ${containerBits} bits per sample`, file);
    encoding = tag === WAVE_FORMAT_MULAW ? 'mulaw' : 'alaw';
    validBits = 8;
  } else {
    // Unreachable: unsupported tags were refused above; kept so `encoding` is always assigned.
    throw new OnnxLabError('wav.unsupported', `unsupported WAV codec: ${codecName(tag)}`, file);
  }
  const blockAlign = containerBytes * channels;
  const available = src.size - dataOffset;
  let dataBytes = dataDeclared;
  let truncated = false;
  if (dataBytes > available) {
    truncated = dataDeclared !== Infinity;
    dataBytes = available;
  }
  const frames = Math.floor(dataBytes / blockAlign);
  return {
    format: {
      container: isRf64 ? 'rf64' : 'wav',
      encoding,
      bitsPerSample: validBits,
      channels,
      ...(channelMask !== undefined ? { channelMask } : {}),
      ...(truncated ? { truncated } : {}),
    },
    sampleRate,
    frames,
    dataOffset,
    blockAlign,
    containerBytes,
  };
}

let MULAW: Float32Array | undefined;
let ALAW: Float32Array | undefined;
function g711Tables(): [Float32Array, Float32Array] {
  if (!MULAW || !ALAW) {
    MULAW = new Float32Array(256);
    ALAW = new Float32Array(256);
    for (let b = 0; b < 256; b++) {
      const u = ~b & 0xff;
      const exp = (u >> 4) & 7;
      const mag = (((u & 0x0f) << 3) + 0x84 << exp) - 0x84;
      MULAW[b] = (u & 0x80 ? -mag : mag) / 32768 + 0; // + 0 turns -0 into 0
      const a = b ^ 0x55;
      const aexp = (a >> 4) & 7;
      const amag = aexp === 0 ? ((a & 0x0f) << 4) + 8 : (((a & 0x0f) << 4) + 0x108) << (aexp - 1);
      ALAW[b] = (a & 0x80 ? amag : -amag) / 32768;
    }
  }
  return [MULAW, ALAW];
}

/** Converts `frames` interleaved frames in `bytes` into `out[c][offset ...]`. */
function deinterleave(layout: WavLayout, bytes: Uint8Array, frames: number, out: Float32Array[], offset: number): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nc = layout.format.channels;
  const cb = layout.containerBytes;
  const stride = layout.blockAlign;
  for (let c = 0; c < nc; c++) {
    const o = out[c];
    let p = c * cb;
    switch (layout.format.encoding) {
      case 'pcm-u8':
        for (let i = 0; i < frames; i++, p += stride) o[offset + i] = (bytes[p] - 128) / 128;
        break;
      case 'pcm-s16':
        for (let i = 0; i < frames; i++, p += stride) o[offset + i] = dv.getInt16(p, true) / 32768;
        break;
      case 'pcm-s24':
        for (let i = 0; i < frames; i++, p += stride) {
          o[offset + i] = ((bytes[p + 2] << 24) >> 8 | bytes[p + 1] << 8 | bytes[p]) / 8388608;
        }
        break;
      case 'pcm-s32':
        for (let i = 0; i < frames; i++, p += stride) o[offset + i] = dv.getInt32(p, true) / 2147483648;
        break;
      case 'float32':
        for (let i = 0; i < frames; i++, p += stride) o[offset + i] = dv.getFloat32(p, true);
        break;
      case 'float64':
        for (let i = 0; i < frames; i++, p += stride) o[offset + i] = dv.getFloat64(p, true);
        break;
      case 'mulaw':
      case 'alaw': {
        const t = g711Tables()[layout.format.encoding === 'mulaw' ? 0 : 1];
        for (let i = 0; i < frames; i++, p += stride) o[offset + i] = t[bytes[p]];
        break;
      }
    }
  }
}

// Typed arrays past this many elements are refused by V8 on some builds; say so instead of crashing.
const MAX_FRAMES_IN_MEMORY = 2 ** 31 - 1;
const CHUNK_BYTES = 1 << 20;

/** Sequential/random access to the frames of a WAV without holding the file in memory. */
export class WavReader {
  readonly layout: WavLayout;
  private position = 0;

  constructor(private readonly src: ByteSource, readonly file?: string, private readonly onClose?: () => void) {
    this.layout = parseWavLayout(src, file);
  }

  get sampleRate(): number { return this.layout.sampleRate; }
  get frames(): number { return this.layout.frames; }
  get format(): SourceFormat { return this.layout.format; }

  /** Reads up to `count` frames from `start` (default: where the last read ended). */
  read(count: number, start = this.position): Float32Array[] {
    const n = Math.max(0, Math.min(count, this.layout.frames - start));
    const out = Array.from({ length: this.layout.format.channels }, () => new Float32Array(n));
    this.readInto(out, 0, start, n);
    this.position = start + n;
    return out;
  }

  /** Fills `out[c][offset .. offset+count)` with frames from `start`. */
  readInto(out: Float32Array[], offset: number, start: number, count: number): void {
    const { blockAlign, dataOffset } = this.layout;
    const perRead = Math.max(1, Math.floor(CHUNK_BYTES / blockAlign));
    for (let done = 0; done < count;) {
      const k = Math.min(perRead, count - done);
      const bytes = this.src.read(dataOffset + (start + done) * blockAlign, k * blockAlign);
      const got = Math.floor(bytes.length / blockAlign);
      if (got === 0) break;
      deinterleave(this.layout, bytes, got, out, offset + done);
      done += got;
    }
  }

  /** All frames. */
  readAll(): AudioData {
    if (this.layout.frames > MAX_FRAMES_IN_MEMORY) {
      throw new OnnxLabError('wav.too-large', `${this.layout.frames} frames per channel do not fit in memory at once; read it in pieces with openWav()`, this.file);
    }
    return { channels: this.read(this.layout.frames, 0), sampleRate: this.layout.sampleRate, format: this.layout.format };
  }

  close(): void { this.onClose?.(); }
}

/** Opens a WAV file for chunked reading; close() the reader when done. */
export function openWav(path: string): WavReader {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw new OnnxLabError('audio.open', `cannot open: ${(e as Error).message}`, path, { cause: e });
  }
  try {
    return new WavReader(fileSource(fd), path, () => fs.closeSync(fd));
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** Decodes a WAV held in memory. */
export function decodeWav(bytes: Uint8Array, file?: string): AudioData {
  return new WavReader(bytesSource(bytes), file).readAll();
}

/** Reads a WAV file in 1 MiB pieces: peak memory is the decoded output plus one piece. */
export function readWavFile(path: string): AudioData {
  const r = openWav(path);
  try {
    return r.readAll();
  } finally {
    r.close();
  }
}

export type WavWriteEncoding = 'pcm-s16' | 'float32';

/**
 * Encodes channels as a WAV. pcm-s16 scales by 32768 and clips to [-32768, 32767], so 16-bit
 * input read by decodeWav round-trips exactly.
 */
export function encodeWav(channels: ArrayLike<number>[], sampleRate: number, encoding: WavWriteEncoding = 'pcm-s16'): Uint8Array {
  const nc = channels.length;
  if (nc === 0) throw new OnnxLabError('wav.bad-format', 'cannot write a WAV with 0 channels');
  if (!(sampleRate > 0) || !Number.isInteger(sampleRate)) throw new OnnxLabError('wav.bad-format', `cannot write a WAV at ${sampleRate} Hz`);
  const frames = channels[0].length;
  const bytesPer = encoding === 'pcm-s16' ? 2 : 4;
  const isFloat = encoding === 'float32';
  const fmtSize = isFloat ? 18 : 16;
  const factSize = isFloat ? 12 : 0;
  const dataBytes = frames * nc * bytesPer;
  const headerBytes = 12 + 8 + fmtSize + factSize + 8;
  if (headerBytes + dataBytes - 8 > 0xffffffff) throw new OnnxLabError('wav.too-large', 'more than 4 GiB of samples does not fit a RIFF WAV');
  const out = new Uint8Array(headerBytes + dataBytes + (dataBytes & 1));
  const dv = new DataView(out.buffer);
  const ascii = (at: number, s: string) => { for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i); };
  ascii(0, 'RIFF');
  dv.setUint32(4, out.length - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  dv.setUint32(16, fmtSize, true);
  dv.setUint16(20, isFloat ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM, true);
  dv.setUint16(22, nc, true);
  dv.setUint32(24, sampleRate, true);
  dv.setUint32(28, sampleRate * nc * bytesPer, true);
  dv.setUint16(32, nc * bytesPer, true);
  dv.setUint16(34, bytesPer * 8, true);
  let p = 36;
  if (isFloat) {
    dv.setUint16(36, 0, true); // cbSize
    ascii(38, 'fact');
    dv.setUint32(42, 4, true);
    dv.setUint32(46, frames, true);
    p = 50;
  }
  ascii(p, 'data');
  dv.setUint32(p + 4, dataBytes, true);
  p += 8;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nc; c++, p += bytesPer) {
      const x = channels[c][i];
      if (isFloat) dv.setFloat32(p, x, true);
      else {
        const v = Math.round(x * 32768);
        dv.setInt16(p, v > 32767 ? 32767 : v < -32768 ? -32768 : (v || 0), true);
      }
    }
  }
  return out;
}

/** Writes a WAV file (see encodeWav). */
export function writeWavFile(path: string, channels: ArrayLike<number>[], sampleRate: number, encoding: WavWriteEncoding = 'pcm-s16'): void {
  fs.writeFileSync(path, encodeWav(channels, sampleRate, encoding));
}
