import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtemp } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import {
  buildWaveformPart, decodeAudioPayload, encodeAudioPayload, PayloadError, type SpectrogramPart,
} from '../../src/protocol/audio-payload';
import { MIME } from '../../src/protocol/mime';
import { readAudioFile } from '../../src/core/audio';
import { encodePng } from '../../src/kernels/png';
import { spectrogramOutputs, spectrogramPart, waveformOutputs } from '../../src/kernels/display-audio';
import { KernelClient } from '../../src/kernels/client';
import { DIST, ensureBuilt } from './built';

const SHARED = path.resolve(__dirname, '../../../shared/audio');
const JFK = path.join(SHARED, 'jfk.wav');
const STEREO = path.join(SHARED, 'freesound_rain.wav');

function noise(n: number, seed = 1): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = (s / 2 ** 32) * 2 - 1;
  }
  return x;
}

/** Brute-force min/max over blocks, the reference for every pyramid level. */
function blockMinMax(x: ArrayLike<number>, block: number): number[] {
  const out: number[] = [];
  for (let b = 0; b * block < x.length; b++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = b * block; i < Math.min(x.length, (b + 1) * block); i++) {
      lo = Math.min(lo, x[i]);
      hi = Math.max(hi, x[i]);
    }
    out.push(lo, hi);
  }
  return out;
}

describe('audio payloads (protocol)', () => {
  it('round-trips a float waveform with a correct min/max pyramid at every level', () => {
    const ch = [noise(100_003, 1), noise(100_003, 2)];
    const part = buildWaveformPart(ch, 8000, { title: 'two', regions: [{ start: 1, end: 2, label: 'speech' }] });
    const back = decodeAudioPayload(encodeAudioPayload({ waveform: part })).waveform!;
    assert.equal(back.header.frames, 100_003);
    assert.equal(back.header.channels, 2);
    assert.equal(back.header.sampleFormat, 'f32');
    assert.deepEqual(back.header.regions, [{ start: 1, end: 2, label: 'speech' }]);
    assert.deepEqual(Array.from(back.samples[1]), Array.from(ch[1]));
    assert.equal(back.header.levels, 2); // 6251 blocks of 16, then 1563 of 64 (≤ 2048 stops)
    // The coarsest level has at most 2048 blocks.
    assert.ok(back.envelopes[back.header.levels - 1][0].length / 2 <= 2048);
    for (let l = 0; l < back.header.levels; l++) {
      const block = back.header.pyramidBase * back.header.pyramidFactor ** l;
      for (let c = 0; c < 2; c++) assert.deepEqual(Array.from(back.envelopes[l][c]), blockMinMax(ch[c], block).map((v) => Math.fround(v)), `level ${l} ch ${c}`);
    }
  });

  it('stores 16-bit audio as Int16 losslessly and can leave the samples out', () => {
    const x = new Float32Array([0, 0.5, -1, 32767 / 32768, -0.25, 1 / 32768]);
    const part = buildWaveformPart([x], 16000, { sampleFormat: 'i16' });
    const back = decodeAudioPayload(encodeAudioPayload({ waveform: part })).waveform!;
    assert.ok(back.samples[0] instanceof Int16Array);
    assert.deepEqual(Array.from(back.samples[0], (v) => v / 32768), Array.from(x));
    assert.deepEqual(Array.from(back.envelopes[0][0]), [-32768, 32767]);
    const lean = decodeAudioPayload(encodeAudioPayload({ waveform: buildWaveformPart([x], 16000, { includeSamples: false }) })).waveform!;
    assert.equal(lean.header.hasSamples, false);
    assert.equal(lean.samples.length, 0);
    assert.equal(lean.envelopes.length, 1);
  });

  it('round-trips a spectrogram with its waveform, and reads from an unaligned buffer', () => {
    const bins = 5, frames = 7;
    const spec: SpectrogramPart = {
      header: { kind: 'spectrogram', bins, frames, hopSeconds: 0.01, t0: 0, scale: 'mel', unit: 'dB', min: -3, max: 30, valueFormat: 'f32', preset: 'nemo80' },
      values: Float32Array.from({ length: bins * frames }, (_, i) => i - 3),
      binHz: new Float32Array([100, 200, 400, 800, 1600]),
    };
    const bytes = encodeAudioPayload({ spectrogram: spec, waveform: buildWaveformPart([noise(700)], 1000) });
    assert.equal(String.fromCharCode(...bytes.subarray(0, 4)), 'OLAB');
    // An odd byte offset forces the copying path.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    for (const b of [bytes, shifted.subarray(1)]) {
      const p = decodeAudioPayload(b);
      assert.deepEqual(Array.from(p.spectrogram!.values), Array.from(spec.values));
      assert.deepEqual(Array.from(p.spectrogram!.binHz), [100, 200, 400, 800, 1600]);
      assert.equal(p.spectrogram!.header.preset, 'nemo80');
      assert.equal(p.waveform!.header.frames, 700);
    }
  });

  it('rejects payloads that are not ours, truncated, or point outside themselves', () => {
    const good = encodeAudioPayload({ waveform: buildWaveformPart([noise(64)], 100) });
    assert.throws(() => decodeAudioPayload(new Uint8Array(4)), PayloadError);
    const badMagic = good.slice();
    badMagic[0] = 0x58;
    assert.throws(() => decodeAudioPayload(badMagic), /bad magic/);
    assert.throws(() => decodeAudioPayload(good.subarray(0, good.length - 8)), /runs past the end/);
    const badJson = good.slice();
    badJson[16] = 0x7d; // '}' where '{' was
    assert.throws(() => decodeAudioPayload(badJson), /not valid JSON/);
    const badVersion = good.slice();
    badVersion[4] = 9;
    assert.throws(() => decodeAudioPayload(badVersion), /version 9/);
  });
});

describe('PNG encoder', () => {
  it('writes a valid PNG whose pixels inflate back unchanged', () => {
    const w = 3, h = 2;
    const px = new Uint8Array(w * h * 4).map((_, i) => (i * 37) & 255);
    const png = encodePng(w, h, px);
    assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const v = new DataView(png.buffer, png.byteOffset);
    assert.equal(String.fromCharCode(...png.subarray(12, 16)), 'IHDR');
    assert.equal(v.getUint32(16), w);
    assert.equal(v.getUint32(20), h);
    // Walk the chunks and check each CRC against zlib's crc32 (node:zlib has it since 20.15).
    const zlib = require('node:zlib') as { crc32?: (b: Uint8Array) => number };
    let o = 8;
    const types: string[] = [];
    let idat: Uint8Array | undefined;
    while (o < png.length) {
      const len = v.getUint32(o);
      const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
      types.push(type);
      if (zlib.crc32) assert.equal(v.getUint32(o + 8 + len), zlib.crc32(png.subarray(o + 4, o + 8 + len)) >>> 0, `${type} crc`);
      if (type === 'IDAT') idat = png.subarray(o + 8, o + 8 + len);
      o += 12 + len;
    }
    assert.deepEqual(types, ['IHDR', 'IDAT', 'IEND']);
    const raw = inflateSync(idat!);
    assert.equal(raw.length, (w * 4 + 1) * h);
    for (let y = 0; y < h; y++) {
      assert.equal(raw[y * (w * 4 + 1)], 0);
      assert.deepEqual(Array.from(raw.subarray(y * (w * 4 + 1) + 1, (y + 1) * (w * 4 + 1))), Array.from(px.subarray(y * w * 4, (y + 1) * w * 4)));
    }
  });
});

describe('kernel audio display (real audio)', () => {
  it('a 16-bit file gives an Int16 waveform payload, a PNG and a text summary', async () => {
    const a = await readAudioFile(JFK);
    const items = waveformOutputs(a, { title: 'jfk.wav' });
    assert.deepEqual(items.map((i) => i.mime), [MIME.waveform, 'image/png', 'text/plain']);
    const p = decodeAudioPayload(items[0].data as Uint8Array).waveform!;
    assert.equal(p.header.sampleFormat, 'i16');
    assert.equal(p.header.frames, a.channels[0].length);
    assert.equal(p.header.title, 'jfk.wav');
    // i16 payload: lossless for a pcm-s16 source.
    for (let i = 0; i < 2000; i += 7) assert.equal(p.samples[0][i] / 32768, a.channels[0][i]);
    assert.match(items[2].data as string, /^jfk\.wav: 11\.000 s · 16000 Hz · 1 channel · wav pcm-s16 · peak -[\d.]+ dBFS · RMS -[\d.]+ dBFS$/);
    const png = items[1].data as Uint8Array;
    assert.equal(new DataView(png.buffer, png.byteOffset).getUint32(16), 800);
  });

  it('spectrogram: nemo80 mel dB by default at 16 kHz, exact features on request, linear STFT, stereo 44.1 kHz', async () => {
    const a = await readAudioFile(JFK);
    const s = spectrogramPart(a);
    assert.equal(s.header.preset, 'nemo80');
    assert.equal(s.header.bins, 80);
    assert.equal(s.header.frames, Math.floor(a.channels[0].length / 160) + 1);
    assert.equal(s.header.unit, 'dB');
    assert.equal(s.header.max, 0);
    assert.ok(s.binHz[0] > 0 && s.binHz[79] < 8000 && s.binHz[79] > 7000);
    const f = spectrogramPart(a, { preset: 'kws40', values: 'features' });
    assert.equal(f.header.unit, 'ln');
    assert.equal(f.header.bins, 40);
    const lin = spectrogramPart(a, { preset: 'kws40', scale: 'linear' });
    assert.equal(lin.header.bins, 257);
    assert.equal(lin.binHz[256], 8000);
    const rain = await readAudioFile(STEREO);
    const items = spectrogramOutputs(rain, { title: 'rain' });
    assert.deepEqual(items.map((i) => i.mime), [MIME.spectrogram, 'image/png', 'text/plain']);
    const p = decodeAudioPayload(items[0].data as Uint8Array);
    assert.equal(p.spectrogram!.header.preset, 'conette');
    assert.equal(p.waveform!.header.channels, 2);
    assert.match(items[2].data as string, /mel spectrogram \(conette\): 224 bins × \d+ frames/);
  });
});

describe('kernel cell → audio outputs (dist/kernel.js)', function () {
  this.timeout(60000);
  let kernel: KernelClient;
  before(async () => {
    await ensureBuilt();
    kernel = new KernelClient(path.join(DIST, 'kernel.js'), await mkdtemp(path.join(os.tmpdir(), 'onnx-lab-audio-')));
    await kernel.ready;
  });
  after(() => kernel?.kill());

  it('await onnxLab.audio(PATH) shows the waveform mime item, image/png and text/plain; display.* work on it', async () => {
    let r = await kernel.execute(`const clip = await onnxLab.audio(${JSON.stringify(JFK)});\nclip`, 'typescript');
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.result!.map((i) => i.mime), [MIME.waveform, 'image/png', 'text/plain']);
    // Binary crosses IPC as bytes, not base64 text.
    assert.ok(r.result![0].data instanceof Uint8Array);
    assert.equal(decodeAudioPayload(r.result![0].data as Uint8Array).waveform!.header.frames, 176000);
    assert.match(r.result![2].data as string, /^jfk\.wav: 11\.000 s/);
    r = await kernel.execute('[clip.sampleRate, clip.channels, clip.duration]', 'typescript');
    assert.deepEqual(r, { ok: true, result: [{ mime: 'text/plain', data: '[ 16000, 1, 11 ]' }] });
    r = await kernel.execute("onnxLab.display.spectrogram(clip, { preset: 'whisper80' })", 'typescript');
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.result!.map((i) => i.mime), [MIME.spectrogram, 'image/png', 'text/plain']);
    const p = decodeAudioPayload(r.result![0].data as Uint8Array);
    assert.equal(p.spectrogram!.header.preset, 'whisper80');
    assert.equal(p.waveform!.header.frames, 176000);
    r = await kernel.execute('onnxLab.display.waveform(new Float32Array(800).map((_, i) => Math.sin(i / 10)), 8000)', 'typescript');
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(decodeAudioPayload(r.result![0].data as Uint8Array).waveform!.header.sampleRate, 8000);
    r = await kernel.execute('onnxLab.display.waveform(new Float32Array(8))', 'typescript');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.message : '', /sample rate is needed/);
  });
});
