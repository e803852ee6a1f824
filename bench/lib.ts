/** Shared types and timing helpers for `npm run bench -- NAME`. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** What `value` is compared with, measured in the same run (e.g. "librosa 0.11 melspectrogram"). */
  reference: string;
  reference_value: number;
}

export interface BenchOptions {
  /** Fewer repetitions, for a smoke run. */
  quick: boolean;
  log(line: string): void;
}

export type Bench = (opts: BenchOptions) => Promise<BenchResult[]>;

/** Median wall time in milliseconds of `runs` calls after `warmup` calls. */
export async function medianMs(fn: () => unknown | Promise<unknown>, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
}

/** Path of the project's Python (recipes/.venv, made by scripts/setup-python.sh). */
export const PYTHON = new URL('../recipes/.venv/bin/python', import.meta.url).pathname;

/** The real recordings in ../shared/audio (mono, resampled to `rate`) back to back, repeated to `seconds`. */
export async function realAudioLoop(seconds: number, rate: number, extensions = /\.(wav|ogg)$/): Promise<Float32Array> {
  const { readdirSync } = await import('node:fs');
  const { readAudioFile, resample, downmix } = await import('../src/core/audio');
  const shared = new URL('../../shared/audio/', import.meta.url).pathname;
  const out = new Float32Array(seconds * rate);
  const files = readdirSync(shared).filter((f) => extensions.test(f)).sort();
  for (let o = 0; o < out.length; ) {
    for (const f of files) {
      const a = await readAudioFile(shared + f);
      const x = resample(downmix(a.channels), a.sampleRate, rate, 'fast');
      const n = Math.min(x.length, out.length - o);
      out.set(x.subarray(0, n), o);
      o += n;
      if (o >= out.length) break;
    }
  }
  return out;
}
