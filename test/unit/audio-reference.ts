/**
 * Runs recipes/reference/audio_features.py once per test process (results cached in the OS temp
 * folder by a hash of the spec and the script) and reads its .npy outputs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeNpy, PRESETS } from '../../src/core/audio';

export const ROOT = path.resolve(__dirname, '../..');
export const SHARED_AUDIO = path.resolve(ROOT, '../shared/audio');
export const PYTHON = path.join(ROOT, 'recipes/.venv/bin/python');
const SCRIPT = path.join(ROOT, 'recipes/reference/audio_features.py');

export function sharedAudio(name: string): string {
  return path.join(SHARED_AUDIO, name);
}

/** Real recordings used by the proof tests (all WAV and Ogg files of ../shared/audio). */
export function realFiles(): { id: string; path: string }[] {
  if (!fs.existsSync(SHARED_AUDIO)) throw new Error(`${SHARED_AUDIO} is missing: the audio tests need ../shared/audio beside the repository`);
  return fs.readdirSync(SHARED_AUDIO)
    .filter((f) => /\.(wav|ogg)$/.test(f))
    .sort()
    .map((f) => ({ id: f.replace(/\.[^.]+$/, ''), path: path.join(SHARED_AUDIO, f) }));
}

export function requirePython(): string {
  if (!fs.existsSync(PYTHON)) {
    throw new Error('recipes/.venv is missing: run scripts/setup-python.sh to create the Python reference environment (numpy, scipy, librosa, soxr)');
  }
  return PYTHON;
}

export const RESAMPLE_TARGETS: Record<string, number[]> = {
  freesound_rain: [16000, 32000],
  freesound_birds1: [16000, 22050],
  freesound_typing: [16000, 32000],
  freesound_applause: [16000],
  freesound_train: [16000],
  jfk: [8000, 22050, 44100],
};

export const MELBANKS = [
  { id: 'slaney_slaney_16k', sampleRate: 16000, nFft: 512, nMels: 80, fmin: 0, fmax: 8000, scale: 'slaney', norm: 'slaney' },
  { id: 'htk_none_16k', sampleRate: 16000, nFft: 400, nMels: 40, fmin: 20, fmax: 7600, scale: 'htk', norm: 'none' },
  { id: 'htk_slaney_44k', sampleRate: 44100, nFft: 2048, nMels: 128, fmin: 30, fmax: 16000, scale: 'htk', norm: 'slaney' },
  { id: 'slaney_none_32k', sampleRate: 32000, nFft: 1024, nMels: 224, fmin: 50, fmax: 14000, scale: 'slaney', norm: 'none' },
  { id: 'many_mels_8k', sampleRate: 8000, nFft: 256, nMels: 128, fmin: 0, fmax: 4000, scale: 'slaney', norm: 'slaney' },
] as const;

let cached: string | undefined;

/** Folder holding the reference outputs (generated on first use). */
export function referenceDir(): string {
  if (cached) return cached;
  const py = requirePython();
  const files = realFiles();
  const spec = {
    files,
    presets: PRESETS,
    maxSeconds: 20,
    checkLibrosa: ['jfk', 'freesound_rain', 'librosa_198-209-0000'],
    synthetic: true,
    torchNemo: true,
    melbanks: MELBANKS,
    codecs: { mono: sharedAudio('jfk.wav'), stereo: sharedAudio('freesound_typing.wav'), seconds: 1.5 },
    resample: files.flatMap((f) => (RESAMPLE_TARGETS[f.id] ?? []).map((to) => ({ id: f.id, path: f.path, to }))),
  };
  const text = JSON.stringify(spec);
  const hash = createHash('sha256').update(text).update(fs.readFileSync(SCRIPT)).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `onnx-lab-audio-ref-${hash}`);
  if (!fs.existsSync(path.join(dir, 'summary.json'))) {
    const tmp = `${dir}.partial-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'spec.json'), text);
    execFileSync(py, [SCRIPT, path.join(tmp, 'spec.json'), tmp], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } catch (e) {
      // Another test process finished the same reference first: use that one.
      if (!fs.existsSync(path.join(dir, 'summary.json'))) throw e;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  cached = dir;
  return dir;
}

export function loadNpy(name: string): { data: Float64Array | Float32Array; shape: number[] } {
  const r = decodeNpy(new Uint8Array(fs.readFileSync(path.join(referenceDir(), name))), name);
  if (!(r.data instanceof Float64Array || r.data instanceof Float32Array)) throw new Error(`${name}: expected float data`);
  return r as { data: Float64Array | Float32Array; shape: number[] };
}

export interface CodecFile { name: string; file: string; sampleRate: number; channels: number }

export function referenceSummary(): { librosa_vs_numpy: Record<string, number>; codecs: CodecFile[]; torch: string | null } {
  return JSON.parse(fs.readFileSync(path.join(referenceDir(), 'summary.json'), 'utf8'));
}

/** Max |a−b|, optionally only where mask(i) is true. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, mask?: (i: number) => boolean): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (mask && !mask(i)) continue;
    const d = Math.abs(a[i] - b[i]);
    if (d > m || Number.isNaN(d)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Pearson correlation; NaN when either side is constant (silence, DC), where it is undefined. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n === 0) return 1;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma, y = b[i] - mb;
    sab += x * y; saa += x * x; sbb += y * y;
  }
  if (saa === 0 || sbb === 0) return NaN;
  return sab / Math.sqrt(saa * sbb);
}

/** SNR in dB of `y` against `ref` over their common length. */
export function snrDb(ref: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = Math.min(ref.length, y.length);
  let s = 0, e = 0;
  for (let i = 0; i < n; i++) { s += ref[i] * ref[i]; const d = ref[i] - y[i]; e += d * d; }
  return 10 * Math.log10(s / e);
}
