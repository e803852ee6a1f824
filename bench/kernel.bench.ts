// Cost of running a notebook cell in the kernel process, against a bare IPC round trip to a child
// process measured in the same run (the floor any out-of-process kernel pays).
import { fork } from 'node:child_process';
import path from 'node:path';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import * as esbuild from 'esbuild';
import { targets } from '../scripts/build.mjs';
import { KernelClient } from '../src/kernels/client';
import { medianMs, type Bench } from './lib';

const bench: Bench = async ({ quick, log }) => {
  await Promise.all(targets.filter((t) => t.platform === 'node').map((t) => esbuild.build(t)));
  const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../dist');
  const runs = quick ? 20 : 200;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'onnx-lab-bench-'));
  const echo = path.join(dir, 'echo.cjs');
  writeFileSync(echo, "process.on('message', (m) => process.send(m));\nprocess.on('disconnect', () => process.exit(0));\n");
  const child = fork(echo, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const roundTrip = (payload: unknown) => new Promise((res) => {
    child.once('message', res);
    child.send(payload as never);
  });
  const bare = await medianMs(() => roundTrip({ id: 1 }), runs, 5);
  const megabyte = new Uint8Array(1 << 20);
  const bare1mb = await medianMs(() => roundTrip({ id: 1, data: megabyte }), runs, 5);
  child.kill();

  const kernel = new KernelClient(path.join(dist, 'kernel.js'), dir);
  await kernel.ready;
  const empty = await medianMs(() => kernel.execute('', 'typescript'), runs, 5);
  const ts = await medianMs(() => kernel.execute('const n: number = 1;\nn + 1', 'typescript'), runs, 5);
  const f32 = await medianMs(() => kernel.execute('new Float32Array(262144)', 'javascript'), quick ? 5 : 20, 2);
  kernel.kill();
  log(`bare IPC ${bare.toFixed(3)} ms, 1 MB ${bare1mb.toFixed(3)} ms; empty cell ${empty.toFixed(3)} ms`);
  return [
    { name: 'empty cell', value: empty, unit: 'ms', reference: 'bare child-process round trip', reference_value: bare },
    { name: 'TypeScript cell (compile + run)', value: ts, unit: 'ms', reference: 'bare child-process round trip', reference_value: bare },
    { name: 'cell returning a 1 MB Float32Array (text/plain)', value: f32, unit: 'ms', reference: 'bare round trip with 1 MB', reference_value: bare1mb },
  ];
};

export default bench;
