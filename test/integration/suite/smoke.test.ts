// First checks of the environment the other integration tests rely on: the right
// VS Code, the extension under test installed from the VSIX, and notebooks working.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { screenshot } from './harness';

const EXTENSION_ID = 'onnx-lab.onnx-lab';

/** Fails with `what` instead of a bare mocha timeout when a VS Code call hangs. */
function within<T>(what: string, ms: number, p: Thenable<T>): Promise<T> {
  return Promise.race([
    Promise.resolve(p),
    new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms)),
  ]);
}

describe('smoke', () => {
  it('runs in VS Code 1.100', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  it(`${EXTENSION_ID} is installed and activates`, async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed; installed: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
    // It must be the copy installed from the VSIX, not a development folder.
    const extensionsDir = process.env.ONNX_LAB_IT_EXTENSIONS_DIR;
    if (extensionsDir) assert.ok(ext.extensionPath.startsWith(extensionsDir), `loaded from ${ext.extensionPath}`);
    await ext.activate();
    assert.equal(ext.isActive, true);
    await screenshot('smoke-activated');
  });

  it('opens a .ipynb in the notebook editor (built-in ipynb extension)', async () => {
    assert.ok(vscode.extensions.getExtension('vscode.ipynb'), 'the built-in vscode.ipynb extension is missing');
    const file = join(mkdtempSync(join(tmpdir(), 'smoke-ipynb-')), 'smoke.ipynb');
    writeFileSync(
      file,
      JSON.stringify({
        cells: [
          { cell_type: 'markdown', metadata: {}, source: ['# Smoke notebook'] },
          { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: ['1 + 1'] },
        ],
        metadata: { language_info: { name: 'typescript' } },
        nbformat: 4,
        nbformat_minor: 5,
      }),
    );
    const doc = await within('openNotebookDocument', 20_000, vscode.workspace.openNotebookDocument(vscode.Uri.file(file)));
    assert.equal(doc.notebookType, 'jupyter-notebook');
    assert.deepEqual(
      doc.getCells().map((c) => [c.kind, c.document.getText()]),
      [
        [vscode.NotebookCellKind.Markup, '# Smoke notebook'],
        [vscode.NotebookCellKind.Code, '1 + 1'],
      ],
    );
    const editor = await within('showNotebookDocument', 20_000, vscode.window.showNotebookDocument(doc));
    assert.equal(vscode.window.activeNotebookEditor, editor);
    assert.equal(editor.notebook.uri.fsPath, file);
    await screenshot('smoke-notebook');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
