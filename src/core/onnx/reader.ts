/**
 * Decode ONNX ModelProto files with onnx-buf (the ONNX 1.20 schema) and turn every way a file can be
 * wrong into one OnnxLabError with a one-line message.
 */
import * as fs from 'node:fs';
import { clone, createFileRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { file_onnx, ModelProtoSchema, type ModelProto } from 'onnx-buf';
import { OnnxLabError, isOnnxLabError } from '../errors';

export interface ReadModelOptions {
  /** File name used in error messages. */
  file?: string;
  /**
   * Decode TensorProto's repeated payload fields (float_data, int32_data, string_data, int64_data,
   * double_data, uint64_data). Off by default: a summary or graph never needs them, and decoding
   * them is what makes large models slow. raw_data is always kept, as a view of `bytes` (no copy).
   * When off, those fields are absent (undefined) on every TensorProto of the result, so such a
   * model must not be re-encoded with toBinary: read with keepTensorData to edit and write models.
   */
  keepTensorData?: boolean;
}

/** TensorProto field numbers whose values are the tensor payload as repeated scalars. */
const TENSOR_PAYLOAD_FIELDS = new Set([4, 5, 6, 7, 10, 11]);

let liteModelSchema: DescMessage | undefined;

/**
 * ModelProto from a copy of onnx-buf's own descriptor with TensorProto's repeated payload fields
 * removed, so the decoder skips over them (a bounds-checked jump) instead of building arrays.
 */
function modelSchemaWithoutPayloads(): DescMessage {
  if (!liteModelSchema) {
    const proto = clone(FileDescriptorProtoSchema, file_onnx.proto);
    const tensor = proto.messageType.find((m) => m.name === 'TensorProto');
    if (!tensor) throw new Error('onnx-buf schema has no TensorProto');
    tensor.field = tensor.field.filter((f) => !TENSOR_PAYLOAD_FIELDS.has(f.number ?? 0));
    const registry = createFileRegistry(proto, () => undefined);
    const model = registry.getMessage('onnx.ModelProto');
    if (!model) throw new Error('onnx-buf schema has no ModelProto');
    liteModelSchema = model;
  }
  return liteModelSchema;
}

/** Wire type each ModelProto field must have at the top level (0 varint, 2 length-delimited). */
const MODEL_FIELD_WIRE = new Map<number, number>(
  ModelProtoSchema.fields.map((f) => [f.number, f.fieldKind === 'scalar' && f.scalar !== 9 /* string */ ? 0 : 2]),
);
const GRAPH_FIELD = 7;

/** Printable preview of the first bytes, for "starts with bytes '...'". */
function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 4);
  const printable = Array.from(head).every((b) => b >= 0x20 && b < 0x7f);
  if (printable) return `'${String.fromCharCode(...head)}'`;
  return Array.from(head, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Known non-ONNX formats users open by mistake, by magic bytes. */
function sniffOtherFormat(bytes: Uint8Array): string | undefined {
  const ascii = (n: number) => String.fromCharCode(...bytes.subarray(0, n));
  if (ascii(4) === 'RIFF') return 'a RIFF (WAV/AVI) file';
  if (ascii(4) === 'PK\x03\x04') return 'a zip archive (PyTorch .pt/.pth, .npz, or a zipped model?)';
  if (bytes[0] === 0x80 && bytes[1] !== undefined && bytes[1] <= 5) return 'a Python pickle (PyTorch checkpoint?)';
  if (ascii(6) === '\x93NUMPY') return 'a NumPy .npy array';
  if (ascii(4) === 'fLaC') return 'a FLAC audio file';
  if (ascii(4) === 'OggS') return 'an Ogg file';
  if (ascii(3) === 'ID3') return 'an MP3 file';
  if (ascii(4) === 'GGUF') return 'a GGUF model';
  if (ascii(8) === '\x89HDF\r\n\x1a\n') return 'an HDF5 (Keras .h5) file';
  if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === 'TFL3') return 'a TensorFlow Lite model';
  if (ascii(4) === 'ORTM' || (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === 'ORTM')) return 'an ONNX Runtime .ort model (flatbuffer)';
  const first = bytes[0];
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) return 'a JSON or text file';
  if (first === 0x3c /* < */) return 'an HTML/XML file (a download error page?)';
  if (ascii(7) === 'version') return 'a Git LFS pointer (run `git lfs pull`)';
  return undefined;
}

function notProtobuf(bytes: Uint8Array, file?: string): OnnxLabError {
  const other = sniffOtherFormat(bytes);
  const what = other ? `, it looks like ${other}` : '';
  return new OnnxLabError(
    'onnx.not-protobuf',
    `not an ONNX model: the file is not a protobuf ModelProto (starts with bytes ${describeStart(bytes)}${what})`,
    file,
  );
}

/** Varint at `pos`; returns [value, next] or undefined when it runs off the end or is over-long. */
function varint(bytes: Uint8Array, pos: number): [number, number] | undefined {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= bytes.length) return undefined;
    const b = bytes[pos++];
    value += (b & 0x7f) * mul;
    if (b < 0x80) return [value, pos];
    mul *= 128;
  }
  return undefined;
}

/**
 * Walk ModelProto's top-level fields without decoding them, to tell apart a file that is not
 * protobuf, a truncated one, and protobuf that is not a model, before the decoder's generic errors.
 */
export function checkTopLevel(bytes: Uint8Array, file?: string): void {
  let pos = 0;
  let fields = 0;
  let sawGraph = false;
  while (pos < bytes.length) {
    const tag = varint(bytes, pos);
    if (!tag) {
      if (fields === 0) throw notProtobuf(bytes, file);
      throw new OnnxLabError('onnx.truncated', `truncated ONNX file: it ends inside a field header at byte ${pos} of ${bytes.length}`, file);
    }
    const fieldNo = Math.floor(tag[0] / 8);
    const wire = tag[0] & 7;
    const expected = MODEL_FIELD_WIRE.get(fieldNo);
    if (expected === undefined || expected !== wire) {
      if (fields === 0) throw notProtobuf(bytes, file);
      if (!sawGraph) {
        throw new OnnxLabError(
          'onnx.not-model',
          `not an ONNX model: the data does not follow the ModelProto layout (field ${fieldNo} with wire type ${wire} at byte ${pos}; a TensorProto .pb or another protobuf file?)`,
          file,
        );
      }
      throw new OnnxLabError(
        'onnx.corrupt',
        `corrupt ONNX file: unexpected data at byte ${pos} of ${bytes.length} (field ${fieldNo}, wire type ${wire} is not part of a ModelProto)`,
        file,
      );
    }
    pos = tag[1];
    if (wire === 0) {
      const v = varint(bytes, pos);
      if (!v) throw new OnnxLabError('onnx.truncated', `truncated ONNX file: it ends inside a number at byte ${pos} of ${bytes.length}`, file);
      pos = v[1];
    } else {
      const len = varint(bytes, pos);
      if (!len) throw new OnnxLabError('onnx.truncated', `truncated ONNX file: it ends inside a length at byte ${pos} of ${bytes.length}`, file);
      const end = len[1] + len[0];
      if (end > bytes.length) {
        if (fields === 0 && fieldNo !== GRAPH_FIELD && len[0] > 16 * bytes.length) throw notProtobuf(bytes, file);
        const missing = end - bytes.length;
        throw new OnnxLabError(
          'onnx.truncated',
          `truncated ONNX file: ${fieldNo === GRAPH_FIELD ? 'the graph' : `field ${fieldNo}`} needs ${end} bytes but the file has ${bytes.length} (${missing} missing; an interrupted download or copy?)`,
          file,
        );
      }
      pos = end;
    }
    if (fieldNo === GRAPH_FIELD) sawGraph = true;
    fields++;
  }
  if (!sawGraph) {
    throw new OnnxLabError('onnx.no-graph', 'not an ONNX model: the file is valid protobuf but has no graph (is it a TensorProto .pb or another protobuf file?)', file);
  }
}

/** Decode a ModelProto from bytes. Throws OnnxLabError (onnx.empty, onnx.not-protobuf, onnx.truncated, onnx.corrupt, onnx.no-graph, onnx.not-model). */
export function readModel(bytes: Uint8Array, opts: ReadModelOptions = {}): ModelProto {
  const file = opts.file;
  if (bytes.length === 0) throw new OnnxLabError('onnx.empty', 'empty file (0 bytes): not an ONNX model', file);
  checkTopLevel(bytes, file);
  let model: ModelProto;
  try {
    const schema = opts.keepTensorData ? ModelProtoSchema : modelSchemaWithoutPayloads();
    model = fromBinary(schema, bytes, { readUnknownFields: false }) as unknown as ModelProto;
  } catch (e) {
    if (isOnnxLabError(e)) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new OnnxLabError('onnx.corrupt', `corrupt ONNX file: the protobuf data is damaged (${why})`, file, { cause: e });
  }
  validateModel(model, file);
  return model;
}

/** Cheap sanity checks that reject random bytes which happen to decode as a ModelProto. */
export function validateHeader(irVersion: number | bigint, opsets: { domain: string; version: number | bigint }[], hasGraph: boolean, file?: string): void {
  const ir = Number(irVersion);
  if (!(ir > 0 && ir <= 1000)) {
    throw new OnnxLabError('onnx.not-model', `not an ONNX model: ir_version ${irVersion} is not a valid ONNX IR version`, file);
  }
  for (const op of opsets) {
    const v = Number(op.version);
    if (!(v >= 0 && v <= 100000)) {
      throw new OnnxLabError('onnx.not-model', `not an ONNX model: opset import ${op.domain || 'ai.onnx'} version ${op.version} is not valid`, file);
    }
  }
  if (!hasGraph) throw new OnnxLabError('onnx.no-graph', 'not an ONNX model: no graph', file);
}

function validateModel(model: ModelProto, file?: string): void {
  validateHeader(model.irVersion, model.opsetImport, model.graph !== undefined, file);
}

/** Read and decode a model file. Missing files, directories and empty files get their own errors. */
export function readModelFile(path: string, opts: Omit<ReadModelOptions, 'file'> = {}): { model: ModelProto; bytes: Uint8Array } {
  const bytes = readFileChecked(path);
  return { model: readModel(bytes, { ...opts, file: path }), bytes };
}

/** fs.statSync with OnnxLabErrors for the usual mistakes; returns the size of a readable model file. */
export function statModelFile(path: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new OnnxLabError('onnx.not-found', 'no such file', path, { cause: e });
    if (code === 'EACCES' || code === 'EPERM') throw new OnnxLabError('onnx.no-access', 'permission denied', path, { cause: e });
    throw new OnnxLabError('onnx.io', `cannot read the file (${code ?? String(e)})`, path, { cause: e });
  }
  if (st.isDirectory()) throw new OnnxLabError('onnx.is-directory', 'is a directory, not an ONNX model file', path);
  if (!st.isFile()) throw new OnnxLabError('onnx.not-file', 'is not a regular file', path);
  if (st.size === 0) throw new OnnxLabError('onnx.empty', 'empty file (0 bytes): not an ONNX model', path);
  if (st.size > 0x7fffffff) {
    throw new OnnxLabError('onnx.too-large', `the file is ${st.size} bytes; protobuf ModelProto files are limited to 2 GB (large weights belong in external data)`, path);
  }
  return st.size;
}

/** Wrap I/O errors of `read` as OnnxLabErrors. */
export function ioChecked<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (isOnnxLabError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new OnnxLabError('onnx.io', `cannot read the file (${code ?? String(e)})`, path, { cause: e });
  }
}

/** fs.readFileSync with OnnxLabErrors for the usual mistakes. */
export function readFileChecked(path: string): Uint8Array {
  statModelFile(path);
  return ioChecked(path, () => fs.readFileSync(path));
}
