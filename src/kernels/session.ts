import { createRequire } from 'node:module';
import path from 'node:path';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import vm from 'node:vm';
import type { CellError, CellLanguage, OutputItem } from '../protocol/kernel';
import { compileCell } from './compile';
import { outputsFor } from './display';
import { createNotebookApi } from './api';

export interface CellSink {
  stream(name: 'stdout' | 'stderr', text: string): void;
}

export type CellOutcome = { ok: true; result?: OutputItem[] } | { ok: false; error: CellError };

/**
 * The state of one notebook: cells run one after another in this process's global realm, so
 * declarations persist between cells and typed arrays stay the realm's own (onnxruntime checks
 * `instanceof Float32Array`). One process serves one notebook, which keeps notebooks apart.
 */
export class KernelSession {
  private sink: CellSink | undefined;
  private counter = 0;
  private interruptCurrent: ((e: Error) => void) | undefined;

  constructor(readonly notebookDir: string) {
    const writer = (name: 'stdout' | 'stderr') =>
      new Writable({
        write: (chunk, _enc, done) => {
          this.sink?.stream(name, chunk.toString());
          done();
        },
      });
    const g = globalThis as Record<string, unknown>;
    g.console = new Console({ stdout: writer('stdout'), stderr: writer('stderr'), colorMode: false });
    // Cells resolve modules and files from the notebook's folder, as users expect; 'onnx-lab' is the API.
    const api = createNotebookApi(notebookDir);
    const requireFromNotebook = createRequire(path.join(notebookDir, '__notebook__.js'));
    g.require = Object.assign((id: string) => (id === 'onnx-lab' ? api : requireFromNotebook(id)), requireFromNotebook);
    g.onnxLab = api;
    process.chdir(notebookDir);
  }

  /** Ends the running cell if it is waiting (a busy loop never sees this: the client then kills the process). */
  interrupt(): void {
    const e = new Error('the cell was interrupted');
    e.name = 'Interrupted';
    this.interruptCurrent?.(e);
  }

  async execute(code: string, language: CellLanguage, sink: CellSink): Promise<CellOutcome> {
    this.sink = sink;
    const cellName = `cell-${++this.counter}`;
    try {
      const body = compileCell(code, language, cellName);
      // An async function body gives top-level await; it runs in this realm's global scope.
      const run = vm.runInThisContext(`(async function () {\n${body}\n})`, { filename: cellName, lineOffset: -1 }) as () => Promise<unknown>;
      // An interrupt ends the wait for an awaiting cell; the state it built so far stays.
      const value = await Promise.race([run(), new Promise<never>((_, reject) => (this.interruptCurrent = reject))]);
      return { ok: true, result: outputsFor(value) };
    } catch (e) {
      return { ok: false, error: toCellError(e, cellName) };
    } finally {
      this.sink = undefined;
      this.interruptCurrent = undefined;
    }
  }
}

function toCellError(e: unknown, cellName: string): CellError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  // Keep only the frames inside the cell: the kernel's own frames mean nothing to the user.
  const frames = (e.stack ?? '').split('\n').filter((l) => l.includes(cellName));
  return { name: e.name, message: e.message, stack: [`${e.name}: ${e.message}`, ...frames].join('\n') };
}
