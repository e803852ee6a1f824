import * as vscode from 'vscode';
import path from 'node:path';
import { KernelClient, KernelDiedError } from '../kernels/client';
import { ONNX_LAB_KERNELSPEC } from '../core/notebook/ipynb';
import type { CellLanguage, OutputItem } from '../protocol/kernel';

const NOTEBOOK_TYPE = 'jupyter-notebook';

/**
 * The "ONNX Lab (TypeScript)" kernel for .ipynb: cells run in one child process per notebook, so a
 * runaway or crashing cell never takes the extension host down with it.
 */
export class NotebookKernelController implements vscode.Disposable {
  private readonly controller: vscode.NotebookController;
  private readonly kernels = new Map<string, KernelClient>();
  private readonly disposables: vscode.Disposable[] = [];
  private executionOrder = 0;
  /** Kernels the user interrupted, so a cell that then fails says so instead of "the kernel died". */
  private readonly interrupted = new WeakSet<KernelClient>();

  constructor(private readonly kernelScript: string) {
    this.controller = vscode.notebooks.createNotebookController(ONNX_LAB_KERNELSPEC.name, NOTEBOOK_TYPE, ONNX_LAB_KERNELSPEC.display_name);
    this.controller.supportedLanguages = ['typescript', 'javascript'];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'TypeScript cells with the ONNX Lab API';
    this.controller.executeHandler = (cells, notebook) => this.executeAll(cells, notebook);
    this.controller.interruptHandler = async (notebook) => {
      const kernel = this.kernelFor(notebook);
      if (!kernel) return;
      this.interrupted.add(kernel);
      await kernel.interrupt();
    };
    this.disposables.push(
      this.controller,
      this.controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
        if (selected) void this.recordKernelspec(notebook);
      }),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.preferIfRecorded(nb)),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.shutdown(nb)),
      vscode.commands.registerCommand('onnxLab.restartKernel', () => {
        const nb = vscode.window.activeNotebookEditor?.notebook;
        if (nb) this.shutdown(nb);
        void vscode.window.showInformationMessage('ONNX Lab: the kernel restarts on the next run, with a clean state.');
      }),
    );
    vscode.workspace.notebookDocuments.forEach((nb) => this.preferIfRecorded(nb));
  }

  /** The kernel process of a notebook, if one is running (for tests and the status bar). */
  kernelFor(notebook: vscode.NotebookDocument): KernelClient | undefined {
    return this.kernels.get(notebook.uri.toString());
  }

  /** Ends the notebook's kernel process; the next run starts a new one. */
  shutdown(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    this.kernels.get(key)?.kill();
    this.kernels.delete(key);
  }

  dispose(): void {
    for (const k of this.kernels.values()) k.kill();
    this.kernels.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private preferIfRecorded(nb: vscode.NotebookDocument) {
    const spec = (nb.metadata as { metadata?: { kernelspec?: { name?: string } } })?.metadata?.kernelspec;
    if (nb.notebookType === NOTEBOOK_TYPE && spec?.name === ONNX_LAB_KERNELSPEC.name) {
      this.controller.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred);
    }
  }

  /** Writes the kernelspec into the notebook's metadata so the .ipynb reopens with this kernel. */
  private async recordKernelspec(nb: vscode.NotebookDocument) {
    const meta = (nb.metadata ?? {}) as { metadata?: Record<string, unknown> };
    const inner = meta.metadata ?? {};
    const current = inner.kernelspec as { name?: string } | undefined;
    if (current?.name === ONNX_LAB_KERNELSPEC.name) return;
    const edit = new vscode.WorkspaceEdit();
    edit.set(nb.uri, [
      vscode.NotebookEdit.updateNotebookMetadata({
        ...meta,
        metadata: { ...inner, kernelspec: ONNX_LAB_KERNELSPEC, language_info: { name: 'typescript' } },
      }),
    ]);
    await vscode.workspace.applyEdit(edit);
  }

  private kernel(notebook: vscode.NotebookDocument): KernelClient {
    const key = notebook.uri.toString();
    let k = this.kernels.get(key);
    if (!k || !k.alive) {
      const dir = notebook.uri.scheme === 'file' ? path.dirname(notebook.uri.fsPath) : (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd());
      const memoryLimitMb = vscode.workspace.getConfiguration('onnxLab.kernel').get<number>('memoryLimitMb');
      k = new KernelClient(this.kernelScript, dir, { memoryLimitMb });
      this.kernels.set(key, k);
    }
    return k;
  }

  private async executeAll(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument) {
    for (const cell of cells) {
      const ok = await this.executeCell(cell, notebook);
      if (!ok) break;
    }
  }

  private async executeCell(cell: vscode.NotebookCell, notebook: vscode.NotebookDocument): Promise<boolean> {
    const execution = this.controller.createNotebookCellExecution(cell);
    execution.executionOrder = ++this.executionOrder;
    execution.start(Date.now());
    await execution.clearOutput();
    if (!vscode.workspace.isTrusted) {
      await execution.replaceOutput(errorOutput('Restricted Mode', 'ONNX Lab runs notebook cells only in a trusted workspace. Trust this folder to run cells.'));
      execution.end(false, Date.now());
      return false;
    }
    const language = cell.document.languageId as CellLanguage;
    if (language !== 'typescript' && language !== 'javascript') {
      await execution.replaceOutput(errorOutput('UnsupportedLanguage', `The ONNX Lab kernel runs TypeScript and JavaScript cells, not ${language}.`));
      execution.end(false, Date.now());
      return false;
    }
    const kernel = this.kernel(notebook);
    execution.token.onCancellationRequested(() => {
      this.interrupted.add(kernel);
      void kernel.interrupt();
    });
    try {
      const r = await kernel.execute(cell.document.getText(), language, {
        stream: (name, text) => void execution.appendOutput(new vscode.NotebookCellOutput([name === 'stdout' ? vscode.NotebookCellOutputItem.stdout(text) : vscode.NotebookCellOutputItem.stderr(text)])),
        display: (items) => void execution.appendOutput(toCellOutput(items)),
      });
      if (r.ok && r.result) await execution.appendOutput(toCellOutput(r.result));
      if (!r.ok) await execution.appendOutput(errorOutput(r.error.name, r.error.message, r.error.stack));
      this.interrupted.delete(kernel);
      execution.end(r.ok, Date.now());
      return r.ok;
    } catch (e) {
      const died = e instanceof KernelDiedError;
      const message = this.interrupted.has(kernel)
        ? 'Interrupted: the cell did not stop when asked, so its kernel was ended; the next run starts a fresh kernel (earlier state is lost).'
        : (e as Error).message;
      await execution.appendOutput(errorOutput(died ? 'KernelDied' : 'KernelError', message));
      execution.end(false, Date.now());
      return false;
    }
  }
}

function toCellOutput(items: OutputItem[]): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput(
    items.map((i) => (typeof i.data === 'string' ? vscode.NotebookCellOutputItem.text(i.data, i.mime) : new vscode.NotebookCellOutputItem(i.data, i.mime))),
  );
}

function errorOutput(name: string, message: string, stack?: string): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name, message, stack })]);
}
