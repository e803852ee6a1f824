/**
 * Format dispatch by content (never by extension): WAV/RF64 here, FLAC, Ogg Vorbis and MP3 through
 * the wasm decoders of the wasm-audio-decoders family (MIT; libFLAC, libvorbis, mpg123 compiled to
 * WebAssembly, no AudioContext needed). They are imported lazily so WAV-only users never load them.
 */
import * as fs from 'node:fs';
import { OnnxLabError } from '../errors';
import type { AudioData } from './types';
import { decodeWav, readWavFile } from './wav';

export type ContainerKind = 'wav' | 'flac' | 'ogg-vorbis' | 'ogg-opus' | 'ogg' | 'mp3' | 'unknown';

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < Math.min(b.length, at + n); i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Identifies the container from the first bytes (64 are enough). */
export function sniffContainer(head: Uint8Array): ContainerKind {
  const tag = ascii(head, 0, 4);
  if (tag === 'RIFF' || tag === 'RF64' || tag === 'BW64' || tag === 'RIFX') return 'wav';
  if (tag === 'fLaC') return 'flac';
  if (tag === 'OggS') {
    const first = ascii(head, 28, 8);
    if (first.startsWith('\x01vorbis')) return 'ogg-vorbis';
    if (first.startsWith('OpusHead')) return 'ogg-opus';
    return 'ogg';
  }
  if (ascii(head, 0, 3) === 'ID3') return 'mp3';
  // MPEG audio frame sync: 11 set bits, layer != 0, bitrate index != 15.
  if (head.length >= 4 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0 && (head[2] & 0xf0) !== 0xf0) return 'mp3';
  return 'unknown';
}

interface WasmDecoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

function fromDecoded(r: WasmDecoded, container: string, encoding: string, bits: number, file?: string): AudioData {
  if (!r.samplesDecoded || r.channelData.length === 0) {
    const why = r.errors.length ? `: ${r.errors[0].message}` : '';
    throw new OnnxLabError(`${container}.decode`, `no audio could be decoded from this ${container} file${why}`, file);
  }
  // The decoders may hand back views longer than samplesDecoded.
  const channels = r.channelData.map((c) => (c.length === r.samplesDecoded ? c : c.slice(0, r.samplesDecoded)));
  return {
    channels,
    sampleRate: r.sampleRate,
    format: { container, encoding, bitsPerSample: bits, channels: channels.length, ...(r.errors.length ? { truncated: true } : {}) },
  };
}

async function decodeFlac(bytes: Uint8Array, file?: string): Promise<AudioData> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const d = new FLACDecoder();
  await d.ready;
  try {
    const r = await d.decodeFile(bytes);
    const a = fromDecoded(r, 'flac', 'flac', r.bitDepth ?? 0, file);
    // libFLAC's wasm build scales by 1/(2^(b-1) - 1); soundfile and our WAV reader use 1/2^(b-1).
    // The integer is recoverable exactly up to 24 bits, so re-scale to match them bit for bit.
    const b = r.bitDepth;
    if (b >= 4 && b <= 24) {
      const s = 2 ** (b - 1);
      for (const c of a.channels) for (let i = 0; i < c.length; i++) c[i] = Math.round(c[i] * (s - 1)) / s;
    }
    return a;
  } finally {
    d.free();
  }
}

async function decodeVorbis(bytes: Uint8Array, file?: string): Promise<AudioData> {
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
  const d = new OggVorbisDecoder();
  await d.ready;
  try {
    return fromDecoded(await d.decodeFile(bytes), 'ogg-vorbis', 'vorbis', 0, file);
  } finally {
    d.free();
  }
}

/** Channel mode of the first MPEG audio frame (after any ID3v2 tag) is 3: single channel. */
function mpegIsMono(b: Uint8Array): boolean {
  let p = 0;
  if (b.length >= 10 && b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33) {
    // ID3v2 size is syncsafe: 4 bytes of 7 bits, plus the 10-byte header (and a 10-byte footer if flagged).
    p = 10 + ((b[6] & 0x7f) << 21 | (b[7] & 0x7f) << 14 | (b[8] & 0x7f) << 7 | (b[9] & 0x7f)) + (b[5] & 0x10 ? 10 : 0);
  }
  for (const end = Math.min(b.length - 4, p + 65536); p < end; p++) {
    if (b[p] === 0xff && (b[p + 1] & 0xe0) === 0xe0 && (b[p + 1] & 0x06) !== 0 && (b[p + 2] & 0xf0) !== 0xf0) {
      return (b[p + 3] >> 6) === 3;
    }
  }
  return false;
}

async function decodeMp3(bytes: Uint8Array, file?: string): Promise<AudioData> {
  const { MPEGDecoder } = await import('mpg123-decoder');
  const d = new MPEGDecoder();
  await d.ready;
  try {
    const a = fromDecoded(d.decode(bytes), 'mp3', 'mpeg', 0, file);
    // mpg123 hands back two identical channels for a mono stream; keep the one the file has.
    if (a.channels.length === 2 && mpegIsMono(bytes)) {
      a.channels = [a.channels[0]];
      a.format.channels = 1;
    }
    return a;
  } finally {
    d.free();
  }
}

/** Decodes WAV, FLAC, Ogg Vorbis or MP3 bytes. */
export async function decodeAudio(bytes: Uint8Array, file?: string): Promise<AudioData> {
  if (bytes.length === 0) throw new OnnxLabError('audio.empty', 'the file is empty (0 bytes)', file);
  const kind = sniffContainer(bytes.subarray(0, 64));
  try {
    switch (kind) {
      case 'wav': return decodeWav(bytes, file);
      case 'flac': return await decodeFlac(bytes, file);
      case 'ogg-vorbis': return await decodeVorbis(bytes, file);
      case 'mp3': return await decodeMp3(bytes, file);
      case 'ogg-opus': throw new OnnxLabError('audio.unsupported', 'Ogg Opus is not supported (supported: WAV, FLAC, Ogg Vorbis, MP3)', file);
      case 'ogg': throw new OnnxLabError('audio.unsupported', 'an Ogg stream with a codec other than Vorbis', file);
      default:
        // Named .wav: let the WAV reader say what the first bytes are instead.
        if (file && /\.wave?$/i.test(file)) return decodeWav(bytes, file);
        throw new OnnxLabError('audio.unknown-format', 'not a WAV, FLAC, Ogg Vorbis or MP3 file (unrecognised first bytes)', file);
    }
  } catch (e) {
    if (e instanceof OnnxLabError) throw e;
    // The wasm decoders throw plain errors (or strings) on corrupt streams.
    throw new OnnxLabError(`${kind}.decode`, `the ${kind} stream is corrupt: ${e instanceof Error ? e.message : String(e)}`, file, { cause: e });
  }
}

/** Reads and decodes an audio file; WAV is read in pieces without loading the file whole. */
export async function readAudioFile(path: string): Promise<AudioData> {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw new OnnxLabError('audio.open', `cannot open: ${(e as Error).message}`, path, { cause: e });
  }
  let head: Uint8Array;
  try {
    head = new Uint8Array(64);
    const n = fs.readSync(fd, head, 0, 64, 0);
    head = head.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
  if (head.length === 0) throw new OnnxLabError('audio.empty', 'the file is empty (0 bytes)', path);
  const kind = sniffContainer(head);
  if (kind === 'wav' || (kind === 'unknown' && /\.wave?$/i.test(path))) return readWavFile(path);
  return decodeAudio(new Uint8Array(fs.readFileSync(path)), path);
}
