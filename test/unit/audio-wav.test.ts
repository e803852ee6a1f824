import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeWav, encodeWav, openWav, readWavFile, type AudioData } from '../../src/core/audio';
import { isOnnxLabError } from '../../src/core/errors';
import { requirePython, sharedAudio } from './audio-reference';

interface WavSpec {
  tag?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  blockAlign?: number;
  data: Uint8Array;
  /** Declared data size (defaults to the data length). */
  dataSize?: number;
  before?: [string, Uint8Array][];
  after?: [string, Uint8Array][];
  extensible?: { validBits: number; subTag: number; mask?: number };
  rf64?: { dataSize: bigint };
}

function chunk(id: string, body: Uint8Array, declared = body.length): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, declared, true);
  out.set(body, 8);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A WAV built field by field, so tests can state exactly what is odd about it. */
function makeWav(s: WavSpec): Uint8Array {
  const ch = s.channels ?? 1, bits = s.bits ?? 16;
  const fmt = new Uint8Array(s.extensible ? 40 : 16);
  const dv = new DataView(fmt.buffer);
  dv.setUint16(0, s.extensible ? 0xfffe : s.tag ?? 1, true);
  dv.setUint16(2, ch, true);
  dv.setUint32(4, s.rate ?? 16000, true);
  const align = s.blockAlign ?? ch * Math.ceil(bits / 8);
  dv.setUint32(8, (s.rate ?? 16000) * align, true);
  dv.setUint16(12, align, true);
  dv.setUint16(14, bits, true);
  if (s.extensible) {
    dv.setUint16(16, 22, true);
    dv.setUint16(18, s.extensible.validBits, true);
    dv.setUint32(20, s.extensible.mask ?? 0, true);
    dv.setUint16(24, s.extensible.subTag, true);
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  const parts: Uint8Array[] = [];
  if (s.rf64) {
    const ds = new Uint8Array(28);
    const d = new DataView(ds.buffer);
    d.setBigUint64(0, 0n, true);
    d.setBigUint64(8, s.rf64.dataSize, true);
    parts.push(chunk('ds64', ds));
  }
  for (const [id, b] of s.before ?? []) parts.push(chunk(id, b));
  parts.push(chunk('fmt ', fmt));
  const dataChunk = chunk('data', s.data, s.rf64 ? 0xffffffff : s.dataSize ?? s.data.length);
  parts.push(dataChunk);
  for (const [id, b] of s.after ?? []) parts.push(chunk(id, b));
  const body = concat(parts);
  const head = new Uint8Array(12);
  for (let i = 0; i < 4; i++) head[i] = (s.rf64 ? 'RF64' : 'RIFF').charCodeAt(i);
  new DataView(head.buffer).setUint32(4, s.rf64 ? 0xffffffff : 4 + body.length, true);
  for (let i = 0; i < 4; i++) head[8 + i] = 'WAVE'.charCodeAt(i);
  return concat([head, body]);
}

function le(values: number[], bytes: number): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  values.forEach((v, i) => { for (let b = 0; b < bytes; b++) out[i * bytes + b] = (v >> (8 * b)) & 0xff; });
  return out;
}

function expectError(bytes: Uint8Array, code: string, pattern?: RegExp): void {
  assert.throws(() => decodeWav(bytes, 'x.wav'), (e: unknown) => {
    assert.ok(isOnnxLabError(e), `not an OnnxLabError: ${e}`);
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.startsWith('x.wav: '), e.message);
    assert.ok(!e.message.includes('\n'));
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

describe('WAV reading', () => {
  it('decodes 8/16/24/32-bit PCM and 32/64-bit float with the usual scaling', () => {
    assert.deepEqual([...decodeWav(makeWav({ bits: 8, data: new Uint8Array([0, 128, 255]) })).channels[0]], [-1, 0, 127 / 128]);
    assert.deepEqual([...decodeWav(makeWav({ bits: 16, data: le([-32768, 0, 16384, 32767], 2) })).channels[0]], [-1, 0, 0.5, 32767 / 32768]);
    assert.deepEqual([...decodeWav(makeWav({ bits: 24, data: le([-8388608, 4194304, 1], 3) })).channels[0]], [-1, 0.5, 1 / 8388608]);
    assert.deepEqual([...decodeWav(makeWav({ bits: 32, data: le([-2147483648, 1073741824], 4) })).channels[0]], [-1, 0.5]);
    const f32 = new Uint8Array(new Float32Array([0.25, -1.5]).buffer);
    assert.deepEqual([...decodeWav(makeWav({ tag: 3, bits: 32, data: f32 })).channels[0]], [0.25, -1.5]);
    const f64 = new Uint8Array(new Float64Array([0.125, 2]).buffer);
    const a = decodeWav(makeWav({ tag: 3, bits: 64, data: f64 }));
    assert.deepEqual([...a.channels[0]], [0.125, 2]);
    assert.equal(a.format.encoding, 'float64');
  });

  it('deinterleaves any channel count', () => {
    const a = decodeWav(makeWav({ channels: 3, data: le([1, 2, 3, 4, 5, 6], 2) }));
    assert.deepEqual(a.channels.map((c) => [...c].map((v) => v * 32768)), [[1, 4], [2, 5], [3, 6]]);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE (20-bit valid in 24, float) and keeps the channel mask', () => {
    const a = decodeWav(makeWav({ channels: 2, bits: 24, data: le([0x20000 << 4, -16 << 4], 3), extensible: { validBits: 20, subTag: 1, mask: 3 } }));
    assert.equal(a.format.bitsPerSample, 20);
    assert.equal(a.format.channelMask, 3);
    assert.deepEqual([a.channels[0][0], a.channels[1][0]], [0.25, -16 * 16 / 8388608]);
    const f = decodeWav(makeWav({ bits: 32, data: new Uint8Array(new Float32Array([0.5]).buffer), extensible: { validBits: 32, subTag: 3 } }));
    assert.equal(f.channels[0][0], 0.5);
  });

  it('skips LIST/JUNK/fact chunks, honours the pad byte of odd chunks, and an odd data chunk', () => {
    const odd = new Uint8Array([1, 2, 3]); // 3 bytes: one pad byte follows
    const a = decodeWav(makeWav({ bits: 8, data: new Uint8Array([128, 192, 64]), before: [['LIST', odd], ['JUNK', new Uint8Array(7)], ['fact', le([3], 4)]], after: [['id3 ', odd]] }));
    assert.deepEqual([...a.channels[0]], [0, 0.5, -0.5]);
    assert.equal(a.format.truncated, undefined);
  });

  it('decodes G.711 mu-law and A-law', () => {
    const mu = decodeWav(makeWav({ tag: 7, bits: 8, data: new Uint8Array([0x00, 0x80, 0xff, 0x7f]) })).channels[0];
    assert.deepEqual([...mu].map((v) => v * 32768), [-32124, 32124, 0, 0]);
    const al = decodeWav(makeWav({ tag: 6, bits: 8, data: new Uint8Array([0xd5, 0x55, 0xaa, 0x2a]) })).channels[0];
    assert.deepEqual([...al].map((v) => v * 32768), [8, -8, 32256, -32256]);
  });

  it('reads RF64 with the data size from ds64', () => {
    const a = decodeWav(makeWav({ rf64: { dataSize: 4n }, data: le([100, -100], 2) }));
    assert.equal(a.format.container, 'rf64');
    assert.deepEqual([...a.channels[0]].map((v) => v * 32768), [100, -100]);
  });

  it('a data chunk longer than the file: reads the whole frames present and flags truncated', () => {
    const a = decodeWav(makeWav({ channels: 2, data: le([1, 2, 3, 4, 5], 2), dataSize: 1000 }));
    assert.equal(a.format.truncated, true);
    assert.deepEqual(a.channels.map((c) => [...c].map((v) => v * 32768)), [[1, 3], [2, 4]]);
  });

  it('a 10 GB declared size (RIFF 0xFFFFFFF0 and RF64 ds64) allocates only what the file holds', () => {
    const before = process.memoryUsage().arrayBuffers;
    const a = decodeWav(makeWav({ data: le([7, 8], 2), dataSize: 0xfffffff0 }));
    assert.equal(a.channels[0].length, 2);
    assert.equal(a.format.truncated, true);
    const b = decodeWav(makeWav({ rf64: { dataSize: 10n * 2n ** 30n }, data: le([7, 8, 9], 2) }));
    assert.equal(b.channels[0].length, 3);
    assert.equal(b.format.truncated, true);
    assert.ok(process.memoryUsage().arrayBuffers - before < 50e6);
  });

  it('data size 0xFFFFFFFF in plain RIFF (streamed writers) means to the end of the file', () => {
    const a = decodeWav(makeWav({ data: le([1, 2, 3], 2), dataSize: 0xffffffff }));
    assert.equal(a.channels[0].length, 3);
    assert.equal(a.format.truncated, undefined);
  });

  it('bad input: one clear OnnxLabError each, naming the file', () => {
    const good = makeWav({ data: le([1, 2], 2) });
    expectError(new Uint8Array(0), 'wav.empty', /empty/);
    expectError(new TextEncoder().encode('Hello, this is a text file renamed to .wav\n'), 'wav.not-wav', /not a WAV file \(it starts with "Hello, t"/);
    expectError(good.subarray(0, 8), 'wav.truncated', /truncated/);
    expectError(good.subarray(0, 30), 'wav.truncated', /truncated/);
    expectError(makeWav({ channels: 0, data: le([1], 2) }), 'wav.bad-format', /0 channels/);
    expectError(makeWav({ rate: 0, data: le([1], 2) }), 'wav.bad-format', /0 Hz/);
    expectError(makeWav({ tag: 2, bits: 4, data: new Uint8Array(4) }), 'wav.unsupported', /Microsoft ADPCM/);
    expectError(makeWav({ tag: 0x11, bits: 4, data: new Uint8Array(4) }), 'wav.unsupported', /IMA ADPCM/);
    expectError(makeWav({ tag: 3, bits: 16, data: new Uint8Array(4) }), 'wav.unsupported', /float/);
    const noData = good.slice(0, 36);
    new DataView(noData.buffer).setUint32(4, 28, true);
    expectError(noData, 'wav.no-data', /no data chunk/);
    const rifx = good.slice();
    rifx.set([0x52, 0x49, 0x46, 0x58]);
    expectError(rifx, 'wav.unsupported', /RIFX/);
    const avi = good.slice();
    avi.set([0x41, 0x56, 0x49, 0x20], 8);
    expectError(avi, 'wav.not-wav', /AVI/);
  });
});

describe('WAV streaming and writing', () => {
  it('openWav reads in pieces equal to reading at once (and random access)', () => {
    const file = sharedAudio('freesound_typing.wav');
    const all = readWavFile(file);
    const r = openWav(file);
    try {
      const pieces: Float32Array[][] = [];
      for (let got = 0; got < r.frames; got += 100_003) pieces.push(r.read(100_003));
      assert.equal(r.read(10).length && r.read(10)[0].length, 0);
      for (let c = 0; c < 2; c++) {
        const joined = new Float32Array(r.frames);
        let o = 0;
        for (const p of pieces) { joined.set(p[c], o); o += p[c].length; }
        assert.deepEqual(joined, all.channels[c]);
      }
      assert.deepEqual(r.read(5, 1000)[1], all.channels[1].subarray(1000, 1005));
    } finally {
      r.close();
    }
  });

  it('writes 16-bit PCM and float32 that decode back exactly and that soundfile reads', () => {
    const x = new Float32Array(1001).map((_, i) => Math.round(Math.sin(i / 9) * 30000) / 32768);
    const y = new Float32Array(1001).map((_, i) => Math.cos(i / 4) * 0.9);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-lab-wav-'));
    try {
      for (const enc of ['pcm-s16', 'float32'] as const) {
        const bytes = encodeWav([x, y], 22050, enc);
        const a: AudioData = decodeWav(bytes);
        assert.equal(a.sampleRate, 22050);
        assert.deepEqual(a.channels[0], x);
        if (enc === 'float32') assert.deepEqual(a.channels[1], y);
        fs.writeFileSync(path.join(dir, `${enc}.wav`), bytes);
      }
      const out = execFileSync(requirePython(), ['-c', `
import soundfile as sf, numpy as np, sys
for n in ['pcm-s16', 'float32']:
    d, sr = sf.read(sys.argv[1] + '/' + n + '.wav', dtype='float32')
    print(n, sr, d.shape, float(d[5, 0]), float(d[5, 1]))`, dir], { encoding: 'utf8' });
      const lines = out.trim().split('\n');
      assert.equal(lines.length, 2);
      for (const l of lines) {
        const [, sr, shape0, shape1, v0] = /(\d+) \((\d+), (\d+)\) (\S+)/.exec(l)!;
        assert.equal(`${sr} ${shape0} ${shape1}`, '22050 1001 2');
        assert.equal(Number(v0), x[5]);
      }
      // Clipping instead of wrapping.
      const c = decodeWav(encodeWav([Float32Array.of(1.5, -2, 1)], 8000)).channels[0];
      assert.deepEqual([...c], [32767 / 32768, -1, 32767 / 32768]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Small deterministic PRNG (mulberry32) so a failing case can be replayed from its index. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTREME32 = [0, 1, 2, 0xffffffff, 0x7fffffff, 0x80000000, 0xfffffff0, 44, 0x10000];
const EXTREME16 = [0, 1, 2, 3, 6, 7, 8, 0x11, 0xfffe, 0xffff, 24, 32, 64];

function mutate(seed: Uint8Array, r: () => number): Uint8Array {
  let b: Uint8Array = seed.slice();
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const head = Math.min(b.length, 96);
    const op = Math.floor(r() * 6);
    if (op === 0 && head) b[Math.floor(r() * head)] = Math.floor(r() * 256);
    else if (op === 1 && head >= 4) {
      const at = Math.floor(r() * (head - 3));
      new DataView(b.buffer).setUint32(at, EXTREME32[Math.floor(r() * EXTREME32.length)], true);
    } else if (op === 2 && head >= 2) {
      const at = Math.floor(r() * (head - 1));
      new DataView(b.buffer).setUint16(at, EXTREME16[Math.floor(r() * EXTREME16.length)], true);
    } else if (op === 3) b = b.slice(0, Math.floor(r() * b.length));
    else if (op === 4) {
      const at = Math.floor(r() * b.length);
      const ins = new Uint8Array(1 + Math.floor(r() * 12)).map(() => Math.floor(r() * 256));
      b = concat([b.subarray(0, at), ins, b.subarray(at)]);
    } else if (op === 5 && b.length > 12) {
      // Swap two 4-byte words: moves chunk ids and sizes around.
      const i = 12 + 4 * Math.floor(r() * ((Math.min(b.length, 96) - 12) / 4));
      const j = 12 + 4 * Math.floor(r() * ((Math.min(b.length, 96) - 12) / 4));
      const t = b.slice(i, i + 4);
      b.copyWithin(i, j, j + 4);
      b.set(t.subarray(0, Math.max(0, Math.min(4, b.length - j))), j);
    }
  }
  return b;
}

describe('WAV header fuzzing', () => {
  it('10,000 mutated files: no crash (only OnnxLabError), no hang, consistent output', function () {
    this.timeout(60_000);
    const tone = new Float32Array(300).map((_, i) => Math.sin(i / 3) * 0.5);
    const seeds = [
      encodeWav([tone, tone], 16000, 'pcm-s16'),
      encodeWav([tone], 44100, 'float32'),
      makeWav({ bits: 8, data: new Uint8Array(301).fill(100), before: [['LIST', new Uint8Array(5)]], after: [['id3 ', new Uint8Array(3)]] }),
      makeWav({ channels: 2, bits: 24, data: new Uint8Array(600).fill(7), extensible: { validBits: 20, subTag: 1, mask: 3 } }),
      makeWav({ tag: 7, bits: 8, data: new Uint8Array(200).fill(0x33) }),
      makeWav({ rf64: { dataSize: 400n }, data: new Uint8Array(400).fill(1) }),
      makeWav({ tag: 3, bits: 64, channels: 3, data: new Uint8Array(480) }),
      new Uint8Array(fs.readFileSync(sharedAudio('jfk.wav')).subarray(0, 4096)),
    ];
    const r = rng(20261122);
    let ok = 0, refused = 0, worstMs = 0;
    const crashes: string[] = [];
    const codes = new Map<string, number>();
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) {
      const bytes = mutate(seeds[i % seeds.length], r);
      const t = performance.now();
      try {
        const a = decodeWav(bytes, 'fuzz.wav');
        assert.equal(a.channels.length, a.format.channels);
        assert.ok(a.channels.every((c) => c.length === a.channels[0].length));
        assert.ok(a.channels[0].length * a.channels.length <= bytes.length);
        ok++;
      } catch (e) {
        if (isOnnxLabError(e)) {
          refused++;
          codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        } else crashes.push(`case ${i}: ${(e as Error).stack?.split('\n').slice(0, 2).join(' ')}`);
      }
      worstMs = Math.max(worstMs, performance.now() - t);
    }
    console.log(`      10000 cases in ${(performance.now() - t0).toFixed(0)} ms: ${ok} decoded, ${refused} refused ${JSON.stringify(Object.fromEntries(codes))}, ${crashes.length} crashes, slowest ${worstMs.toFixed(2)} ms`);
    assert.deepEqual(crashes.slice(0, 5), []);
    assert.ok(worstMs < 1000, `a case took ${worstMs} ms`);
  });
});
