import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { copyOfSamples, onnxLab } from './util';
import { screenshot } from './harness';

interface Report { status: string; counts: { pass: number; fail: number; error: number }; cases: { name: string; status: string }[] }
type ValidationApi = {
  discover(): Promise<number>;
  controller: vscode.TestController;
  run(req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<Report[]>;
};

describe('export validation against golden outputs', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('golden sets beside models appear in the Test Explorer and pass when the export matches PyTorch', async () => {
    const api = (await onnxLab()) as unknown as { validation: ValidationApi };
    const dir = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? assert.fail('the harness opens a copy of samples/ as the workspace');
    const sets = await api.validation.discover();
    assert.ok(sets >= 1, 'the sample golden set is discovered');
    const model = [...iterate(api.validation.controller.items)].find((i) => i.uri?.fsPath === path.join(dir, 'models', 'tiny-audio-tagger.onnx'));
    assert.ok(model, `the sample model is a test item (items: ${[...iterate(api.validation.controller.items)].map((i) => i.id).join(', ')})`);
    const reports = await api.validation.run(new vscode.TestRunRequest([model]), new vscode.CancellationTokenSource().token);
    assert.equal(reports.length, 1);
    assert.equal(reports[0].status, 'pass');
    assert.deepEqual(reports[0].cases.map((c) => c.status), ['pass', 'pass']);
  });

  it('a perturbed export fails with the numbers, through "Validate Against Golden Outputs"', async () => {
    const api = (await onnxLab()) as unknown as { validation: ValidationApi };
    const dir = copyOfSamples();
    const modelPath = path.join(dir, 'models', 'tiny-audio-tagger.onnx');
    // Change one float of the output layer's bias: the export no longer matches its PyTorch goldens.
    const model = fromBinary(ModelProtoSchema, readFileSync(modelPath));
    const bias = model.graph!.initializer.find((t) => t.name === 'head.bias');
    assert.ok(bias?.rawData.length, 'the sample has head.bias as raw data');
    const raw = new Uint8Array(bias.rawData);
    new DataView(raw.buffer).setFloat32(0, new DataView(raw.buffer).getFloat32(0, true) + 0.5, true);
    bias.rawData = raw;
    writeFileSync(modelPath, toBinary(ModelProtoSchema, model));
    const report = await vscode.commands.executeCommand<Report>('onnxLab.validateModel', vscode.Uri.file(modelPath));
    assert.ok(report, 'the command returns its report');
    assert.equal(report.status, 'fail');
    // The report view beside the editor shows the verdict and the failing output's numbers.
    const { text } = await (api as unknown as { rendered: { waitFor(v: string, u: string, t?: number): Promise<{ text: string }> } }).rendered.waitFor('validation-report', vscode.Uri.file(modelPath).toString(), 30000);
    assert.match(text, /FAIL: 0 passed, 2 failed/);
    assert.match(text, /logits/);
    await screenshot('vscode-validation-report');
  });
});

function* iterate(items: vscode.TestItemCollection): Generator<vscode.TestItem> {
  const all: vscode.TestItem[] = [];
  items.forEach((i) => all.push(i));
  for (const i of all) {
    yield i;
    yield* iterate(i.children);
  }
}
