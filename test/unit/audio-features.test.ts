import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeFeatures, logMel, PRESETS, type FeaturePreset } from '../../src/core/audio';
import { loadNpy, maxAbsDiff, pearson, realFiles, referenceDir, referenceSummary } from './audio-reference';

const SYNTHETIC = ['syn_silence', 'syn_click', 'syn_one_sample', 'syn_clipped', 'syn_dc', 'syn_short_noise'];
const LOGMEL_TOL = 1e-4;
const NORM_TOL = 1e-3;
const MIN_PEARSON = 0.99999;

function isConstant(a: ArrayLike<number>): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return true;
}

interface Row { id: string; frames: number; logmelMax: number; featMax?: number; pearson: number; bins?: string }

function check(id: string, p: FeaturePreset): Row {
  const x = loadNpy(`${id}.${p.sampleRate}.x.npy`).data;
  const ref = loadNpy(`${id}.${p.name}.logmel.npy`);
  const ours = logMel(x, p);
  assert.deepEqual([p.nMels, ours.frames], ref.shape, `${id} ${p.name}: shape`);
  const lmMax = maxAbsDiff(Float32Array.from(ours.data), ref.data);
  const row: Row = { id, frames: ours.frames, logmelMax: lmMax, pearson: pearson(ours.data, ref.data) };
  let compared: ArrayLike<number> = ref.data;
  assert.ok(lmMax <= LOGMEL_TOL, `${id} ${p.name}: log-mel max abs error ${lmMax} > ${LOGMEL_TOL}`);
  const featFile = path.join(referenceDir(), `${id}.${p.name}.feat.npy`);
  if (fs.existsSync(featFile)) {
    const refF = loadNpy(`${id}.${p.name}.feat.npy`);
    const f = computeFeatures(x, p);
    assert.deepEqual([f.nMels, f.frames], refF.shape, `${id} ${p.name}: feature shape`);
    // Bins whose std over the valid frames exceeds 0.1 (the criterion); the others only need to be finite.
    const T = f.frames, V = f.validFrames;
    const loud = new Uint8Array(p.nMels);
    for (let m = 0; m < p.nMels; m++) {
      let mean = 0, ss = 0;
      for (let t = 0; t < V; t++) mean += ref.data[m * T + t];
      mean /= V;
      for (let t = 0; t < V; t++) ss += (ref.data[m * T + t] - mean) ** 2;
      loud[m] = V > 1 && Math.sqrt(ss / (V - 1)) > 0.1 ? 1 : 0;
    }
    const fMax = maxAbsDiff(f.data, refF.data, (i) => loud[Math.floor(i / T)] === 1);
    const allMax = maxAbsDiff(f.data, refF.data);
    row.featMax = fMax;
    row.bins = `${loud.reduce((a, b) => a + b, 0)}/${p.nMels} bins std>0.1, all-bins max ${allMax.toExponential(2)}`;
    row.pearson = pearson(f.data, refF.data);
    compared = refF.data;
    assert.ok(fMax <= NORM_TOL, `${id} ${p.name}: normalised max abs error ${fMax} > ${NORM_TOL}`);
    assert.ok(f.data.every(Number.isFinite), `${id} ${p.name}: non-finite features`);
  }
  // A constant reference (silence after normalisation) has no correlation; the abs checks above cover it.
  if (!Number.isNaN(row.pearson)) assert.ok(row.pearson >= MIN_PEARSON, `${id} ${p.name}: Pearson ${row.pearson} < ${MIN_PEARSON}`);
  else assert.ok(isConstant(compared), `${id} ${p.name}: Pearson undefined on a non-constant reference`);
  return row;
}

function print(p: string, rows: Row[]): void {
  const lines = rows.map((r) =>
    `      ${r.id.padEnd(52)} T=${String(r.frames).padStart(5)}  log-mel max|Δ| ${r.logmelMax.toExponential(2)}` +
    (r.featMax !== undefined ? `  normalised max|Δ| ${r.featMax.toExponential(2)} (${r.bins})` : '') +
    `  r=${Number.isNaN(r.pearson) ? 'n/a (constant)' : r.pearson.toFixed(9)}`);
  console.log(`    ${p}:\n${lines.join('\n')}`);
}

describe('audio features vs the float64 Python reference', function () {
  this.timeout(180_000);

  before(function () {
    this.timeout(300_000);
    referenceDir();
  });

  it('the numpy reference equals librosa\'s own STFT/melspectrogram path', () => {
    const s = referenceSummary().librosa_vs_numpy;
    console.log(`      librosa vs numpy reference, max |Δ| per preset: ${JSON.stringify(s)}`);
    for (const name of Object.keys(PRESETS)) assert.ok((s[name] ?? Infinity) <= 1e-9, `${name}: ${s[name]}`);
  });

  for (const p of Object.values(PRESETS)) {
    it(`${p.name}: real recordings (${realFiles().length} files)`, () => {
      print(p.name, realFiles().map((f) => check(f.id, p)));
    });
    it(`${p.name}: synthetic edge cases (silence, click, 1 sample, clipping, DC, short noise)`, () => {
      print(p.name, SYNTHETIC.map((id) => check(id, p)));
    });
  }


  it('presets are plain printable objects', () => {
    for (const p of Object.values(PRESETS)) assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
    assert.equal(PRESETS.nemo80.window, 'hann-symmetric');
    assert.equal(PRESETS.nemo80.winLength, 400);
  });

  it('kws40 gives the [40, 18] backbone window from 3232 samples', () => {
    const f = computeFeatures(new Float32Array(3232).map((_, i) => Math.sin(i / 7)), PRESETS.kws40);
    assert.deepEqual([f.nMels, f.frames], [40, 18]);
  });

  it('nemo80: length = samples // 160 valid frames, one padded frame of zeros', () => {
    const x = new Float32Array(16000).map((_, i) => Math.sin(i / 5) * 0.3);
    const f = computeFeatures(x, PRESETS.nemo80);
    assert.equal(f.frames, 101);
    assert.equal(f.validFrames, 100);
    for (let m = 0; m < 80; m++) assert.equal(f.data[m * 101 + 100], 0);
  });
});
