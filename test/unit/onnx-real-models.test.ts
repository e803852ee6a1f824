// Real exported models installed from a registry: Silero VAD (legacy, v5, v6) as shipped in the
// npm package @ricky0123/vad-web. Summarised and linted by ONNX Lab, checked against Python onnx.
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { lintModel, summarizeModelFile } from '../../src/core/onnx';
import { python } from './python';

const DIR = path.resolve(__dirname, '../../node_modules/@ricky0123/vad-web/dist');
const MODELS = ['silero_vad_legacy.onnx', 'silero_vad_v5.onnx', 'silero_vad_v6.onnx'];

describe('real exported models: Silero VAD from npm', () => {
  before(() => {
    if (!existsSync(DIR)) throw new Error(`${DIR} is missing: run npm ci (it is a devDependency)`);
  });

  for (const name of MODELS) {
    it(`${name}: summary matches Python onnx, and lint finds no error`, () => {
      const file = path.join(DIR, name);
      const s = summarizeModelFile(file);
      const ref = JSON.parse(python(`
import json, onnx
m = onnx.load(${JSON.stringify(file)}, load_external_data=False)
inits = {i.name for i in m.graph.initializer}
def dims(v):
    t = v.type.tensor_type
    return [d.dim_param if d.HasField('dim_param') else (d.dim_value if d.HasField('dim_value') else None) for d in t.shape.dim] if t.HasField('shape') else None
print(json.dumps({
  'inputs': [[v.name, dims(v)] for v in m.graph.input if v.name not in inits],
  'outputs': [[v.name, dims(v)] for v in m.graph.output],
  'opsets': sorted([[o.domain, o.version] for o in m.opset_import]),
  'nodes': len(m.graph.node),
}))`));
      assert.deepEqual(s.inputs.map((v) => [v.name, v.shape]), ref.inputs);
      assert.deepEqual(s.outputs.map((v) => [v.name, v.shape]), ref.outputs);
      assert.deepEqual(s.opsetImports.map((o) => [o.domain, o.version]).sort(), ref.opsets);
      assert.equal(s.nodeCount, ref.nodes);
      const findings = lintModel(s, { modelFile: file });
      console.log(`      ${name}: inputs ${s.inputs.map((v) => `${v.name}[${v.shape?.join(',')}]`).join(' ')}; ${s.totalNodeCount} nodes; ${s.subgraphs.count} subgraphs; lint: ${findings.map((f) => f.rule).join(', ') || 'clean'}`);
      assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
    });
  }
});
