import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { copyOfSamples, onnxLab } from './util';
import { screenshot } from './harness';

describe('.onnx files open in the ONNX Lab model inspector', () => {
  const dir = copyOfSamples();

  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opening a model shows its inputs, outputs and metadata', async () => {
    const api = await onnxLab();
    const uri = vscode.Uri.file(path.join(dir, 'models', 'tiny-audio-tagger.onnx'));
    await vscode.commands.executeCommand('vscode.open', uri);
    const { text } = await api.rendered.waitFor('model-editor', uri.toString(), 30000);
    assert.match(text, /tiny-audio-tagger\.onnx/);
    assert.match(text, /features\s*float32\s*\[batch, 40, time\]/);
    assert.match(text, /logits\s*float32\s*\[batch, 5\]/);
    assert.match(text, /feature_preset\s*kws40/);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === 'onnxLab.modelEditor', 'the custom editor is the active tab');
    await screenshot('vscode-model-editor');
  });

  it('"Inspect ONNX Graph" opens the inspector on an .onnx file', async () => {
    const api = await onnxLab();
    const uri = vscode.Uri.file(path.join(dir, 'models', 'copy-for-command.onnx'));
    writeFileSync(uri.fsPath, readFileSync(path.join(dir, 'models', 'tiny-audio-tagger.onnx')));
    await vscode.commands.executeCommand('onnxLab.inspectModel', uri);
    const { text } = await api.rendered.waitFor('model-editor', uri.toString(), 30000);
    assert.match(text, /copy-for-command\.onnx/);
  });

  it('a truncated model shows the error in the editor, not a blank page', async () => {
    const api = await onnxLab();
    const bytes = readFileSync(path.join(dir, 'models', 'tiny-audio-tagger.onnx'));
    const uri = vscode.Uri.file(path.join(dir, 'broken.onnx'));
    writeFileSync(uri.fsPath, bytes.subarray(0, bytes.length >> 1));
    await vscode.commands.executeCommand('vscode.open', uri);
    const { text } = await api.rendered.waitFor('model-editor', uri.toString(), 30000);
    assert.match(text, /broken\.onnx: truncated ONNX file/);
    await screenshot('vscode-model-editor-error');
  });
});
