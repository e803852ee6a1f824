/**
 * Validate every test of an ONNX backend-layout folder (DIR/NAME/model.onnx + test_data_set_N/), as
 * the libonnx-testdata sweep and the bench do: one verdict per test under each requested rule.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isOnnxLabError } from '../../core/errors';
import { readModelFile } from '../../core/onnx';
import { graphIo, openGoldenSet, type Tolerance } from '../../core/validate';
import { ModelSession } from '../../runtime/session';
import { runCaseMulti } from './validate';

export type Verdict = 'pass' | 'fail' | 'error';

export interface SweepEntry {
  test: string;
  /** One verdict per rule asked for, in the same order. */
  verdicts: Verdict[];
  error?: string;
  /** First failing output of the first rule, for the table. */
  failure?: string;
}

export interface SweepOptions {
  tolerances: Partial<Tolerance>[];
  only?: string[];
  onProgress?(done: number, total: number, entry: SweepEntry): void;
  signal?: AbortSignal;
}

export function backendTests(dir: string): string[] {
  return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'model.onnx'))).sort();
}

export async function sweepBackendTests(dir: string, opts: SweepOptions): Promise<SweepEntry[]> {
  let tests = backendTests(dir);
  if (opts.only) tests = tests.filter((t) => opts.only!.includes(t));
  const out: SweepEntry[] = [];
  for (const test of tests) {
    if (opts.signal?.aborted) break;
    const tdir = path.join(dir, test);
    const entry: SweepEntry = { test, verdicts: opts.tolerances.map(() => 'error') };
    let session: ModelSession | undefined;
    try {
      const io = graphIo(readModelFile(path.join(tdir, 'model.onnx')).model);
      const set = openGoldenSet(tdir, io);
      session = await ModelSession.open(path.join(tdir, 'model.onnx'), { intraOpThreads: 1, logSeverity: 4 });
      const verdicts: Verdict[] = opts.tolerances.map(() => 'pass');
      for (const gc of set.cases) {
        const reports = await runCaseMulti(session, io, set, gc, opts.tolerances);
        reports.forEach((r, i) => {
          if (r.status === 'error') {
            verdicts[i] = 'error';
            entry.error ??= `${gc.name}: ${r.error}`;
          } else if (r.status === 'fail' && verdicts[i] === 'pass') {
            verdicts[i] = 'fail';
            if (i === 0 && !entry.failure) {
              const o = r.outputs.find((x) => x.status !== 'pass' && x.status !== 'extra');
              entry.failure = `${gc.name} ${o?.name}: ${o?.reason ?? r.error}`;
            }
          }
        });
      }
      entry.verdicts = verdicts;
    } catch (e) {
      entry.error = isOnnxLabError(e) || e instanceof Error ? (e as Error).message.split('\n')[0] : String(e);
    } finally {
      await session?.close();
    }
    out.push(entry);
    opts.onProgress?.(out.length, tests.length, entry);
  }
  return out;
}
