import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isOnnxLabError } from '../../src/core/errors';
import type { CliIO } from '../../src/cli/command';
import { inspectCommand } from '../../src/cli/commands/inspect';
import { lintCommand } from '../../src/cli/commands/lint';
import { DT, modelBytes, nemoCtcSpec, tempDir, valueInfo } from './onnx-fixtures';

function capture(cwd: string): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd };
}

describe('onnx-lab inspect / lint commands', () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => {
    tmp = tempDir();
    fs.writeFileSync(path.join(tmp.dir, 'good.onnx'), modelBytes(nemoCtcSpec()));
    fs.writeFileSync(path.join(tmp.dir, 'exported.onnx'), modelBytes(nemoCtcSpec({ inputs: [valueInfo('input.1', DT.FLOAT, ['N', 80, 'T']), valueInfo('length', DT.INT64, ['N'])] })));
    fs.writeFileSync(
      path.join(tmp.dir, 'card.json'),
      JSON.stringify({ kind: 'nemo-ctc', inputs: [{ name: 'audio_signal', elemType: 'float32', shape: ['N', 80, 'T'] }, { name: 'length', elemType: 'int64' }], outputs: ['logprobs'] }),
    );
    fs.writeFileSync(path.join(tmp.dir, 'song.onnx'), Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(40)]));
  });
  after(() => tmp.cleanup());

  it('inspect prints the text summary relative to cwd', async () => {
    const io = capture(tmp.dir);
    assert.equal(await inspectCommand.run(['good.onnx'], io), 0);
    const text = io.stdout.join('\n');
    assert.match(text, /^Model: good\.onnx/);
    assert.match(text, /audio_signal\s+float32 \[audio_signal_dynamic_axes_1, 80, audio_signal_dynamic_axes_2\]/);
    assert.match(text, /subsampling_factor\s+8/);
  });

  it('inspect --json prints the summary object', async () => {
    const io = capture(tmp.dir);
    assert.equal(await inspectCommand.run(['good.onnx', '--json'], io), 0);
    const s = JSON.parse(io.stdout.join('\n'));
    assert.equal(s.file, 'good.onnx');
    assert.deepEqual(s.outputs[0].shape, ['logprobs_dynamic_axes_1', 'logprobs_dynamic_axes_2', 1025]);
  });

  it('inspect throws one-line OnnxLabErrors for bad input and usage', async () => {
    for (const [argv, re] of [
      [['song.onnx'], /song\.onnx: not an ONNX model: the file is not a protobuf ModelProto \(starts with bytes 'RIFF'/],
      [['missing.onnx'], /missing\.onnx: no such file/],
      [['.'], /is a directory/],
      [[], /missing MODEL\.onnx/],
      [['a.onnx', 'b.onnx'], /one model at a time/],
      [['good.onnx', '--yaml'], /unknown option --yaml/],
    ] as [string[], RegExp][]) {
      await assert.rejects(inspectCommand.run(argv, capture(tmp.dir)), (e: unknown) => isOnnxLabError(e) && re.test(e.message), argv.join(' '));
    }
  });

  it('lint exits 0 for a clean model and card, 1 with errors (text and JSON)', async () => {
    let io = capture(tmp.dir);
    assert.equal(await lintCommand.run(['good.onnx', '--card', 'card.json'], io), 0);
    assert.match(io.stdout.join('\n'), /No problems found/);

    io = capture(tmp.dir);
    assert.equal(await lintCommand.run(['exported.onnx', '--card', 'card.json'], io), 1);
    const text = io.stdout.join('\n');
    assert.match(text, /error: \[binding\.missing-name\] card:inputs\[0\]: .*closest: 'input\.1'.*\(suggestion: replace 'audio_signal' with 'input\.1'\)/);
    assert.match(text, /warning: \[names\.exporter-generated\] input:input\.1/);

    io = capture(tmp.dir);
    assert.equal(await lintCommand.run(['exported.onnx', '--card', 'card.json', '--json'], io), 1);
    const j = JSON.parse(io.stdout.join('\n'));
    assert.equal(j.model, 'exported.onnx');
    assert.deepEqual(j.findings.find((f: { rule: string }) => f.rule === 'binding.missing-name').suggestion, { replace: 'audio_signal', with: 'input.1' });

    // Warnings alone do not fail.
    io = capture(tmp.dir);
    assert.equal(await lintCommand.run(['exported.onnx'], io), 0);
  });

  it('lint reports unreadable cards as OnnxLabErrors', async () => {
    await assert.rejects(lintCommand.run(['good.onnx', '--card', 'nope.json'], capture(tmp.dir)), /nope\.json: no such file/);
    await assert.rejects(lintCommand.run(['good.onnx', '--card'], capture(tmp.dir)), /--card needs a value/);
  });
});
