import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import path from 'node:path';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { copyOfSamples, onnxLab, until } from './util';
import { screenshot } from './harness';

describe('lint results in the Problems panel', () => {
  const dir = copyOfSamples();

  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a card binding a wrong input name gets an error naming the model input, and a Quick Fix renames it', async () => {
    await onnxLab();
    const modelDir = path.join(dir, 'card-demo');
    mkdirSync(modelDir, { recursive: true });
    copyFileSync(path.join(dir, 'models', 'tiny-audio-tagger.onnx'), path.join(modelDir, 'model.onnx'));
    const cardPath = path.join(modelDir, 'card.json');
    writeFileSync(cardPath, JSON.stringify({ kind: 'audio-tagger', inputs: [{ name: 'audio_signal', elemType: 'float32', shape: [1, 40, 'T'] }], outputs: ['logits'] }, null, 2) + '\n');
    const uri = vscode.Uri.file(cardPath);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);

    const diags = await until('lint diagnostics on the card', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'ONNX Lab');
      return d.length ? d : undefined;
    });
    const missing = diags.find((d) => d.code === 'binding.missing-name');
    assert.ok(missing, `diagnostics: ${diags.map((d) => `${d.code}: ${d.message}`).join(' | ')}`);
    assert.equal(missing.severity, vscode.DiagnosticSeverity.Error);
    assert.match(missing.message, /audio_signal/);
    assert.match(missing.message, /features/);
    assert.equal(doc.getText(missing.range), '"audio_signal"');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('vscode-lint-card');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, missing.range);
    const fix = actions.find((a) => /Rename 'audio_signal' to 'features'/.test(a.title));
    assert.ok(fix?.edit, `code actions: ${actions.map((a) => a.title).join(' | ')}`);
    await vscode.workspace.applyEdit(fix.edit);
    await doc.save();
    assert.match(doc.getText(), /"name": "features"/);
    await until('the error to clear after the fix', () => !vscode.languages.getDiagnostics(uri).some((d) => d.code === 'binding.missing-name'));
  });

  it('opening a broken model puts the read error in the Problems panel', async () => {
    await onnxLab();
    const uri = vscode.Uri.file(path.join(dir, 'not-a-model.onnx'));
    writeFileSync(uri.fsPath, 'RIFF this is not a model');
    await vscode.commands.executeCommand('vscode.open', uri);
    const diags = await until('a diagnostic on the model file', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'ONNX Lab');
      return d.length ? d : undefined;
    });
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(diags[0].message, /not an ONNX model/);
  });
});
