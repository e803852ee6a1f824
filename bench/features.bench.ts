// Log-mel features (nemo80, conette) and 44.1k→16k resampling of 10 minutes of real audio, against
// librosa, torch (when installed) and soxr/scipy measured in the same run on the same samples.
// Single-threaded on both sides (OMP/MKL/OpenBLAS threads 1, torch.set_num_threads(1)).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeFeatures, decodeNpy, encodeNpy, PRESETS, resample } from '../src/core/audio';
import { PYTHON, realAudioLoop, type Bench, type BenchResult } from './lib';

const here = path.dirname(new URL(import.meta.url).pathname);
const SECONDS = 600;

/** 10 minutes at `rate` of the shared recordings. */
const tenMinutes = (rate: number) => realAudioLoop(SECONDS, rate);

// Child mode: compute one preset once and report the peak RSS of a fresh process.
if (process.env.ONNX_LAB_FEATURES_BENCH_CHILD) {
  const [preset, file] = process.env.ONNX_LAB_FEATURES_BENCH_CHILD.split('|');
  const x = decodeNpy(new Uint8Array(readFileSync(file))).data as Float32Array;
  const before = process.memoryUsage().rss;
  computeFeatures(x, PRESETS[preset]);
  process.stdout.write(JSON.stringify({ before: before / 2 ** 20, peak: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

const bench: Bench = async ({ quick, log }) => {
  const runs = quick ? 1 : 5;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onnx-lab-features-bench-'));
  try {
    log('preparing 10 minutes of audio from ../shared/audio ...');
    const x16 = await tenMinutes(16000);
    const x32 = await tenMinutes(32000);
    const x44 = await tenMinutes(44100);
    const files = { x16: path.join(dir, 'x16.npy'), x32: path.join(dir, 'x32.npy'), x44: path.join(dir, 'x44.npy') };
    writeFileSync(files.x16, encodeNpy(x16, [x16.length]));
    writeFileSync(files.x32, encodeNpy(x32, [x32.length]));
    writeFileSync(files.x44, encodeNpy(x44, [x44.length]));

    // Wall and CPU medians of the same runs: the machine may be shared, and CPU time (user + system
    // of this process) is the figure that load disturbs least; the Python side reports both too.
    const cpu: Record<string, number> = {};
    const timed = (name: string, fn: () => unknown, n: number) => {
      fn();
      const w: number[] = [], c: number[] = [];
      for (let i = 0; i < n; i++) {
        const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
        fn();
        w.push(Number(process.hrtime.bigint() - t0) / 1e6);
        const d = process.cpuUsage(c0);
        c.push((d.user + d.system) / 1000);
      }
      const med = (a: number[]) => { a.sort((p, q) => p - q); const m = a.length >> 1; return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2; };
      cpu[name] = med(c);
      log(`  ${name}: wall ${w.map((v) => v.toFixed(0)).join(' ')} ms, cpu ${c.map((v) => v.toFixed(0)).join(' ')} ms`);
      return med(w);
    };
    const nemo = timed('nemo80', () => computeFeatures(x16, PRESETS.nemo80), runs);
    const conette = timed('conette', () => computeFeatures(x32, PRESETS.conette), runs);
    const rsHq = timed('soxr_hq', () => resample(x44, 44100, 16000, 'hq'), quick ? 1 : 3);
    const rsScipy = timed('resample_poly', () => resample(x44, 44100, 16000, 'scipy'), quick ? 1 : 3);
    log(`ours: nemo80 ${nemo.toFixed(0)} ms, conette ${conette.toFixed(0)} ms, resample hq ${rsHq.toFixed(0)} ms, scipy-compatible ${rsScipy.toFixed(0)} ms (wall medians)`);

    const env = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', NUMBA_NUM_THREADS: '1' };
    const peak = (preset: string) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'features.bench.ts')], {
        env: { ...process.env, ONNX_LAB_FEATURES_BENCH_CHILD: `${preset}|${preset === 'nemo80' ? files.x16 : files.x32}` },
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`memory child failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { before: number; peak: number };
    };
    const memNemo = peak('nemo80');
    const memConette = peak('conette');
    log(`ours peak RSS: nemo80 ${memNemo.peak.toFixed(0)} MB (${memNemo.before.toFixed(0)} MB before computing), conette ${memConette.peak.toFixed(0)} MB`);

    const spec = path.join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ ...files, runs, presets: { nemo80: PRESETS.nemo80, conette: PRESETS.conette } }));
    log('timing librosa / torch / soxr (single-threaded) ...');
    const py = JSON.parse(execFileSync(PYTHON, [path.resolve(here, '../recipes/reference/audio_bench.py'), spec], { env, encoding: 'utf8', maxBuffer: 1 << 20 }));
    log(`python: ${JSON.stringify(py)}`);

    const rows: BenchResult[] = [
      { name: 'nemo80 log-mel + normalisation, 10 min', value: nemo, unit: 'ms', reference: 'librosa 0.11 (stft + mel + log + norm)', reference_value: py.librosa_nemo80 },
      { name: 'conette log-mel (dB), 10 min', value: conette, unit: 'ms', reference: 'librosa 0.11 melspectrogram + power_to_db', reference_value: py.librosa_conette },
    ];
    if (py.torch) {
      rows.push(
        { name: 'nemo80 log-mel + normalisation, 10 min', value: nemo, unit: 'ms', reference: `torch ${py.torch} stft + mel matmul (NeMo steps)`, reference_value: py.torch_nemo80 },
        { name: 'conette log-mel (dB), 10 min', value: conette, unit: 'ms', reference: `torch ${py.torch} stft + mel matmul`, reference_value: py.torch_conette },
      );
    } else {
      log('torch is not installed (bash scripts/setup-python.sh --torch): torch rows skipped');
    }
    if (py.cpu_ms) {
      const c = py.cpu_ms as Record<string, number>;
      rows.push(
        { name: 'nemo80, 10 min, CPU time', value: cpu.nemo80, unit: 'ms', reference: 'librosa, CPU time', reference_value: c.librosa_nemo80 },
        { name: 'conette, 10 min, CPU time', value: cpu.conette, unit: 'ms', reference: 'librosa, CPU time', reference_value: c.librosa_conette },
      );
      if (c.torch_nemo80 !== undefined) {
        rows.push(
          { name: 'nemo80, 10 min, CPU time', value: cpu.nemo80, unit: 'ms', reference: 'torch, CPU time', reference_value: c.torch_nemo80 },
          { name: 'conette, 10 min, CPU time', value: cpu.conette, unit: 'ms', reference: 'torch, CPU time', reference_value: c.torch_conette },
        );
      }
      rows.push(
        { name: 'resample 44.1k→16k hq, 10 min, CPU time', value: cpu.soxr_hq, unit: 'ms', reference: 'soxr_hq, CPU time', reference_value: c.soxr_hq },
        { name: 'resample scipy-compatible, 10 min, CPU time', value: cpu.resample_poly, unit: 'ms', reference: 'resample_poly, CPU time', reference_value: c.resample_poly },
      );
    }
    rows.push(
      { name: 'resample 44.1k→16k hq, 10 min', value: rsHq, unit: 'ms', reference: 'librosa.resample soxr_hq', reference_value: py.soxr_hq },
      { name: 'resample 44.1k→16k scipy-compatible, 10 min', value: rsScipy, unit: 'ms', reference: 'scipy.signal.resample_poly', reference_value: py.resample_poly },
      { name: 'peak RSS, nemo80 of 10 min (fresh process)', value: memNemo.peak, unit: 'MB', reference: 'python peak RSS after all its runs', reference_value: py.rss_mb },
      { name: 'peak RSS, conette of 10 min (fresh process)', value: memConette.peak, unit: 'MB', reference: 'python peak RSS after all its runs', reference_value: py.rss_mb },
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export default bench;
