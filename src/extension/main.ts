// Extension entry: thin glue from VS Code to ONNX Lab's core, kernel and views.
import * as vscode from 'vscode';
import { ModelEditorProvider, MODEL_EDITOR_VIEW_TYPE } from './model-editor';
import { NotebookKernelController } from './notebook-controller';
import { RenderedViews } from './rendered-events';
import { LintDiagnostics } from './lint-diagnostics';
import { GoldenValidation } from './validation';
import { registerCellCompletions } from './cell-completions';
import { registerNetron } from './netron-panel';
import { RENDERER_ID, type RendererMessage } from '../protocol/renderer';

/** What `activate` returns: used by integration tests to observe what the user sees. */
export interface OnnxLabApi {
  rendered: RenderedViews;
  notebookKernel: NotebookKernelController;
  lint: LintDiagnostics;
  validation: GoldenValidation;
}

export function activate(context: vscode.ExtensionContext): OnnxLabApi {
  const rendered = new RenderedViews();
  const lint = new LintDiagnostics();
  const validation = new GoldenValidation(vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath, context.extensionUri, rendered);
  const notebookKernel = new NotebookKernelController(vscode.Uri.joinPath(context.extensionUri, 'dist', 'kernel.js').fsPath);
  context.subscriptions.push(
    rendered,
    lint,
    validation,
    registerCellCompletions(),
    notebookKernel,
    vscode.window.registerCustomEditorProvider(MODEL_EDITOR_VIEW_TYPE, new ModelEditorProvider(context.extensionUri, rendered, lint), {
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.notebooks.createRendererMessaging(RENDERER_ID).onDidReceiveMessage(({ message }) => {
      const m = message as RendererMessage;
      if (m?.type === 'rendered') rendered.report({ view: 'notebook-output', uri: m.outputId, text: m.text });
    }),
    vscode.commands.registerCommand('onnxLab.inspectModel', (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) return vscode.window.showErrorMessage('ONNX Lab: choose an .onnx file to inspect.');
      return vscode.commands.executeCommand('vscode.openWith', target, MODEL_EDITOR_VIEW_TYPE);
    }),
    ...registerNetron(context.extensionUri, rendered, MODEL_EDITOR_VIEW_TYPE),
  );
  return { rendered, notebookKernel, lint, validation };
}

export function deactivate(): void {
  // Subscriptions (kernel processes included) are disposed by VS Code.
}
