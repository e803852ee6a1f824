// The fast paths of the audio core checked against the plain ones they replace: the batched ln,
// the fused mel pipeline (packing, power, mel by bins, tiles, float32 output) and the two-stage
// 'hq' resampler. The reference-value tests cover the same code against librosa/soxr; these pin the
// fast paths to our own straightforward float64 implementations, including edge cases.
import assert from 'node:assert/strict';
import {
  applyMel, computeFeatures, logMel, melFilterbank, melSpectrogram, PRESETS, resample, RESAMPLE_FILTERS, stft, type FeaturePreset,
} from '../../src/core/audio';
import { lnInPlace } from '../../src/core/audio/fastlog';
import { snrDb } from './audio-reference';

function noise(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.4 + 0.3 * Math.sin(i * 0.013));
}

/** Mel power spectrogram the slow way: stft() frames, then applyMel() per frame. */
function slowMel(x: ArrayLike<number>, p: FeaturePreset): Float64Array {
  const s = stft(x, { nFft: p.nFft, hop: p.hop, winLength: p.winLength, window: p.window, center: p.center, padMode: p.padMode, preemphasis: p.preemphasis }, p.power === 2 ? 'power' : 'magnitude');
  const fb = melFilterbank({ sampleRate: p.sampleRate, nFft: p.nFft, nMels: p.nMels, fmin: p.fmin, fmax: p.fmax, scale: p.melScale, norm: p.melNorm });
  const frames = s.frames - p.dropLastFrames;
  const out = new Float64Array(p.nMels * Math.max(0, frames)), mel = new Float64Array(p.nMels);
  for (let t = 0; t < frames; t++) {
    applyMel(fb, s.data.subarray(t * s.bins, (t + 1) * s.bins), mel);
    for (let m = 0; m < p.nMels; m++) out[m * frames + t] = mel[m];
  }
  return out;
}

describe('audio fast paths vs the plain implementations', () => {
  it('lnInPlace: within 2 ulp-ish of Math.log over the double range; 0, subnormal, negative, Inf, NaN as Math.log', () => {
    const xs: number[] = [1, 2, 0.5, Math.E, 1e-300, 1e300, 2 ** -1022, 2 ** -24, 1 - 1e-16, 1 + 1e-15, 0, 5e-324, -1, Infinity, NaN, 2 ** 1023];
    let s = 3;
    for (let i = 0; i < 20000; i++) xs.push(Math.exp(((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 1400));
    const x = Float64Array.from(xs), out = new Float64Array(x.length);
    lnInPlace(x, new Uint32Array(x.buffer), x.length, out);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const ref = Math.log(x[i]);
      if (!Number.isFinite(ref) || Number.isNaN(ref)) { assert.ok(Object.is(out[i], ref), `ln(${x[i]}) = ${out[i]}`); continue; }
      worst = Math.max(worst, Math.abs(out[i] - ref) / Math.max(1, Math.abs(ref)));
    }
    assert.ok(worst < 1e-15, `worst relative error ${worst}`);
  });

  it('fused mel pipeline equals stft() + applyMel() for every preset, odd lengths and tiny inputs', () => {
    for (const name of Object.keys(PRESETS)) {
      const p = PRESETS[name];
      for (const n of [0, 1, 7, p.nFft - 1, p.nFft + 3, 32 * p.hop + 17, 100 * p.hop + 1]) {
        const x = noise(n, 11 + n);
        const fast = melSpectrogram(x, p), slow = slowMel(x, p);
        assert.equal(fast.data.length, slow.length, `${name} n=${n}`);
        for (let i = 0; i < slow.length; i++) {
          assert.ok(Math.abs(fast.data[i] - slow[i]) <= 1e-12 * Math.max(1, Math.abs(slow[i])), `${name} n=${n} i=${i}: ${fast.data[i]} vs ${slow[i]}`);
        }
      }
    }
  });

  it('computeFeatures (float32 straight from the pipeline) equals float32(logMel) when not normalised', () => {
    for (const name of ['conette', 'cnn14', 'kws40', 'whisper80']) {
      const p = PRESETS[name], x = noise(40 * p.hop + 5, 5);
      const f = computeFeatures(x, p), lm = logMel(x, p);
      assert.deepEqual(f.data, Float32Array.from(lm.data), name);
    }
  });

  it("two-stage 'hq' downsampling agrees with the one-stage filter it replaces (≥ 100 dB) and keeps lengths", () => {
    const x = noise(44100 * 2 + 13, 9);
    for (const [from, to] of [[44100, 16000], [48000, 32000], [44100, 22050], [16000, 8000], [48000, 16000]]) {
      const xs = from === 44100 ? x : noise(from * 2 + 5, 4);
      const two = resample(xs, from, to, 'hq');
      const one = resample(xs, from, to, RESAMPLE_FILTERS.hq); // an explicit filter object takes the one-stage path
      assert.equal(two.length, one.length);
      const snr = snrDb(one, two);
      console.log(`      ${from} → ${to}: two-stage vs one-stage ${snr.toFixed(1)} dB`);
      assert.ok(snr >= 100, `${from} → ${to}: ${snr.toFixed(1)} dB`);
    }
  });
});
