import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { copyOfSamples, onnxLab } from './util';
import { screenshot } from './harness';

describe('Netron, embedded: "Open in Netron"', () => {
  const dir = copyOfSamples();

  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens a model in the bundled Netron, which draws its input features and output logits', async () => {
    const api = await onnxLab();
    const uri = vscode.Uri.file(path.join(dir, 'models', 'tiny-audio-tagger.onnx'));
    const t0 = Date.now();
    await vscode.commands.executeCommand('onnxLab.openInNetron', uri);
    const { text } = await api.rendered.waitFor('netron', uri.toString(), 60000);
    console.log(`      open → rendered: ${Date.now() - t0} ms\n      ${text.replace(/\n/g, '\n      ')}`);
    // Read from Netron's own DOM in the webview: the graph's input and output nodes it drew.
    assert.match(text, /^Netron \d+\.\d+\.\d+: tiny-audio-tagger\.onnx$/m);
    assert.match(text, /^inputs: features$/m);
    assert.match(text, /^outputs: logits$/m);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('onnxLab.netron'), 'the Netron panel is the active tab');
    assert.equal(tab.label, 'Netron: tiny-audio-tagger.onnx');
    await new Promise((r) => setTimeout(r, 500)); // Netron fades the graph in
    await screenshot('vscode-netron');
  });

  it('a broken model: the panel shows Netron\'s error and offers the inspector, not a blank page', async () => {
    const api = await onnxLab();
    const bytes = readFileSync(path.join(dir, 'models', 'tiny-audio-tagger.onnx'));
    const uri = vscode.Uri.file(path.join(dir, 'broken-for-netron.onnx'));
    writeFileSync(uri.fsPath, bytes.subarray(0, bytes.length >> 1));
    await vscode.commands.executeCommand('onnxLab.openInNetron', uri);
    const { text } = await api.rendered.waitFor('netron', uri.toString(), 60000);
    assert.match(text, /^Netron could not (open|show) broken-for-netron\.onnx: /);
    await screenshot('vscode-netron-error');
  });
});
