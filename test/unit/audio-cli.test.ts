import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { featuresCommand } from '../../src/cli/commands/features';
import type { CliIO } from '../../src/cli/command';
import { decodeNpy } from '../../src/core/audio';
import { isOnnxLabError } from '../../src/core/errors';
import { loadNpy, maxAbsDiff, referenceDir, requirePython, sharedAudio } from './audio-reference';

function io(cwd: string): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [], stderr: string[] = [];
  return { stdout, stderr, cwd, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('onnx-lab features', function () {
  this.timeout(120_000);
  let dir: string;
  before(function () {
    this.timeout(300_000);
    referenceDir();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-lab-features-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes nemo80 features of jfk.wav as .npy equal to the Python reference, and numpy loads it', async () => {
    const t = io(dir);
    assert.equal(await featuresCommand.run([sharedAudio('jfk.wav'), '--preset', 'nemo80', '--out', 'jfk.npy', '--json'], t), 0);
    const summary = JSON.parse(t.stdout.join('\n'));
    assert.deepEqual(summary.shape, [80, 1101]);
    assert.equal(summary.validFrames, 1100);
    const ours = decodeNpy(new Uint8Array(fs.readFileSync(path.join(dir, 'jfk.npy'))));
    const ref = loadNpy('jfk.nemo80.feat.npy');
    assert.deepEqual(ours.shape, ref.shape);
    const d = maxAbsDiff(ours.data as Float32Array, ref.data);
    console.log(`      jfk nemo80 via the CLI: max|Δ| ${d.toExponential(2)} vs the float64 reference`);
    assert.ok(d < 1e-3);
    const py = execFileSync(requirePython(), ['-c', 'import numpy as np, sys; a = np.load(sys.argv[1]); print(a.dtype, a.shape)', path.join(dir, 'jfk.npy')], { encoding: 'utf8' });
    assert.equal(py.trim(), 'float32 (80, 1101)');
  });

  it('resamples a 44.1 kHz stereo file for conette and prints a one-line summary', async () => {
    const t = io(dir);
    assert.equal(await featuresCommand.run([sharedAudio('freesound_rain.wav'), '--preset=conette', '--out', 'rain.npy'], t), 0);
    assert.match(t.stdout[0], /^wrote rain\.npy: conette \[224, \d+\] float32, .* 2 ch 44100 Hz .*resampled to 32000 Hz, hq/);
  });

  it('refuses to overwrite without --force, unknown presets, missing options', async () => {
    const t = io(dir);
    fs.writeFileSync(path.join(dir, 'exists.npy'), 'x');
    await assert.rejects(featuresCommand.run([sharedAudio('jfk.wav'), '--preset', 'kws40', '--out', 'exists.npy'], t), (e: unknown) => isOnnxLabError(e) && e.code === 'cli.exists');
    assert.equal(fs.readFileSync(path.join(dir, 'exists.npy'), 'utf8'), 'x');
    assert.equal(await featuresCommand.run([sharedAudio('jfk.wav'), '--preset', 'kws40', '--out', 'exists.npy', '--force'], t), 0);
    await assert.rejects(featuresCommand.run([sharedAudio('jfk.wav'), '--preset', 'nope', '--out', 'a.npy'], t), (e: unknown) => isOnnxLabError(e) && e.code === 'features.unknown-preset');
    await assert.rejects(featuresCommand.run([sharedAudio('jfk.wav'), '--out', 'a.npy'], t), (e: unknown) => isOnnxLabError(e) && e.code === 'cli.usage');
    fs.writeFileSync(path.join(dir, 'text.wav'), 'not audio');
    await assert.rejects(featuresCommand.run(['text.wav', '--preset', 'nemo80', '--out', 'b.npy'], t), (e: unknown) => isOnnxLabError(e) && /text\.wav: not a WAV file/.test(e.message));
    assert.ok(!fs.existsSync(path.join(dir, 'b.npy')));
  });

  it('--presets prints every preset as JSON', async () => {
    const t = io(dir);
    assert.equal(await featuresCommand.run(['--presets', '--json'], t), 0);
    const p = JSON.parse(t.stdout.join('\n'));
    assert.deepEqual(Object.keys(p).sort(), ['cnn14', 'conette', 'kws40', 'nemo80', 'whisper80']);
    assert.equal(p.nemo80.log.guard, 2 ** -24);
  });
});
