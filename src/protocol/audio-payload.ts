/**
 * Binary payloads of the waveform and spectrogram outputs (layout in docs/formats.md). One container
 * for both: a 16-byte preamble, a small JSON header (metadata and an index of arrays), then the typed
 * arrays, each 8-byte aligned. The kernel encodes, the renderer decodes; no big JSON arrays anywhere.
 */

// Both Node and browsers have these globally; the protocol project sees neither lib, so name what it uses.
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
declare const TextDecoder: { new (): { decode(b: Uint8Array): string } };

export const PAYLOAD_MAGIC = 'OLAB';
export const PAYLOAD_VERSION = 1;
const PREAMBLE = 16;

export type DType = 'f32' | 'i16' | 'u16';
type Typed = Float32Array | Int16Array | Uint16Array;

interface ArrayEntry {
  name: string;
  dtype: DType;
  /** Byte offset from the start of the data section (a multiple of 8). */
  offset: number;
  length: number;
}

/** A time region or a point marker drawn over the views (VAD segments, KWS hits, ASR words). */
export interface Region {
  start: number;
  /** Absent or equal to start: a point marker. */
  end?: number;
  /** Untrusted (model text): drawn as text only. */
  label?: string;
  /** A CSS colour; absent: the theme's accent. */
  color?: string;
}

export interface WaveformHeader {
  kind: 'waveform';
  sampleRate: number;
  /** Samples per channel. */
  frames: number;
  channels: number;
  /** How samples and envelopes are stored: f32 as is, i16 as value · 32768 (lossless for 8/16-bit sources). */
  sampleFormat: 'f32' | 'i16';
  /** Envelope level l holds min/max over blocks of pyramidBase · pyramidFactor^l samples. */
  pyramidBase: number;
  pyramidFactor: number;
  levels: number;
  /** False when the raw samples were left out (zoom stops at the finest envelope level). */
  hasSamples: boolean;
  title?: string;
  regions?: Region[];
}

export type FrequencyScale = 'mel' | 'linear' | 'log';

export interface SpectrogramHeader {
  kind: 'spectrogram';
  /** Number of frequency bins (rows) and frames (columns); values are bin-major [bins, frames]. */
  bins: number;
  frames: number;
  /** Seconds between frames, and the time of frame 0's centre. */
  hopSeconds: number;
  t0: number;
  /** How the rows are spaced; binHz holds each row's centre frequency. */
  scale: FrequencyScale;
  /** Unit of the values ('dB', 'ln', 'log10', 'norm'); shown in the readout and legend. */
  unit: string;
  /** Length of the source audio in seconds (the view's extent); absent: frames · hopSeconds. */
  audioSeconds?: number;
  /** Min and max of the values (NaN-free), for the default colour range. */
  min: number;
  max: number;
  /** How values are stored: f32, or u16 quantised as min + q · (max − min) / 65535. */
  valueFormat: 'f32' | 'u16';
  preset?: string;
  /** When > 1, the array 'overview' holds the max over every `overviewFactor` frames (a power of 4), for instant long views. */
  overviewFactor?: number;
  title?: string;
  regions?: Region[];
}

export type PartHeader = WaveformHeader | SpectrogramHeader;

interface ContainerHeader {
  parts: (PartHeader & { arrays: ArrayEntry[] })[];
}

export interface WaveformPart {
  header: WaveformHeader;
  /** One array per channel, or [] when hasSamples is false. */
  samples: (Float32Array | Int16Array)[];
  /** envelopes[level][channel]: interleaved min, max per block. */
  envelopes: (Float32Array | Int16Array)[][];
}

export interface SpectrogramPart {
  header: SpectrogramHeader;
  values: Float32Array | Uint16Array;
  binHz: Float32Array;
  /** [bins, ceil(frames / overviewFactor)], same storage type as values. */
  overview?: Float32Array | Uint16Array;
}

export interface AudioPayload {
  waveform?: WaveformPart;
  spectrogram?: SpectrogramPart;
}

const BYTES: Record<DType, number> = { f32: 4, i16: 2, u16: 2 };

function align8(n: number): number {
  return (n + 7) & ~7;
}

function dtypeOf(a: Typed): DType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Int16Array) return 'i16';
  return 'u16';
}

/** Packs parts into one buffer. Arrays are copied once into place (little-endian, the platform order everywhere we run). */
export function encodeAudioPayload(payload: AudioPayload): Uint8Array {
  const named: { name: string; array: Typed }[][] = [];
  const parts: PartHeader[] = [];
  if (payload.waveform) {
    const w = payload.waveform;
    parts.push(w.header);
    named.push([
      ...w.samples.map((array, c) => ({ name: `samples/${c}`, array })),
      ...w.envelopes.flatMap((lv, l) => lv.map((array, c) => ({ name: `env/${l}/${c}`, array }))),
    ]);
  }
  if (payload.spectrogram) {
    const s = payload.spectrogram;
    parts.push(s.header);
    named.push([{ name: 'values', array: s.values }, { name: 'binHz', array: s.binHz }, ...(s.overview ? [{ name: 'overview', array: s.overview }] : [])]);
  }
  let offset = 0;
  const header: ContainerHeader = {
    parts: parts.map((p, i) => ({
      ...p,
      arrays: named[i].map(({ name, array }) => {
        const e: ArrayEntry = { name, dtype: dtypeOf(array), offset, length: array.length };
        offset = align8(offset + array.byteLength);
        return e;
      }),
    })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(PREAMBLE + json.length);
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = PAYLOAD_MAGIC.charCodeAt(i);
  view.setUint32(4, PAYLOAD_VERSION, true);
  view.setUint32(8, json.length, true);
  view.setUint32(12, dataStart, true);
  out.set(json, PREAMBLE);
  header.parts.forEach((p, i) =>
    p.arrays.forEach((e, j) => {
      const a = named[i][j].array;
      out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + e.offset);
    }),
  );
  return out;
}

export class PayloadError extends Error {
  override name = 'PayloadError';
}

/**
 * Reads a payload. Arrays are views on `bytes` when it is suitably aligned (no copy for tens of MB),
 * else copied once. Every offset and length is checked against the buffer before use.
 */
export function decodeAudioPayload(bytes: Uint8Array): AudioPayload {
  if (bytes.length < PREAMBLE) throw new PayloadError(`payload too short (${bytes.length} bytes)`);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== PAYLOAD_MAGIC) throw new PayloadError('not an ONNX Lab audio payload (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== PAYLOAD_VERSION) throw new PayloadError(`payload version ${version} is not supported (expected ${PAYLOAD_VERSION})`);
  const jsonLen = view.getUint32(8, true);
  const dataStart = view.getUint32(12, true);
  if (PREAMBLE + jsonLen > bytes.length || dataStart < PREAMBLE + jsonLen || dataStart > bytes.length) throw new PayloadError('payload header is truncated');
  let header: ContainerHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + jsonLen)));
  } catch {
    throw new PayloadError('payload header is not valid JSON');
  }
  if (!header || !Array.isArray(header.parts)) throw new PayloadError('payload header has no parts');
  const aligned = (bytes.byteOffset + dataStart) % 8 === 0;
  const get = (entries: ArrayEntry[], name: string, dtype?: DType): Typed => {
    const e = entries.find((x) => x.name === name);
    if (!e) throw new PayloadError(`payload lacks array ${name}`);
    if (!(e.dtype in BYTES) || (dtype && e.dtype !== dtype)) throw new PayloadError(`array ${name} has dtype ${e.dtype}`);
    const size = BYTES[e.dtype];
    if (!Number.isInteger(e.offset) || !Number.isInteger(e.length) || e.offset < 0 || e.length < 0 || e.offset % 8) throw new PayloadError(`array ${name} has a bad offset or length`);
    const start = dataStart + e.offset, end = start + e.length * size;
    if (end > bytes.length) throw new PayloadError(`array ${name} runs past the end of the payload`);
    const Ctor = e.dtype === 'f32' ? Float32Array : e.dtype === 'i16' ? Int16Array : Uint16Array;
    // An unaligned source (e.g. a view into a message buffer) is copied once per array.
    return aligned
      ? new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset + start, e.length)
      : new Ctor((bytes.buffer as ArrayBuffer).slice(bytes.byteOffset + start, bytes.byteOffset + end));
  };
  const out: AudioPayload = {};
  for (const p of header.parts) {
    const arrays = Array.isArray(p.arrays) ? p.arrays : [];
    if (p.kind === 'waveform') {
      const { arrays: _a, ...h } = p;
      void _a;
      const fmt = h.sampleFormat === 'i16' ? 'i16' : 'f32';
      if (!(h.channels >= 1 && h.levels >= 0 && h.sampleRate > 0 && h.frames >= 0)) throw new PayloadError('waveform header is inconsistent');
      const samples: (Float32Array | Int16Array)[] = [];
      if (h.hasSamples) for (let c = 0; c < h.channels; c++) samples.push(get(arrays, `samples/${c}`, fmt) as Float32Array | Int16Array);
      const envelopes: (Float32Array | Int16Array)[][] = [];
      for (let l = 0; l < h.levels; l++) {
        const lv: (Float32Array | Int16Array)[] = [];
        for (let c = 0; c < h.channels; c++) lv.push(get(arrays, `env/${l}/${c}`, fmt) as Float32Array | Int16Array);
        envelopes.push(lv);
      }
      out.waveform = { header: h as WaveformHeader, samples, envelopes };
    } else if (p.kind === 'spectrogram') {
      const { arrays: _a, ...h } = p;
      void _a;
      const values = get(arrays, 'values', h.valueFormat === 'u16' ? 'u16' : 'f32') as Float32Array | Uint16Array;
      const binHz = get(arrays, 'binHz', 'f32') as Float32Array;
      if (values.length !== h.bins * h.frames || binHz.length !== h.bins) throw new PayloadError('spectrogram arrays do not match bins × frames');
      let overview: Float32Array | Uint16Array | undefined;
      if ((h.overviewFactor ?? 1) > 1) {
        overview = get(arrays, 'overview', h.valueFormat === 'u16' ? 'u16' : 'f32') as Float32Array | Uint16Array;
        if (overview.length !== h.bins * Math.ceil(h.frames / h.overviewFactor!)) throw new PayloadError('spectrogram overview does not match bins × frames / overviewFactor');
      }
      out.spectrogram = { header: h as SpectrogramHeader, values, binHz, ...(overview ? { overview } : {}) };
    }
  }
  return out;
}

/** Pyramid shape used by the kernel: blocks of 16·4^l samples until a level has ≤ 2048 blocks. */
export const PYRAMID_BASE = 16;
export const PYRAMID_FACTOR = 4;

/**
 * Builds a waveform part from float channels: min/max envelopes at every level (each level from the
 * one below, so the whole pyramid costs about one pass over the samples).
 */
export function buildWaveformPart(
  channels: Float32Array[],
  sampleRate: number,
  opts: { sampleFormat?: 'f32' | 'i16'; includeSamples?: boolean; title?: string; regions?: Region[] } = {},
): WaveformPart {
  const fmt = opts.sampleFormat ?? 'f32';
  const frames = channels.length ? channels[0].length : 0;
  const q = (x: Float32Array): Float32Array | Int16Array => {
    if (fmt === 'f32') return x;
    const o = new Int16Array(x.length);
    for (let i = 0; i < x.length; i++) o[i] = Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768)));
    return o;
  };
  const samples = channels.map(q);
  const envelopes: (Float32Array | Int16Array)[][] = [];
  let block = PYRAMID_BASE;
  while (frames > 0) {
    const n = Math.ceil(frames / block);
    const lv = samples.map((s, c) => {
      const Ctor = fmt === 'f32' ? Float32Array : Int16Array;
      const env = new Ctor(2 * n);
      if (envelopes.length === 0) {
        for (let b = 0; b < n; b++) {
          let lo = Infinity, hi = -Infinity;
          const end = Math.min(frames, (b + 1) * block);
          for (let i = b * block; i < end; i++) {
            const v = s[i];
            if (v < lo) lo = v;
            if (v > hi) hi = v;
          }
          env[2 * b] = lo;
          env[2 * b + 1] = hi;
        }
      } else {
        const prev = envelopes[envelopes.length - 1][c];
        const pn = prev.length >> 1;
        for (let b = 0; b < n; b++) {
          let lo = Infinity, hi = -Infinity;
          const end = Math.min(pn, (b + 1) * PYRAMID_FACTOR);
          for (let i = b * PYRAMID_FACTOR; i < end; i++) {
            if (prev[2 * i] < lo) lo = prev[2 * i];
            if (prev[2 * i + 1] > hi) hi = prev[2 * i + 1];
          }
          env[2 * b] = lo;
          env[2 * b + 1] = hi;
        }
      }
      return env;
    });
    envelopes.push(lv);
    if (n <= 2048) break;
    block *= PYRAMID_FACTOR;
  }
  const includeSamples = opts.includeSamples ?? true;
  return {
    header: {
      kind: 'waveform', sampleRate, frames, channels: channels.length, sampleFormat: fmt,
      pyramidBase: PYRAMID_BASE, pyramidFactor: PYRAMID_FACTOR, levels: envelopes.length, hasSamples: includeSamples,
      ...(opts.title ? { title: opts.title } : {}), ...(opts.regions ? { regions: opts.regions } : {}),
    },
    samples: includeSamples ? samples : [],
    envelopes,
  };
}

/** Max over every `factor` frames of a bin-major [bins, frames] array (the spectrogram overview). */
export function maxPoolFrames<T extends Float32Array | Uint16Array>(values: T, bins: number, frames: number, factor: number): T {
  const cols = Math.ceil(frames / factor);
  const out = (values instanceof Uint16Array ? new Uint16Array(bins * cols) : new Float32Array(bins * cols)) as T;
  for (let b = 0; b < bins; b++) {
    const rowEnd = (b + 1) * frames;
    let i = b * frames, o = b * cols;
    for (let c = 0; c < cols; c++, i += factor) {
      const end = i + factor < rowEnd ? i + factor : rowEnd;
      let m = values[i];
      for (let j = i + 1; j < end; j++) if (values[j] > m) m = values[j];
      out[o++] = m;
    }
  }
  return out;
}

/** The float value of stored sample units (i16 → [-1, 1)). */
export function sampleScale(h: WaveformHeader): number {
  return h.sampleFormat === 'i16' ? 1 / 32768 : 1;
}
