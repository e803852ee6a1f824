import assert from 'node:assert/strict';
import path from 'node:path';
import { ModelSession } from '../../src/runtime/session';
import { python } from './python';

const SAMPLE = path.resolve(__dirname, '../../samples/models/tiny-audio-tagger.onnx');

function features(frames: number): Float32Array {
  // Deterministic, non-trivial input that Python can rebuild exactly.
  const x = new Float32Array(40 * frames);
  for (let i = 0; i < x.length; i++) x[i] = Math.fround(Math.sin(i * 0.37) * 2 - 1 + (i % 7) * 0.05);
  return x;
}

describe('runtime (onnxruntime-node)', () => {
  let session: ModelSession;
  before(async () => {
    session = await ModelSession.open(SAMPLE, { intraOpThreads: 1 });
  });
  after(() => session?.close());

  it('reports inputs and outputs with symbolic dims', () => {
    assert.deepEqual(session.inputs, [{ name: 'features', type: 'float32', shape: ['batch', 40, 'time'] }]);
    assert.deepEqual(session.outputs.map((o) => o.name), ['logits']);
    assert.equal(session.provider, 'cpu');
  });

  it('computes the same logits as Python onnxruntime on the same input', async () => {
    const frames = 61;
    const out = await session.run({ features: { type: 'float32', dims: [1, 40, frames], data: features(frames) } });
    assert.deepEqual(out.logits.dims, [1, 5]);
    const ref = JSON.parse(python(`
import json, numpy as np, onnxruntime as ort
i = np.arange(40 * ${frames})
x = (np.sin(i * 0.37) * 2 - 1 + (i % 7) * 0.05).astype(np.float32).reshape(1, 40, ${frames})
s = ort.InferenceSession(${JSON.stringify(SAMPLE)}, providers=['CPUExecutionProvider'])
print(json.dumps(s.run(None, {'features': x})[0].ravel().tolist()))
`)) as number[];
    const got = Array.from(out.logits.data as Float32Array);
    const maxErr = Math.max(...got.map((v, k) => Math.abs(v - ref[k])));
    console.log(`      logits max |node - python| = ${maxErr.toExponential(2)}`);
    assert.ok(maxErr < 1e-4, `max abs error ${maxErr}`);
  });

  it('names the right inputs when a feed has the wrong name', async () => {
    await assert.rejects(
      session.run({ audio_signal: { type: 'float32', dims: [1, 40, 10], data: features(10) } }),
      /has no input 'audio_signal' \(its inputs: features\)/,
    );
  });

  it('wrong shapes are a clear error, not a crash', async () => {
    await assert.rejects(session.run({ features: { type: 'float32', dims: [1, 39, 10], data: new Float32Array(390) } }), /inference failed: .*/);
  });

  it('a file that is not a model is a clear load error', async () => {
    await assert.rejects(ModelSession.open(path.resolve(__dirname, '../../package.json')), /onnxruntime could not load the model/);
  });
});
