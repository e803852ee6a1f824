import * as vscode from 'vscode';
import path from 'node:path';
import { isOnnxLabError } from '../core/errors';
import { summarizeModelBytes } from '../core/onnx';
import type { FromModelEditor, ToModelEditor } from '../protocol/model-summary';
import { webviewHtml, webviewOptions } from './webview-html';
import type { RenderedViews } from './rendered-events';
import type { LintDiagnostics } from './lint-diagnostics';

export const MODEL_EDITOR_VIEW_TYPE = 'onnxLab.modelEditor';

/**
 * Read-only editor for .onnx files: the model's summary, read by ONNX Lab's own reader from bytes
 * that VS Code's file system gives (so remote workspaces work too).
 */
export class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly rendered: RenderedViews,
    private readonly lint: LintDiagnostics,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const { webview } = panel;
    webview.options = webviewOptions(this.extensionUri);
    webview.html = webviewHtml(webview, this.extensionUri, 'model-editor.js', path.basename(document.uri.path));
    const post = (m: ToModelEditor) => webview.postMessage(m);
    webview.onDidReceiveMessage(async (m: FromModelEditor) => {
      if (m.type === 'ready') post(await this.summarize(document.uri));
      else if (m.type === 'copy') await vscode.env.clipboard.writeText(m.text);
      else if (m.type === 'open-in-netron') await vscode.commands.executeCommand('onnxLab.openInNetron', document.uri);
      else if (m.type === 'rendered') this.rendered.report({ view: 'model-editor', uri: document.uri.toString(), text: m.text });
    });
  }

  private async summarize(uri: vscode.Uri): Promise<ToModelEditor> {
    const file = uri.scheme === 'file' ? uri.fsPath : uri.toString();
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      const baseDir = uri.scheme === 'file' ? path.dirname(uri.fsPath) : undefined;
      // Problems panel findings come with the view; a broken file is reported there too.
      void this.lint.lintModelFile(uri, bytes);
      return { type: 'summary', summary: summarizeModelBytes(bytes, { file, baseDir }) };
    } catch (e) {
      if (isOnnxLabError(e)) return { type: 'error', file, message: e.message.replace(`${file}: `, '') };
      if (e instanceof vscode.FileSystemError) return { type: 'error', file, message: e.message };
      return { type: 'error', file, message: `internal error: ${(e as Error).message}` };
    }
  }
}
