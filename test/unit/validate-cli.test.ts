/** `onnx-lab validate` end to end on a small MLP: formats, tolerances, bad goldens, exit codes, progress and cancel. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIO } from '../../src/cli/command';
import { main } from '../../src/cli/main';
import { encodeNpyTensor, type Tensor } from '../../src/core/validate';
import { validateModel } from '../../src/pipelines/validate/validate';
import { ModelSession } from '../../src/runtime/session';
import { f32, floats, mlpModel, tmpDir, writeBackendSet, writeNpz } from './validate-fixtures';

function capture(cwd: string): CliIO & { stdout: string[]; stderr: string[]; text(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd, text: () => stdout.join('\n') + stderr.join('\n') };
}

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture(cwd);
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('onnx-lab validate', function () {
  let tmp: ReturnType<typeof tmpDir>;
  const inputs: Tensor[] = [0, 1, 2].map((i) => f32(floats(4, 10 + i), [1, 4]));
  let outputs: { logits: Tensor; label: Tensor }[] = [];
  const d = (...p: string[]) => path.join(tmp.dir, ...p);

  before(async () => {
    tmp = tmpDir();
    fs.writeFileSync(d('mlp.onnx'), mlpModel());
    const s = await ModelSession.open(d('mlp.onnx'), { intraOpThreads: 1 });
    for (const x of inputs) {
      const r = await s.run({ x: { type: 'float32', dims: x.dims, data: x.data as Float32Array } });
      outputs.push({ logits: f32(r.logits.data as Float32Array, [...r.logits.dims]), label: { dtype: 'int64', dims: [...r.label.dims], data: r.label.data as BigInt64Array } });
    }
    outputs = outputs.map((o) => o);
    inputs.forEach((x, i) => writeBackendSet(d('backend'), i, [x], [outputs[i].logits, outputs[i].label]));
  });
  after(() => tmp.cleanup());

  function perturbed(t: Tensor, index: number, delta: number): Tensor {
    const data = Float32Array.from(t.data as Float32Array);
    data[index] += delta;
    return { ...t, data };
  }

  it('exit 0 and a table per case when every output passes (ONNX backend layout)', async () => {
    const r = await cli(tmp.dir, 'validate', 'mlp.onnx', 'backend');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /golden: backend \(onnx-backend\)/);
    assert.match(r.out, /test_data_set_2: PASS/);
    assert.match(r.out, /^\s+logits\s+PASS\s+\[1, 3\]\s+float32/m);
    assert.match(r.out, /^\s+label\s+PASS\s+\[1\]\s+int64\s+exact/m);
    assert.match(r.out, /PASS: 3 passed, 0 failed, 0 could not run, of 3 case/);
  });

  it('exit 1 with the numbers when a value is off; --per-output / --atol make it pass', async () => {
    writeBackendSet(d('off'), 0, [inputs[0]], [perturbed(outputs[0].logits, 1, 1e-3), outputs[0].label]);
    const r = await cli(tmp.dir, 'validate', 'mlp.onnx', 'off');
    assert.equal(r.code, 1);
    assert.match(r.out, /logits\s+FAIL/);
    assert.match(r.out, /1 of 3 values \(33\.3%\) beyond atol and rtol/);
    assert.match(r.out, /worst at flat index 1/);
    assert.equal((await cli(tmp.dir, 'validate', 'mlp.onnx', 'off', '--per-output', 'logits:2e-3,0')).code, 0);
    assert.equal((await cli(tmp.dir, 'validate', 'mlp.onnx', 'off', '--atol', '2e-3')).code, 0);
    assert.equal((await cli(tmp.dir, 'validate', 'mlp.onnx', 'off', '--per-output=label:1', '--per-output', 'logits:1e-4')).code, 1);
    const j = JSON.parse((await cli(tmp.dir, 'validate', 'mlp.onnx', 'off', '--json')).out);
    assert.equal(j.status, 'fail');
    const logits = j.cases[0].outputs.find((o: { name: string }) => o.name === 'logits');
    assert.equal(logits.mismatches, 1);
    assert.ok(logits.minAtol >= 9.9e-4 && logits.minAtol <= 1.01e-3, String(logits.minAtol));
  });

  it('wrong shape, NaN, a changed label and a renamed output fail; a golden without an output reports it', async () => {
    writeBackendSet(d('shape'), 0, [inputs[0]], [f32(outputs[0].logits.data as Float32Array, [3])]);
    let r = await cli(tmp.dir, 'validate', 'mlp.onnx', 'shape');
    assert.equal(r.code, 1);
    assert.match(r.out, /shape \[1, 3\], golden \[3\]/);
    assert.match(r.out, /label\s+EXTRA/);
    writeBackendSet(d('nan'), 0, [inputs[0]], [perturbed(outputs[0].logits, 0, NaN), outputs[0].label]);
    r = await cli(tmp.dir, 'validate', 'mlp.onnx', 'nan', '--atol', '1e9');
    assert.equal(r.code, 1);
    assert.match(r.out, /NaN 0\/1, Inf 0\/0 \(actual\/golden\), 1 unmatched/);
    const label = outputs[0].label.data as BigInt64Array;
    writeBackendSet(d('label'), 0, [inputs[0]], [outputs[0].logits, { dtype: 'int64', dims: [1], data: BigInt64Array.from([label[0] + 1n]) }]);
    assert.equal((await cli(tmp.dir, 'validate', 'mlp.onnx', 'label', '--atol', '10')).code, 1);
    writeNpz(d('renamed.npz'), { x: inputs[0], scores: outputs[0].logits });
    r = await cli(tmp.dir, 'validate', 'mlp.onnx', 'renamed.npz');
    assert.equal(r.code, 1);
    assert.match(r.out, /golden values matching no graph input or output: scores/);
  });

  it('exit 2 with one line when the model, golden or run is bad', async () => {
    let r = await cli(tmp.dir, 'validate', 'nope.onnx', 'backend');
    assert.equal(r.code, 2);
    assert.match(r.err, /^onnx-lab validate: .*nope\.onnx: no such file$/);
    r = await cli(tmp.dir, 'validate', 'mlp.onnx', 'missing-folder');
    assert.equal(r.code, 2);
    assert.match(r.err, /no such file or folder/);
    writeBackendSet(d('badshape'), 0, [f32(new Float32Array(5), [1, 5])], [outputs[0].logits]);
    r = await cli(tmp.dir, 'validate', 'mlp.onnx', 'badshape');
    assert.equal(r.code, 2);
    assert.match(r.out, /test_data_set_0: ERROR - .*inference failed/);
    fs.mkdirSync(d('corrupt', 'test_data_set_0'), { recursive: true });
    fs.writeFileSync(d('corrupt', 'test_data_set_0', 'input_0.pb'), Buffer.from([0xff, 0xff, 0xff]));
    r = await cli(tmp.dir, 'validate', 'mlp.onnx', 'corrupt');
    assert.equal(r.code, 2);
    assert.match(r.out, /not a readable TensorProto/);
    assert.equal((await cli(tmp.dir, 'validate', 'mlp.onnx')).code, 2);
    assert.equal((await cli(tmp.dir, 'validate', 'mlp.onnx', 'backend', '--atol', 'x')).code, 2);
  });

  it('npz, a folder of .npy and the manifest with per-output metrics', async () => {
    writeNpz(d('case.npz'), { x: inputs[1], logits: outputs[1].logits, label: outputs[1].label });
    assert.equal((await cli(tmp.dir, 'validate', 'mlp.onnx', 'case.npz')).code, 0);
    fs.mkdirSync(d('npy'));
    fs.writeFileSync(d('npy', 'x.npy'), encodeNpyTensor(inputs[2]));
    fs.writeFileSync(d('npy', 'logits.npy'), encodeNpyTensor(outputs[2].logits));
    assert.equal((await cli(tmp.dir, 'validate', 'mlp.onnx', 'npy')).code, 0);
    fs.mkdirSync(d('man'));
    fs.writeFileSync(d('man', 'x0.npy'), encodeNpyTensor(inputs[0]));
    fs.writeFileSync(d('man', 'logits0.npy'), encodeNpyTensor(perturbed(outputs[0].logits, 2, 5e-3)));
    const manifest = {
      format: 'onnx-lab-golden', version: 1, model: '../mlp.onnx',
      tolerance: { atol: 1e-5, rtol: 1e-5 },
      outputs: { logits: { metric: 'cosine', min: 0.9999 }, label: { metric: 'exact' } },
      cases: [
        { name: 'files', inputs: { x: 'x0.npy' }, outputs: { logits: 'logits0.npy', label: { dtype: 'int64', dims: [1], data: [Number((outputs[0].label.data as BigInt64Array)[0])] } } },
        { name: 'inline', inputs: { x: { dtype: 'float32', dims: [1, 4], data: Array.from(inputs[1].data as Float32Array) } }, npz: '../case.npz' },
      ],
    };
    fs.writeFileSync(d('man', 'golden.json'), JSON.stringify(manifest));
    const r = await cli(tmp.dir, 'validate', 'mlp.onnx', 'man');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /golden: man \(manifest\)/);
    manifest.outputs.logits = { metric: 'allclose' } as never;
    fs.writeFileSync(d('man', 'golden.json'), JSON.stringify(manifest));
    assert.equal((await cli(tmp.dir, 'validate', 'mlp.onnx', 'man/golden.json', '--case', 'files')).code, 1);
    assert.equal((await cli(tmp.dir, 'validate', 'mlp.onnx', 'man/golden.json', '--case', 'inline')).code, 0);
  });

  it('Polygraphy outputs with --inputs', async () => {
    const nd = (t: Tensor) => ({ array: Buffer.from(encodeNpyTensor(t)).toString('base64'), polygraphy_class: 'ndarray' });
    fs.writeFileSync(d('poly_in.json'), JSON.stringify(inputs.map((x) => ({ x: nd(x) }))));
    const its = outputs.map((o) => ({ outputs: { logits: { values: nd(o.logits), polygraphy_class: 'LazyArray' }, label: { values: nd(o.label), polygraphy_class: 'LazyNumpyArray' } }, runner_name: 'onnxrt-runner-N0', polygraphy_class: 'IterationResult' }));
    fs.writeFileSync(d('poly_out.json'), JSON.stringify({ lst: [['onnxrt-runner-N0', its]], polygraphy_class: 'RunResults' }));
    const r = await cli(tmp.dir, 'validate', 'mlp.onnx', 'poly_out.json', '--inputs', 'poly_in.json');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /3 passed/);
    const noInputs = await cli(tmp.dir, 'validate', 'mlp.onnx', 'poly_out.json');
    assert.equal(noInputs.code, 2);
    assert.match(noInputs.err, /--save-inputs/);
  });

  it('reads what the real `polygraphy run --save-inputs --save-outputs` writes', function () {
    this.timeout(120000);
    const poly = path.join(__dirname, '../../recipes/.venv/bin/polygraphy');
    if (!fs.existsSync(poly)) assert.fail(`${poly} is missing: run 'bash scripts/setup-python.sh' (polygraphy is pinned in recipes/requirements.txt)`);
    execFileSync(poly, ['run', 'mlp.onnx', '--onnxrt', '--input-shapes', 'x:[1,4]', '--save-inputs', 'pg_in.json', '--save-outputs', 'pg_out.json'], { cwd: tmp.dir, stdio: 'ignore' });
    return cli(tmp.dir, 'validate', 'mlp.onnx', 'pg_out.json', '--inputs', 'pg_in.json').then((r) => {
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /golden: pg_out\.json \(polygraphy\)/);
      assert.match(r.out, /^\s+logits\s+PASS/m);
      assert.match(r.out, /^\s+label\s+PASS/m);
    });
  });

  it('API: progress after each case, cancel between cases, one bad case does not stop the others', async () => {
    const seen: string[] = [];
    const ctl = new AbortController();
    const r = await validateModel(d('mlp.onnx'), d('backend'), {
      onProgress: (p) => {
        seen.push(`${p.done}/${p.total} ${p.last.name} ${p.last.status}`);
        if (p.done === 2) ctl.abort();
      },
      signal: ctl.signal,
    });
    assert.deepEqual(seen, ['1/3 test_data_set_0 pass', '2/3 test_data_set_1 pass']);
    assert.equal(r.cancelled, true);
    assert.equal(r.status, 'error');
    fs.cpSync(d('backend'), d('mixed'), { recursive: true });
    fs.writeFileSync(d('mixed', 'test_data_set_1', 'output_0.pb'), Buffer.from([0x08]));
    const m = await validateModel(d('mlp.onnx'), d('mixed'));
    assert.deepEqual(m.cases.map((c) => c.status), ['pass', 'error', 'pass']);
    assert.deepEqual(m.counts, { pass: 2, fail: 0, error: 1 });
  });
});
