// Entry of the kernel child process: one per notebook, spoken to over Node IPC (see protocol/kernel).
import type { FromKernel, ToKernel } from '../protocol/kernel';
import { KernelSession } from './session';

const send = (m: FromKernel) => process.send?.(m);
const session = new KernelSession(process.env.ONNX_LAB_NOTEBOOK_DIR || process.cwd());
let queue = Promise.resolve();

process.on('message', (m: ToKernel) => {
  if (m.type === 'shutdown') process.exit(0);
  if (m.type === 'interrupt') return session.interrupt();
  if (m.type !== 'execute') return;
  queue = queue.then(async () => {
    const outcome = await session.execute(m.code, m.language, {
      stream: (name, text) => send({ type: 'stream', id: m.id, name, text }),
    });
    send(outcome.ok ? { type: 'done', id: m.id, ok: true, result: outcome.result } : { type: 'done', id: m.id, ok: false, error: outcome.error });
  });
});
// A promise a cell forgot to await must not end the kernel (and the notebook's state with it).
process.on('unhandledRejection', (e) => console.error('Unhandled rejection in a cell:', e));
process.on('uncaughtException', (e) => console.error('Uncaught exception in a cell:', e));
// The parent going away must not leave an orphan kernel behind.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
