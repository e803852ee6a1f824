import path from 'node:path';
import { MIME } from '../protocol/mime';
import { summarizeModelFile } from '../core/onnx/summary';
import { formatSummaryText } from '../core/onnx/format';
import { displayable, type Displayable } from './display';
import type { ModelSession, SessionOptions } from '../runtime/session';

/**
 * The API cells see as the global `onnxLab`. Only capabilities that exist are listed here.
 */
export interface NotebookApi {
  /** Reads an ONNX model (path relative to the notebook) and shows its summary. */
  inspect(modelPath: string): Promise<Displayable & { summary: unknown }>;
  /** Opens an onnxruntime session on a model (path relative to the notebook): `.inputs`, `.outputs`, `.run(feeds)`. */
  load(modelPath: string, opts?: SessionOptions): Promise<ModelSession>;
}

export function createNotebookApi(notebookDir: string): NotebookApi {
  return {
    async inspect(modelPath) {
      const summary = summarizeModelFile(path.resolve(notebookDir, modelPath));
      const shown = displayable(() => [
        { mime: MIME.modelSummary, data: JSON.stringify(summary) },
        { mime: 'text/plain', data: formatSummaryText(summary) },
      ]);
      return Object.assign(shown, { summary });
    },
    async load(modelPath, opts) {
      // Loaded on first use: a notebook that never runs a model never pays for onnxruntime.
      const { ModelSession } = await import('../runtime/session');
      return ModelSession.open(path.resolve(notebookDir, modelPath), opts);
    },
  };
}
