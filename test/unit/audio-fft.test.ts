import assert from 'node:assert/strict';
import { ComplexFft, hzToMel, makeWindow, melFilterbank, melMatrix, melToHz, RealFft, stft } from '../../src/core/audio';
import { loadNpy, maxAbsDiff, MELBANKS, referenceDir } from './audio-reference';

function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length, bins = (n >> 1) + 1;
  const re = new Float64Array(bins), im = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    for (let t = 0; t < n; t++) {
      // Angle reduced mod n first, so the reference itself stays accurate for large n.
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      re[k] += x[t] * Math.cos(a);
      im[k] += x[t] * Math.sin(a);
    }
  }
  return { re, im };
}

describe('FFT, windows, STFT and mel filterbanks', () => {
  it('real FFT equals a direct DFT for power-of-two and other sizes (Bluestein)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const n of [1, 2, 3, 4, 5, 8, 12, 64, 100, 256, 400, 401, 512, 1000, 1024, 2048]) {
      const x = Float64Array.from({ length: n }, rand);
      const f = new RealFft(n);
      const re = new Float64Array(f.bins), im = new Float64Array(f.bins);
      f.forward(x, re, im);
      const d = naiveDft(x);
      const err = Math.max(maxAbsDiff(re, d.re), maxAbsDiff(im, d.im));
      assert.ok(err < 1e-10 * Math.max(1, Math.sqrt(n)), `n=${n}: ${err}`);
    }
  });

  it('complex FFT inverse(forward(x)) = n·x', () => {
    const n = 256, f = new ComplexFft(n);
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.3)), im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
    const r0 = re.slice(), i0 = im.slice();
    f.transform(re, im);
    f.transform(re, im, true);
    assert.ok(maxAbsDiff(re.map((v) => v / n), r0) < 1e-13 && maxAbsDiff(im.map((v) => v / n), i0) < 1e-13);
    assert.throws(() => new ComplexFft(12), RangeError);
  });

  it('windows: periodic vs symmetric Hann, Hamming, Povey', () => {
    const p = makeWindow('hann', 4), s = makeWindow('hann-symmetric', 5);
    assert.deepEqual([...p].map((v) => +v.toFixed(12)), [0, 0.5, 1, 0.5]);
    assert.deepEqual([...s].map((v) => +v.toFixed(12)), [0, 0.5, 1, 0.5, 0]);
    assert.ok(Math.abs(makeWindow('hamming', 8)[0] - 0.08) < 1e-12);
    assert.ok(Math.abs(makeWindow('povey', 3)[1] - 1) < 1e-12);
  });

  it('STFT: complex, magnitude and power agree; frame count with and without centring', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i / 3));
    const o = { nFft: 64, hop: 16, winLength: 48, window: 'hann' as const, center: true, padMode: 'reflect' as const };
    const c = stft(x, o, 'complex'), m = stft(x, o, 'magnitude'), p = stft(x, o, 'power');
    assert.equal(c.frames, 1 + Math.floor(1000 / 16));
    assert.equal(stft(x, { ...o, center: false }, 'power').frames, 1 + Math.floor((1000 - 64) / 16));
    for (let i = 0; i < p.data.length; i++) {
      const pw = c.data[2 * i] ** 2 + c.data[2 * i + 1] ** 2;
      assert.ok(Math.abs(pw - p.data[i]) < 1e-9 && Math.abs(Math.sqrt(pw) - m.data[i]) < 1e-9);
    }
  });

  it('mel scales round-trip; Slaney is linear below 1 kHz', () => {
    for (const s of ['slaney', 'htk'] as const) for (const hz of [0, 50, 700, 1000, 4000, 14000]) assert.ok(Math.abs(melToHz(hzToMel(hz, s), s) - hz) < 1e-9);
    assert.ok(Math.abs(hzToMel(500, 'slaney') - 7.5) < 1e-12);
    assert.ok(Math.abs(hzToMel(1000, 'slaney') - 15) < 1e-12);
  });

  it('mel filterbanks equal librosa.filters.mel (Slaney/HTK scale × slaney/none norm)', function () {
    this.timeout(300_000);
    referenceDir();
    for (const b of MELBANKS) {
      const ours = melMatrix(melFilterbank({ sampleRate: b.sampleRate, nFft: b.nFft, nMels: b.nMels, fmin: b.fmin, fmax: b.fmax, scale: b.scale, norm: b.norm }));
      const ref = loadNpy(`melbank.${b.id}.npy`);
      assert.deepEqual(ref.shape, [b.nMels, (b.nFft >> 1) + 1]);
      const d = maxAbsDiff(ours, ref.data);
      console.log(`      ${b.id.padEnd(20)} [${ref.shape.join(', ')}] max|Δ| ${d.toExponential(2)}`);
      assert.ok(d < 1e-12, `${b.id}: ${d}`);
    }
  });
});
