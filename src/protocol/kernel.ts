/** Messages between the extension host (or the CLI) and a kernel child process, over Node IPC. */


export type CellLanguage = 'typescript' | 'javascript';

/** One output item: text for textual mimes, bytes for binary payloads (IPC uses 'advanced' serialization). */
export interface OutputItem {
  mime: string;
  data: string | Uint8Array;
}

export type ToKernel =
  | { type: 'execute'; id: number; code: string; language: CellLanguage; cellName?: string }
  | { type: 'interrupt' }
  | { type: 'shutdown' };

export type FromKernel =
  | { type: 'ready'; pid: number }
  | { type: 'stream'; id: number; name: 'stdout' | 'stderr'; text: string }
  | { type: 'display'; id: number; items: OutputItem[] }
  | { type: 'done'; id: number; ok: true; result?: OutputItem[] }
  | { type: 'done'; id: number; ok: false; error: CellError };

export interface CellError {
  name: string;
  message: string;
  /** Stack with the kernel's own frames removed and positions mapped to the cell's lines. */
  stack?: string;
}
