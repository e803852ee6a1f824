import { fork, type ChildProcess } from 'node:child_process';
import type { CellLanguage, CellError, FromKernel, OutputItem, ToKernel } from '../protocol/kernel';

export interface CellCallbacks {
  stream?(name: 'stdout' | 'stderr', text: string): void;
  display?(items: OutputItem[]): void;
}

export type CellResult = { ok: true; result?: OutputItem[] } | { ok: false; error: CellError };

/** Thrown to pending cells when the kernel process ends under them. */
export class KernelDiedError extends Error {
  constructor(readonly exitCode: number | null, readonly signal: NodeJS.Signals | null) {
    super(`the kernel process ended (${signal ? `signal ${signal}` : `exit code ${exitCode}`}); it restarts on the next run`);
    this.name = 'KernelDiedError';
  }
}

interface Pending {
  callbacks: CellCallbacks;
  resolve(r: CellResult): void;
  reject(e: Error): void;
}

/**
 * A kernel child process (dist/kernel.js) and the cells sent to it. Used by the notebook controller
 * and by `onnx-lab run`, so both execute notebooks the same way.
 */
export class KernelClient {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;
  readonly ready: Promise<number>;
  readonly exit: Promise<KernelDiedError>;

  constructor(kernelScript: string, notebookDir: string, opts: { env?: NodeJS.ProcessEnv; memoryLimitMb?: number } = {}) {
    this.child = fork(kernelScript, [], {
      cwd: notebookDir,
      // Only what the kernel needs: no tokens or secrets of the host process leak into cells.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env, ONNX_LAB_NOTEBOOK_DIR: notebookDir },
      execArgv: opts.memoryLimitMb ? [`--max-old-space-size=${Math.round(opts.memoryLimitMb)}`] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      const onReady = (m: FromKernel) => {
        if (m.type === 'ready') {
          this.child.off('message', onReady);
          resolve(m.pid);
        }
      };
      this.child.on('message', onReady);
      this.child.once('exit', (code, signal) => reject(new KernelDiedError(code, signal)));
    });
    this.ready.catch(() => undefined);
    this.exit = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        const err = new KernelDiedError(code, signal);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve(err);
      });
    });
    this.child.on('message', (m: FromKernel) => this.onMessage(m));
    // Output a cell writes straight to the process streams (native code, process.stdout) is still the cell's.
    this.child.stdout?.on('data', (b: Buffer) => this.current()?.callbacks.stream?.('stdout', b.toString()));
    this.child.stderr?.on('data', (b: Buffer) => this.current()?.callbacks.stream?.('stderr', b.toString()));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  execute(code: string, language: CellLanguage, callbacks: CellCallbacks = {}): Promise<CellResult> {
    if (this.exited) return Promise.reject(new KernelDiedError(this.child.exitCode, this.child.signalCode));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { callbacks, resolve, reject });
      this.send({ type: 'execute', id, code, language });
    });
  }

  /**
   * Stops the running cell: first by asking (a cell waiting on a promise ends, state kept), then,
   * if it has not ended within `graceMs` (a busy loop), by killing the process. Resolves with how.
   */
  async interrupt(graceMs = 300): Promise<'interrupted' | 'killed' | 'idle'> {
    if (this.exited) return 'idle';
    const running = [...this.pending.values()];
    if (!running.length) return 'idle';
    const ended = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (!running.some((p) => [...this.pending.values()].includes(p))) {
          clearInterval(check);
          resolve();
        }
      }, 10);
      setTimeout(() => clearInterval(check), graceMs + 50).unref();
    });
    this.send({ type: 'interrupt' });
    const how = await Promise.race([ended.then(() => 'interrupted' as const), new Promise<'killed'>((r) => setTimeout(() => r('killed'), graceMs))]);
    if (how === 'killed') this.kill();
    return how;
  }

  /** Ends the process; pending cells fail with KernelDiedError. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  dispose(): void {
    if (this.exited) return;
    this.send({ type: 'shutdown' });
    setTimeout(() => this.kill(), 1000).unref();
  }

  private send(m: ToKernel) {
    if (this.child.connected) this.child.send(m);
  }

  private current(): Pending | undefined {
    return this.pending.values().next().value;
  }

  private onMessage(m: FromKernel) {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'stream') p.callbacks.stream?.(m.name, m.text);
    else if (m.type === 'display') p.callbacks.display?.(m.items);
    else if (m.type === 'done') {
      this.pending.delete(m.id);
      p.resolve(m.ok ? { ok: true, result: m.result } : { ok: false, error: m.error });
    }
  }
}
