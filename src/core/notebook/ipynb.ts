import { readFile } from 'node:fs/promises';
import { OnnxLabError } from '../errors';

/** The parts of nbformat 4 that ONNX Lab reads and writes; everything else is kept as it was. */
export interface Ipynb {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown> & {
    kernelspec?: { name?: string; display_name?: string; language?: string };
    language_info?: { name?: string };
  };
  cells: IpynbCell[];
}

export interface IpynbCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: Record<string, unknown> & { vscode?: { languageId?: string } };
  outputs?: IpynbOutput[];
  execution_count?: number | null;
  id?: string;
}

export type IpynbOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string[] }
  | { output_type: 'execute_result' | 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown>; execution_count?: number | null }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/** Kernel metadata that makes VS Code (and Jupyter) reopen a notebook with the ONNX Lab kernel. */
export const ONNX_LAB_KERNELSPEC = { name: 'onnx-lab-ts', display_name: 'ONNX Lab (TypeScript)', language: 'typescript' };

export function parseIpynb(text: string, file?: string): Ipynb {
  let nb: Ipynb;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new OnnxLabError('ipynb.json', `not a notebook: invalid JSON (${(e as Error).message})`, file);
  }
  if (typeof nb !== 'object' || nb === null || !Array.isArray(nb.cells)) {
    throw new OnnxLabError('ipynb.shape', 'not a notebook: no "cells" list', file);
  }
  if (nb.nbformat !== 4) throw new OnnxLabError('ipynb.version', `unsupported nbformat ${nb.nbformat} (ONNX Lab reads nbformat 4)`, file);
  return nb;
}

export async function readIpynb(file: string): Promise<Ipynb> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OnnxLabError('ipynb.read', code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code})`, file);
  }
  return parseIpynb(text, file);
}

export function cellSource(cell: IpynbCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** The cell's language: its own VS Code language id, else the notebook's. */
export function cellLanguage(nb: Ipynb, cell: IpynbCell): string {
  return cell.metadata?.vscode?.languageId ?? nb.metadata.kernelspec?.language ?? nb.metadata.language_info?.name ?? 'typescript';
}

/** Splits text into nbformat's list-of-lines form. */
export function toLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}
