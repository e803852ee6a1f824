import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeAudio, readAudioFile, readWavFile, sniffContainer } from '../../src/core/audio';
import { isOnnxLabError } from '../../src/core/errors';
import { loadNpy, maxAbsDiff, realFiles, referenceDir, referenceSummary, snrDb } from './audio-reference';

function isOnnxLabErrorLike(e: unknown, code?: string): boolean {
  return isOnnxLabError(e) && (code === undefined || e.code === code);
}

/** Best SNR of `y` against `ref` over integer lags in [-maxLag, maxLag] (codecs add different delays). */
function alignedSnr(ref: Float32Array | Float64Array, y: Float32Array, maxLag: number): { snr: number; lag: number } {
  let best = { snr: -Infinity, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const a = lag >= 0 ? ref.subarray(lag) : ref;
    const b = lag >= 0 ? y : y.subarray(-lag);
    const s = snrDb(a, b);
    if (s > best.snr) best = { snr: s, lag };
  }
  return best;
}

describe('audio decoding vs libsndfile (soundfile)', function () {
  this.timeout(120_000);
  before(function () {
    this.timeout(300_000);
    referenceDir();
  });

  it('every real WAV in ../shared/audio decodes sample-exact', async () => {
    for (const f of realFiles().filter((f) => f.path.endsWith('.wav'))) {
      const a = readWavFile(f.path);
      const ref = loadNpy(`${f.id}.pcm.npy`);
      assert.deepEqual([a.channels.length, a.channels[0].length], ref.shape, f.id);
      const flat = new Float32Array(ref.data.length);
      a.channels.forEach((c, i) => flat.set(c, i * c.length));
      const d = maxAbsDiff(flat, ref.data);
      console.log(`      ${f.id.padEnd(36)} ${a.sampleRate} Hz ${a.channels.length} ch ${a.format.encoding} frames ${a.channels[0].length} max|Δ| ${d}`);
      assert.equal(d, 0, f.id);
    }
  });

  it('every Ogg Vorbis in ../shared/audio decodes like libvorbis in libsndfile', async () => {
    for (const f of realFiles().filter((f) => f.path.endsWith('.ogg'))) {
      const a = await readAudioFile(f.path);
      const ref = loadNpy(`${f.id}.pcm.npy`);
      assert.equal(a.format.container, 'ogg-vorbis');
      assert.deepEqual([a.channels.length, a.channels[0].length], ref.shape, f.id);
      const d = maxAbsDiff(a.channels[0], ref.data.subarray(0, a.channels[0].length));
      console.log(`      ${f.id.padEnd(60)} ${a.sampleRate} Hz frames ${a.channels[0].length} max|Δ| ${d.toExponential(2)}`);
      assert.ok(d < 1e-4, `${f.id}: ${d}`);
    }
  });

  it('each encoding libsndfile writes: exact for PCM/float/G.711/FLAC, close for Vorbis/MP3, a clear error for ADPCM/GSM', async () => {
    const dir = path.join(referenceDir(), 'codecs');
    for (const c of referenceSummary().codecs) {
      const file = path.join(dir, c.file);
      const ref = loadNpy(`codecs/${c.name}.npy`);
      if (/adpcm|gsm/.test(c.name)) {
        await assert.rejects(readAudioFile(file), (e: Error) => isOnnxLabErrorLike(e, 'wav.unsupported') && e.message.includes(c.file));
        console.log(`      ${c.name.padEnd(10)} refused: ${(await readAudioFile(file).catch((e: Error) => e.message))}`);
        continue;
      }
      const a = await readAudioFile(file);
      assert.equal(a.sampleRate, c.sampleRate, c.name);
      assert.equal(a.channels.length, c.channels, c.name);
      const frames = ref.shape[1];
      let line = `      ${c.name.padEnd(10)} ${a.format.container}/${a.format.encoding} ${a.format.bitsPerSample} bit`;
      if (c.name === 'mp3' || c.name === 'vorbis') {
        let worst = Infinity;
        for (let ch = 0; ch < c.channels; ch++) {
          const r = alignedSnr(ref.data.subarray(ch * frames, (ch + 1) * frames), a.channels[ch], 600);
          worst = Math.min(worst, r.snr);
          line += ` ch${ch}: SNR ${r.snr.toFixed(1)} dB at lag ${r.lag}, frames ${a.channels[ch].length} vs ${frames}`;
        }
        assert.ok(worst > 40, `${c.name}: SNR ${worst}`);
      } else {
        assert.equal(a.channels[0].length, frames, c.name);
        let d = 0;
        for (let ch = 0; ch < c.channels; ch++) d = Math.max(d, maxAbsDiff(a.channels[ch], ref.data.subarray(ch * frames, (ch + 1) * frames)));
        line += ` max|Δ| ${d}`;
        assert.equal(d, 0, c.name);
      }
      console.log(line);
    }
  });

  it('sniffs containers by content, not by extension', () => {
    const b = (s: string) => new Uint8Array([...s].map((ch) => ch.charCodeAt(0)));
    assert.equal(sniffContainer(b('RIFF\0\0\0\0WAVE')), 'wav');
    assert.equal(sniffContainer(b('fLaC')), 'flac');
    assert.equal(sniffContainer(b('ID3\x04')), 'mp3');
    assert.equal(sniffContainer(new Uint8Array([0xff, 0xfb, 0x90, 0x64])), 'mp3');
    assert.equal(sniffContainer(b('hello world')), 'unknown');
  });

  it('refuses non-audio and corrupt compressed files with OnnxLabError naming the file', async () => {
    const tmp = fs.mkdtempSync(path.join(referenceDir(), 'bad-'));
    const cases: [string, Uint8Array, string][] = [
      ['notes.mp3', new TextEncoder().encode('just some text, not audio at all\n'), 'audio.unknown-format'],
      ['empty.flac', new Uint8Array(0), 'audio.empty'],
      ['cut.flac', fs.readFileSync(path.join(referenceDir(), 'codecs/flac16.flac')).subarray(0, 30), 'flac.decode'],
      ['head.ogg', fs.readFileSync(path.join(referenceDir(), 'codecs/vorbis.ogg')).subarray(0, 60), 'ogg-vorbis.decode'],
    ];
    for (const [name, bytes, code] of cases) {
      const p = path.join(tmp, name);
      fs.writeFileSync(p, bytes);
      await assert.rejects(readAudioFile(p), (e: Error) => {
        assert.ok(isOnnxLabErrorLike(e, code), `${name}: ${e.name} ${(e as { code?: string }).code} ${e.message}`);
        assert.ok(e.message.startsWith(p), e.message);
        return true;
      });
    }
    await assert.rejects(decodeAudio(new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0, 2, 0, 0]), 'x.ogg'), (e: Error) => isOnnxLabErrorLike(e));
  });

  it('fuzz: mutated FLAC/Ogg/MP3 headers give audio or an OnnxLabError, never a crash or a hang', async function () {
    this.timeout(600_000);
    let a = 0x9e3779b9;
    const rand = () => { a ^= a << 13; a ^= a >>> 17; a ^= a << 5; return (a >>> 0) / 4294967296; };
    const seeds = ['flac16.flac', 'flac24.flac', 'vorbis.ogg', 'mp3.mp3'].map((n) => new Uint8Array(fs.readFileSync(path.join(referenceDir(), 'codecs', n)).subarray(0, 6000)));
    const counts = [0, 0, 0];
    const crashes: string[] = [];
    let worst = 0;
    const t0 = performance.now();
    // ~8 ms a case (the wasm decoders dominate): 400 here; AUDIO_FUZZ_CASES=10000 for the long run.
    const N = Number(process.env.AUDIO_FUZZ_CASES ?? 400);
    for (let i = 0; i < N; i++) {
      const b = seeds[i % seeds.length].slice(0, 200 + Math.floor(rand() * 5800));
      for (let k = 0, n = 1 + Math.floor(rand() * 4); k < n; k++) b[Math.floor(rand() * Math.min(b.length, 160))] = Math.floor(rand() * 256);
      const t = performance.now();
      try {
        const r = await decodeAudio(b, 'fuzz');
        assert.ok(r.channels.length > 0 && r.sampleRate > 0);
        counts[0]++;
      } catch (e) {
        if (isOnnxLabError(e)) counts[1]++;
        else crashes.push(`case ${i}: ${String(e)}`);
      }
      worst = Math.max(worst, performance.now() - t);
    }
    console.log(`      ${N} cases in ${(performance.now() - t0).toFixed(0)} ms: ${counts[0]} decoded, ${counts[1]} refused, ${crashes.length} crashes, slowest ${worst.toFixed(1)} ms`);
    assert.deepEqual(crashes.slice(0, 5), []);
    assert.ok(worst < 2000);
  });
});
