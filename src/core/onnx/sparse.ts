/**
 * Reads a large model file except the payloads of its graph initializers: the bytes of raw_data /
 * float_data / ... are left as zeros in a buffer of the file's size, never read from disk. A summary
 * of a 2 GB model then reads a few MB. Only for the summary path: the weights in the result are not
 * the model's.
 */
import * as fs from 'node:fs';
import { GraphProtoSchema, ModelProtoSchema, TensorProtoSchema } from 'onnx-buf';

const fieldNo = (desc: { fields: readonly { localName: string; number: number }[] }, name: string): number => {
  const f = desc.fields.find((x) => x.localName === name);
  if (!f) throw new Error(`onnx-buf has no field ${name}`);
  return f.number;
};

const MODEL_GRAPH = fieldNo(ModelProtoSchema, 'graph');
const GRAPH_INITIALIZER = fieldNo(GraphProtoSchema, 'initializer');
const PAYLOADS = new Set(['rawData', 'floatData', 'int32Data', 'stringData', 'int64Data', 'doubleData', 'uint64Data'].map((n) => fieldNo(TensorProtoSchema, n)));

/** Payloads smaller than this are read anyway (a seek costs more than reading them). */
const MIN_HOLE = 64 * 1024;
const CHUNK = 64 * 1024;

class Unparseable extends Error {}

/** Reads forward through the file into `buf` at the same offsets, leaving skipped ranges unread. */
class ForwardReader {
  readonly buf: Buffer;
  private filled = 0;
  bytesRead = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {
    this.buf = Buffer.alloc(size);
  }

  /** Make bytes [pos, pos + n) (clipped to the file) available in buf. */
  ensure(pos: number, n: number): void {
    const want = Math.min(this.size, pos + n);
    if (want <= this.filled) return;
    let from = Math.max(this.filled, pos);
    const to = Math.min(this.size, Math.max(want, from + CHUNK));
    while (from < to) {
      const got = fs.readSync(this.fd, this.buf, from, to - from, from);
      if (got <= 0) throw new Unparseable('short read');
      from += got;
      this.bytesRead += got;
    }
    this.filled = to;
  }

  varint(pos: number, end: number): [number, number] {
    this.ensure(pos, 10);
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 10 && pos < end; i++) {
      const b = this.buf[pos++];
      value += (b & 0x7f) * mul;
      if (b < 0x80) return [value, pos];
      mul *= 128;
    }
    throw new Unparseable('bad varint');
  }

  /** Walk the fields of [start, end); `inner(fieldNo, s, e)` decides about length-delimited ones (returns true when handled). */
  fields(start: number, end: number, inner: (no: number, s: number, e: number) => boolean): void {
    let pos = start;
    while (pos < end) {
      const [tag, p] = this.varint(pos, end);
      const no = Math.floor(tag / 8);
      const wire = tag & 7;
      if (wire === 0) pos = this.varint(p, end)[1];
      else if (wire === 1 || wire === 5) {
        pos = p + (wire === 1 ? 8 : 4);
        this.ensure(p, pos - p);
      }
      else if (wire === 2) {
        const [len, s] = this.varint(p, end);
        const e = s + len;
        if (e > end) throw new Unparseable('field past its message');
        if (!inner(no, s, e)) this.ensure(s, len);
        pos = e;
      } else throw new Unparseable('unsupported wire type');
      if (pos > end) throw new Unparseable('field past its message');
    }
  }
}

/**
 * The file's bytes with graph-initializer payloads left unread (zeros), plus how many bytes were
 * actually read. Falls back to reading everything when the layout is not what it expects, so the
 * decoder can report the problem.
 */
export function readSkippingTensorPayloads(path: string, size: number): { bytes: Buffer; bytesRead: number } {
  const fd = fs.openSync(path, 'r');
  try {
    const r = new ForwardReader(fd, size);
    try {
      r.fields(0, size, (no, s, e) => {
        if (no !== MODEL_GRAPH) return false;
        r.fields(s, e, (gno, gs, ge) => {
          if (gno !== GRAPH_INITIALIZER || ge - gs < MIN_HOLE) return false;
          r.fields(gs, ge, (tno, ts, te) => PAYLOADS.has(tno) && te - ts >= MIN_HOLE);
          return true;
        });
        return true;
      });
      return { bytes: r.buf, bytesRead: r.bytesRead };
    } catch (e) {
      if (!(e instanceof Unparseable)) throw e;
    }
    const all = fs.readFileSync(fd);
    return { bytes: all, bytesRead: all.length };
  } finally {
    fs.closeSync(fd);
  }
}
