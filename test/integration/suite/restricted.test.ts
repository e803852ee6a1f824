import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import path from 'node:path';
import { onnxLab } from './util';
import { screenshot } from './harness';

// Runs in its own pass of the harness (run.ts --untrusted): workspace trust on, folder not trusted.
describe('Restricted Mode (untrusted workspace)', () => {
  const folder = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? assert.fail('the untrusted pass opens a folder');

  it('the workspace is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('reading a model still works: the inspector shows its summary', async () => {
    const api = await onnxLab();
    const uri = vscode.Uri.file(path.join(folder(), 'models', 'tiny-audio-tagger.onnx'));
    await vscode.commands.executeCommand('vscode.open', uri);
    const { text } = await api.rendered.waitFor('model-editor', uri.toString(), 30000);
    assert.match(text, /features/);
  });

  it('notebook cells do not run and no kernel process starts', async () => {
    const api = await onnxLab();
    const nb = await vscode.workspace.openNotebookDocument(vscode.Uri.file(path.join(folder(), 'tour.ipynb')));
    await vscode.window.showNotebookDocument(nb);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: 'onnx-lab-ts', extension: 'onnx-lab.onnx-lab' });
    const first = nb.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code)!;
    // Not awaited: in Restricted Mode VS Code first asks whether to trust the folder (a dialog the
    // test host refuses). Either VS Code refuses to execute, or the kernel refuses and says why.
    void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: first.index, end: first.index + 1 }], document: nb.uri });
    await new Promise((r) => setTimeout(r, 2000));
    assert.notEqual(first.executionSummary?.success, true);
    if (first.executionSummary?.success === false) {
      const text = first.outputs.flatMap((o) => o.items).map((i) => new TextDecoder().decode(i.data)).join('');
      assert.match(text, /only in a trusted workspace/);
    }
    assert.equal(api.notebookKernel.kernelFor(nb), undefined, 'no kernel process for an untrusted notebook');
    await screenshot('vscode-restricted-mode');
  });
});
