/** `onnx-lab diff`: a model with one weight changed diverges first at the node that consumes that weight. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIO } from '../../src/cli/command';
import { main } from '../../src/cli/main';
import { readModel } from '../../src/core/onnx';
import { diffAgainstGolden, diffModels, randomInputs } from '../../src/pipelines/validate/diff';
import { externalizeWeights, listIntermediates, withExtraOutputs } from '../../src/core/validate';
import { ModelSession } from '../../src/runtime/session';
import { f32, floats, mlpModel, tmpDir, writeNpz } from './validate-fixtures';

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIO = { out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd };
  const code = await main(argv, io);
  return { code, out: stdout.join('\n'), err: stderr.join('\n') };
}

describe('onnx-lab diff (first divergent node)', function () {
  let tmp: ReturnType<typeof tmpDir>;
  const d = (f: string) => path.join(tmp.dir, f);
  before(() => {
    tmp = tmpDir();
    fs.writeFileSync(d('a.onnx'), mlpModel());
    fs.writeFileSync(d('same.onnx'), mlpModel());
    fs.writeFileSync(d('w2.onnx'), mlpModel({ weight: 'W2', index: 5, delta: 0.05 }));
    fs.writeFileSync(d('b1.onnx'), mlpModel({ weight: 'b1', index: 1, delta: 0.5 }));
  });
  after(() => tmp.cleanup());

  it('lists node outputs in topological order and exposes a batch without touching the original outputs', async () => {
    const m = readModel(mlpModel(), { keepTensorData: true });
    assert.deepEqual(listIntermediates(m).map((x) => `${x.node}:${x.name}`), ['fc1:h1', 'bias1:h1b', 'relu:h2', 'fc2:h3', 'bias2:logits', 'argmax:label']);
    const s = await ModelSession.open(withExtraOutputs(m, ['h1b', 'h3']), { intraOpThreads: 1 });
    assert.deepEqual(s.outputs.map((o) => o.name), ['logits', 'label', 'h1b', 'h3']);
    await s.close();
    assert.deepEqual(m.graph!.output.map((o) => o.name), ['logits', 'label']);
  });

  it('the perturbed weight\'s consumer is the first divergent node, whatever the batch size', async () => {
    for (const batchSize of [1, 2, 64]) {
      const r = await diffModels(d('a.onnx'), d('w2.onnx'), { batchSize });
      assert.equal(r.firstDivergent?.node, 'fc2', `batch ${batchSize}`);
      assert.equal(r.firstDivergent?.tensor, 'h3');
      assert.ok(r.nodes.slice(0, 3).every((n) => n.comparison.status === 'pass'));
    }
    const b = await diffModels(d('a.onnx'), d('b1.onnx'), { batchSize: 2, all: true });
    assert.equal(b.firstDivergent?.node, 'bias1');
    assert.equal(b.nodes.length, 6, '--all compares every shared tensor');
    assert.equal(b.nodes[0].comparison.status, 'pass');
    const same = await diffModels(d('a.onnx'), d('same.onnx'), { batchSize: 2 });
    assert.equal(same.firstDivergent, undefined);
    assert.equal(same.nodes.length, 6);
  });

  it('large weights stay in the file (external-data skeleton) and models with external data work', async () => {
    fs.writeFileSync(d('big.onnx'), mlpModel(undefined, 300));
    fs.writeFileSync(d('big-w1.onnx'), mlpModel({ weight: 'W1', index: 7, delta: 0.01 }, 300));
    fs.mkdirSync(d('ext'));
    fs.writeFileSync(d('ext/model.onnx'), mlpModel(undefined, 300, d('ext/model.bin')));
    const bytes = fs.readFileSync(d('big.onnx'));
    const m = readModel(bytes, { keepTensorData: true });
    externalizeWeights(m, bytes, 'w.bin', (l) => l);
    const skeleton = withExtraOutputs(m, ['h1']);
    assert.ok(skeleton.length < bytes.length / 3, `each batch writes the graph only (${skeleton.length} of ${bytes.length} bytes)`);
    const r = await diffModels(d('big.onnx'), d('big-w1.onnx'), { batchSize: 3 });
    assert.equal(r.firstDivergent?.node, 'fc1');
    assert.equal(r.firstDivergent?.tensor, 'h1');
    const e = await diffModels(d('ext/model.onnx'), d('big.onnx'), { batchSize: 3 });
    assert.equal(e.firstDivergent, undefined, 'the same weights, inline or external');
    assert.equal(e.nodes.length, 6);
    const e2 = await diffModels(d('ext/model.onnx'), d('big-w1.onnx'), { batchSize: 3 });
    assert.equal(e2.firstDivergent?.node, 'fc1');
  });

  it('progress per batch and cancel', async () => {
    const ctl = new AbortController();
    const seen: string[] = [];
    const r = await diffModels(d('a.onnx'), d('same.onnx'), { batchSize: 2, signal: ctl.signal, onProgress: (p) => { seen.push(`${p.done}/${p.total}`); ctl.abort(); } });
    assert.deepEqual(seen, ['2/6']);
    assert.equal(r.cancelled, true);
  });

  it('against goldens that include intermediate tensors', async () => {
    // Reference intermediates from the unperturbed model, saved the way a PyTorch hook dump would be.
    const m = readModel(mlpModel(), { keepTensorData: true });
    const feeds = randomInputs(m, 7);
    const s = await ModelSession.open(withExtraOutputs(m, ['h1', 'h1b', 'h2', 'h3']), { intraOpThreads: 1 });
    const out = await s.run(feeds);
    await s.close();
    const arrays = Object.fromEntries(['h1', 'h1b', 'h2', 'h3', 'logits'].map((k) => [k, f32(out[k].data as Float32Array, [...out[k].dims])]));
    writeNpz(d('ref.npz'), { x: f32(feeds.x.data as Float32Array, [...feeds.x.dims]), ...arrays });
    const r = await diffAgainstGolden(d('w2.onnx'), d('ref.npz'), { batchSize: 2 });
    assert.equal(r.firstDivergent?.node, 'fc2');
    assert.equal(r.candidates, 5);
    const ok = await diffAgainstGolden(d('a.onnx'), d('ref.npz'));
    assert.equal(ok.firstDivergent, undefined);
    assert.equal(ok.nodes.length, 5);
    void floats;
  });

  it('CLI: exit 1 naming the node, 0 when equal, 2 when it cannot run', async () => {
    const r = await cli(tmp.dir, 'diff', 'a.onnx', 'w2.onnx', '--batch', '2');
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /FIRST DIVERGENT NODE: fc2 \(MatMul, #3\) output 'h3'/);
    assert.equal((await cli(tmp.dir, 'diff', 'a.onnx', 'same.onnx')).code, 0);
    const g = await cli(tmp.dir, 'diff', 'b1.onnx', 'ref.npz');
    assert.equal(g.code, 1);
    assert.match(g.out, /FIRST DIVERGENT NODE: bias1/);
    const j = JSON.parse((await cli(tmp.dir, 'diff', 'a.onnx', 'w2.onnx', '--json')).out);
    assert.equal(j.firstDivergent.node, 'fc2');
    const bad = await cli(tmp.dir, 'diff', 'a.onnx', 'missing.onnx');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /missing\.onnx: no such file/);
  });
});
