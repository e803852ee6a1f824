import path from 'node:path';
import { MIME } from '../protocol/mime';
import { summarizeModelFile } from '../core/onnx/summary';
import { formatSummaryText } from '../core/onnx/format';
import { displayable, type Displayable } from './display';

/**
 * The API cells see as the global `onnxLab`. Only capabilities that exist are listed here.
 */
export interface NotebookApi {
  /** Reads an ONNX model (path relative to the notebook) and shows its summary. */
  inspect(modelPath: string): Promise<Displayable & { summary: unknown }>;
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
  };
}
