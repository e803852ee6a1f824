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
    // VS Code's theme class survives Netron's show(), and Netron's colours follow the theme.
    assert.match(text, /^theme: vscode-light\b.*; Netron colours: light$/m);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('onnxLab.netron'), 'the Netron panel is the active tab');
    assert.equal(tab.label, 'Netron: tiny-audio-tagger.onnx');
    await new Promise((r) => setTimeout(r, 500)); // Netron fades the graph in
    await screenshot('vscode-netron');
  });

  it('in a dark theme Netron draws with its dark colours on the editor background', async () => {
    const api = await onnxLab();
    const workbench = vscode.workspace.getConfiguration('workbench');
    const before = workbench.inspect<string>('colorTheme')?.globalValue;
    await workbench.update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
    try {
      const uri = vscode.Uri.file(path.join(dir, 'models', 'tiny-audio-tagger.onnx'));
      const seen = new Promise<string>((resolve) => {
        const sub = api.rendered.onDidRender((r) => r.view === 'netron' && r.uri === uri.toString() && (sub.dispose(), resolve(r.text)));
      });
      await vscode.commands.executeCommand('onnxLab.openInNetron', uri);
      const text = await seen;
      assert.match(text, /^inputs: features$/m);
      assert.match(text, /^theme: vscode-dark\b.*; Netron colours: dark$/m);
      await new Promise((r) => setTimeout(r, 500));
      await screenshot('vscode-netron-dark');
    } finally {
      await workbench.update('colorTheme', before, vscode.ConfigurationTarget.Global);
    }
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
