import assert from 'node:assert/strict';
import { downmix, featuresFromAudio, logMel, PRESETS, readAudioFile, resample } from '../../src/core/audio';
import { isOnnxLabError } from '../../src/core/errors';
import { loadNpy, maxAbsDiff, pearson, realFiles, referenceDir, RESAMPLE_TARGETS, snrDb } from './audio-reference';

const HQ_MIN_DB = 60;
const SCIPY_MIN_DB = 100;

describe('resampling vs soxr_hq (librosa) and scipy resample_poly', function () {
  this.timeout(120_000);
  before(function () {
    this.timeout(300_000);
    referenceDir();
  });

  it(`'hq' ≥ ${HQ_MIN_DB} dB SNR vs soxr_hq and 'scipy' ≥ ${SCIPY_MIN_DB} dB vs resample_poly on real recordings`, async () => {
    const files = realFiles().filter((f) => RESAMPLE_TARGETS[f.id]);
    assert.ok(files.length >= 5);
    for (const f of files) {
      const a = await readAudioFile(f.path);
      const mono = downmix(a.channels);
      for (const to of RESAMPLE_TARGETS[f.id]) {
        const hq = resample(mono, a.sampleRate, to, 'hq');
        const sc = resample(mono, a.sampleRate, to, 'scipy');
        const refHq = loadNpy(`${f.id}.${to}.hq.npy`).data;
        const refSc = loadNpy(`${f.id}.${to}.scipy.npy`).data;
        assert.equal(hq.length, refHq.length, `${f.id} → ${to}: length`);
        assert.equal(sc.length, refSc.length, `${f.id} → ${to}: length`);
        // soxr returns floor(n·to/from) samples; librosa zero-pads to ceil(...), so leave that pad sample out.
        const soxrLen = Math.floor((mono.length * to) / a.sampleRate);
        const sHq = snrDb(refHq.subarray(0, soxrLen), hq.subarray(0, soxrLen)), sSc = snrDb(refSc, sc);
        console.log(`      ${f.id.padEnd(20)} ${a.sampleRate} → ${String(to).padEnd(5)}  hq vs soxr_hq ${sHq.toFixed(1)} dB   scipy vs resample_poly ${sSc.toFixed(1)} dB`);
        assert.ok(sHq >= HQ_MIN_DB, `${f.id} ${a.sampleRate} → ${to}: ${sHq} dB`);
        assert.ok(sSc >= SCIPY_MIN_DB, `${f.id} ${a.sampleRate} → ${to}: ${sSc} dB`);
      }
    }
  });

  it('whole pipeline (our decode + downmix + hq resample + features) vs soundfile + soxr_hq + reference features', async () => {
    for (const id of ['freesound_rain', 'freesound_typing', 'librosa_198-209-0000']) {
      const f = realFiles().find((x) => x.id === id)!;
      const a = await readAudioFile(f.path);
      for (const p of [PRESETS.nemo80, PRESETS.conette]) {
        const ref = loadNpy(`${id}.${p.name}.logmel.npy`);
        // The reference used the first 20 s; cut the same span before resampling.
        const n = Math.min(a.channels[0].length, 20 * a.sampleRate);
        const cut = { ...a, channels: a.channels.map((c) => c.subarray(0, n)) };
        const ours = logMel(resample(downmix(cut.channels), a.sampleRate, p.sampleRate, 'hq'), p);
        assert.equal(ours.frames, ref.shape[1]);
        const r = pearson(ours.data, ref.data);
        const feats = featuresFromAudio(cut, p);
        assert.equal(feats.frames, ours.frames);
        console.log(`      ${id.padEnd(22)} ${p.name.padEnd(8)} log-mel Pearson ${r.toFixed(7)}, max|Δ| ${maxAbsDiff(ours.data, ref.data).toExponential(2)}`);
        assert.ok(r >= 0.9999, `${id} ${p.name}: ${r}`);
      }
    }
  });

  it('identity at equal rates, zero-delay impulse response, DC gain 1, and rate errors', () => {
    const x = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i));
    assert.deepEqual(resample(x, 16000, 16000), x);
    const imp = new Float32Array(201);
    imp[100] = 1;
    const up = resample(imp, 16000, 48000, 'hq');
    let peak = 0;
    for (let i = 1; i < up.length; i++) if (Math.abs(up[i]) > Math.abs(up[peak])) peak = i;
    assert.equal(peak, 300);
    for (let k = 1; k < 40; k++) assert.ok(Math.abs(up[300 - k] - up[300 + k]) < 1e-7);
    const dc = resample(new Float32Array(20000).fill(0.5), 44100, 16000, 'hq');
    assert.ok(Math.abs(dc[dc.length >> 1] - 0.5) < 1e-6);
    assert.equal(resample(Float32Array.of(0.5), 44100, 16000).length, 1);
    assert.equal(resample(new Float32Array(0), 44100, 16000).length, 0);
    assert.throws(() => resample(x, 0, 16000), (e: unknown) => isOnnxLabError(e) && e.code === 'resample.bad-rate');
    assert.throws(() => resample(x, 16000, 22050.5), (e: unknown) => isOnnxLabError(e) && e.code === 'resample.bad-rate');
  });
});
