// `npm run bench -- validate`: (1) the full libonnx-testdata sweep, onnx-lab (onnxruntime-node) vs
// Python onnxruntime + numpy doing the same comparisons (recipes/reference/validate_sweep.py);
// (2) a mark-all comparison of a transformer-sized model against a copy with one weight changed:
// `onnx-lab diff A B --all` vs `polygraphy run --onnx-outputs mark all` (save on A, compare on B).
// Each side is its own process, timed and measured (peak RSS) by /usr/bin/time in the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema, AttributeProto_AttributeType, GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, OperatorSetIdProtoSchema,
  TensorProtoSchema, TensorProto_DataType, TensorShapeProtoSchema, TensorShapeProto_DimensionSchema, TypeProtoSchema,
  TypeProto_TensorSchema, ValueInfoProtoSchema, type NodeProto, type TensorProto,
} from 'onnx-buf';
import { PYTHON, type Bench, type BenchResult } from './lib';

const ROOT = new URL('..', import.meta.url).pathname;
const NODE_TESTS = '/usr/share/libonnx-testdata/data/node';
const POLYGRAPHY = path.join(path.dirname(PYTHON), 'polygraphy');

interface Measured { seconds: number; peakMb: number; code: number; stdout: string }

/** Runs a command under /usr/bin/time: wall seconds and the peak RSS of the process tree's largest process. */
function measure(cmd: string[], cwd = ROOT): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M', ...cmd], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const m = /__TIME__ ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (!m) throw new Error(`could not measure ${cmd.join(' ')}: ${r.error ?? r.stderr}`);
  return { seconds: Number(m[1]), peakMb: Number(m[2]) / 1024, code: r.status ?? -1, stdout: r.stdout };
}

function floatTensor(name: string, dims: number[], seed: number, scale: number): TensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: new Uint8Array(data.buffer) });
}

function int64Tensor(name: string, values: number[]): TensorProto {
  return create(TensorProtoSchema, { name, dims: [BigInt(values.length)], dataType: TensorProto_DataType.INT64, rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) });
}

/**
 * A BERT-like encoder (standard ONNX ops, opset 17): `layers` blocks of multi-head self-attention +
 * feed-forward with LayerNormalization, hidden size `d`, `heads` heads, sequence `seq`. `perturb`
 * adds 0.5 to one element of layer `perturb`'s feed-forward weight W1.
 */
export function encoderModel(layers: number, d: number, heads: number, seq: number, perturb?: number): Uint8Array {
  const node: NodeProto[] = [];
  const init: TensorProto[] = [];
  const dh = d / heads;
  const attr = (name: string, v: number | number[]) =>
    Array.isArray(v)
      ? create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: v.map(BigInt) })
      : create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(v) });
  const op = (name: string, opType: string, input: string[], extra: { attribute?: ReturnType<typeof attr>[] } = {}) => {
    node.push(create(NodeProtoSchema, { name, opType, input, output: [`${name}_out`], ...extra }));
    return `${name}_out`;
  };
  init.push(int64Tensor('split_heads', [1, seq, heads, dh]), int64Tensor('merge_heads', [1, seq, d]));
  init.push(floatTensor('scale', [], 0, 0));
  (init[init.length - 1].rawData as Uint8Array).set(new Uint8Array(Float32Array.of(1 / Math.sqrt(dh)).buffer));
  let x = 'input';
  let seed = 1;
  for (let l = 0; l < layers; l++) {
    const p = `/encoder/layer.${l}`;
    const lin = (name: string, input: string, din: number, dout: number) => {
      const w = floatTensor(`${p}/${name}.weight`, [din, dout], seed++, 2 / Math.sqrt(din));
      if (perturb === l && name === 'ffn.w1') new Float32Array(w.rawData.buffer, w.rawData.byteOffset, 1)[0] += 0.5;
      init.push(w, floatTensor(`${p}/${name}.bias`, [dout], seed++, 0.1));
      return op(`${p}/${name}/Add`, 'Add', [op(`${p}/${name}/MatMul`, 'MatMul', [input, `${p}/${name}.weight`]), `${p}/${name}.bias`]);
    };
    const heads4 = (name: string, t: string, perm: number[]) => op(`${p}/${name}/Transpose`, 'Transpose', [op(`${p}/${name}/Reshape`, 'Reshape', [t, 'split_heads'])], { attribute: [attr('perm', perm)] });
    const q = heads4('q', lin('q', x, d, d), [0, 2, 1, 3]);
    const k = heads4('k', lin('k', x, d, d), [0, 2, 3, 1]);
    const v = heads4('v', lin('v', x, d, d), [0, 2, 1, 3]);
    const scores = op(`${p}/attn/Mul`, 'Mul', [op(`${p}/attn/MatMul`, 'MatMul', [q, k]), 'scale']);
    const probs = op(`${p}/attn/Softmax`, 'Softmax', [scores], { attribute: [attr('axis', -1)] });
    const ctx = op(`${p}/ctx/MatMul`, 'MatMul', [probs, v]);
    const merged = op(`${p}/ctx/Reshape`, 'Reshape', [op(`${p}/ctx/Transpose`, 'Transpose', [ctx], { attribute: [attr('perm', [0, 2, 1, 3])] }), 'merge_heads']);
    const res1 = op(`${p}/res1/Add`, 'Add', [x, lin('o', merged, d, d)]);
    init.push(floatTensor(`${p}/ln1.gamma`, [d], seed++, 0.1), floatTensor(`${p}/ln1.beta`, [d], seed++, 0.1));
    const ln1 = op(`${p}/ln1/LayerNormalization`, 'LayerNormalization', [res1, `${p}/ln1.gamma`, `${p}/ln1.beta`], { attribute: [attr('axis', -1)] });
    const ff = lin('ffn.w2', op(`${p}/ffn/Relu`, 'Relu', [lin('ffn.w1', ln1, d, 4 * d)]), 4 * d, d);
    const res2 = op(`${p}/res2/Add`, 'Add', [ln1, ff]);
    init.push(floatTensor(`${p}/ln2.gamma`, [d], seed++, 0.1), floatTensor(`${p}/ln2.beta`, [d], seed++, 0.1));
    x = op(`${p}/ln2/LayerNormalization`, 'LayerNormalization', [res2, `${p}/ln2.gamma`, `${p}/ln2.beta`], { attribute: [attr('axis', -1)] });
  }
  const vi = (name: string) => create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType: TensorProto_DataType.FLOAT, shape: create(TensorShapeProtoSchema, { dim: [1, seq, d].map((v) => create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(v) } })) }) }) } }),
  });
  const graph = create(GraphProtoSchema, { name: 'encoder', node, initializer: init, input: [vi('input')], output: [vi(x)] });
  return toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 8n, producerName: 'onnx-lab-bench', opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })], graph }));
}

const bench: Bench = async ({ quick, log }) => {
  if (!fs.existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run 'bash scripts/setup-python.sh'`);
  if (!fs.existsSync(POLYGRAPHY)) throw new Error(`${POLYGRAPHY} is missing: run 'bash scripts/setup-python.sh' (polygraphy is pinned in recipes/requirements.txt)`);
  if (!fs.existsSync(NODE_TESTS)) throw new Error(`${NODE_TESTS} is missing: run 'bash scripts/setup.sh --apt' (libonnx-testdata)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-lab-bench-validate-'));
  const rows: BenchResult[] = [];
  try {
    // (1) The sweep: same tests, same tolerance, one process each.
    const sweepScript = path.join(dir, 'sweep.ts');
    fs.writeFileSync(sweepScript, `import { sweepBackendTests } from ${JSON.stringify(path.join(ROOT, 'src/pipelines/validate/sweep.ts'))};
sweepBackendTests(${JSON.stringify(NODE_TESTS)}, { tolerances: [{ atol: 1e-7, rtol: 1e-3 }] }).then((r) => {
  const c = { pass: 0, fail: 0, error: 0 };
  for (const e of r) c[e.verdicts[0]]++;
  console.log(JSON.stringify(c));
});\n`);
    const runs = quick ? 1 : 3;
    const ours: Measured[] = [];
    const py: Measured[] = [];
    for (let i = 0; i < runs; i++) {
      ours.push(measure([process.execPath, '--import', 'tsx', sweepScript]));
      py.push(measure([PYTHON, path.join(ROOT, 'recipes/reference/validate_sweep.py'), NODE_TESTS, '--out', path.join(dir, 'py.json'), '--tol', '1e-7,1e-3']));
    }
    const counts = ours[0].stdout.trim().split('\n').pop();
    const pyTests = JSON.parse(fs.readFileSync(path.join(dir, 'py.json'), 'utf8')).tests as Record<string, Record<string, { polygraphy: string }>>;
    const pc = { pass: 0, fail: 0, error: 0 } as Record<string, number>;
    for (const t of Object.values(pyTests)) pc[t['1e-7,1e-3'].polygraphy]++;
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    log(`sweep of ${Object.keys(pyTests).length} node tests: onnx-lab ${counts}, python ${JSON.stringify(pc)}`);
    log(`  onnx-lab: ${ours.map((m) => `${m.seconds.toFixed(1)} s / ${m.peakMb.toFixed(0)} MB`).join(', ')}; python: ${py.map((m) => `${m.seconds.toFixed(1)} s / ${m.peakMb.toFixed(0)} MB`).join(', ')}`);
    rows.push({ name: 'libonnx-testdata sweep, wall (process)', value: med(ours.map((m) => m.seconds)), unit: 's', reference: 'python onnxruntime + numpy', reference_value: med(py.map((m) => m.seconds)) });
    rows.push({ name: 'libonnx-testdata sweep, peak RSS', value: med(ours.map((m) => m.peakMb)), unit: 'MB', reference: 'python onnxruntime + numpy', reference_value: med(py.map((m) => m.peakMb)) });

    // (2) Mark-all on a transformer-sized encoder, one weight changed in the middle layer.
    const [layers, d, heads, seq] = quick ? [2, 256, 4, 64] : [12, 768, 12, 128];
    const a = path.join(dir, 'encoder.onnx');
    const b = path.join(dir, 'encoder-perturbed.onnx');
    fs.writeFileSync(a, encoderModel(layers, d, heads, seq));
    fs.writeFileSync(b, encoderModel(layers, d, heads, seq, layers >> 1));
    log(`encoder: ${layers} layers, d ${d}, ${heads} heads, seq ${seq}: ${(fs.statSync(a).size / 1e6).toFixed(0)} MB per model`);
    const mine = measure([process.execPath, '--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'diff', a, b, '--all', '--json']);
    const report = JSON.parse(mine.stdout);
    log(`  onnx-lab diff --all: exit ${mine.code}, ${report.nodes.length} tensors compared, first divergent ${report.firstDivergent?.node} (${report.firstDivergent?.opType}); ${mine.seconds.toFixed(1)} s, ${mine.peakMb.toFixed(0)} MB`);
    const save = measure([POLYGRAPHY, 'run', a, '--onnxrt', '--onnx-outputs', 'mark', 'all', '--save-inputs', path.join(dir, 'in.json'), '--save-outputs', path.join(dir, 'ref.json')]);
    const cmp = measure([POLYGRAPHY, 'run', b, '--onnxrt', '--onnx-outputs', 'mark', 'all', '--load-inputs', path.join(dir, 'in.json'), '--load-outputs', path.join(dir, 'ref.json')]);
    const jsonMb = fs.statSync(path.join(dir, 'ref.json')).size / 1e6;
    log(`  polygraphy: save ${save.seconds.toFixed(1)} s / ${save.peakMb.toFixed(0)} MB (exit ${save.code}, ${jsonMb.toFixed(0)} MB JSON), compare ${cmp.seconds.toFixed(1)} s / ${cmp.peakMb.toFixed(0)} MB (exit ${cmp.code})`);
    rows.push({ name: `mark-all diff, ${layers}-layer encoder, wall`, value: mine.seconds, unit: 's', reference: 'polygraphy run --onnx-outputs mark all (save + compare)', reference_value: save.seconds + cmp.seconds });
    rows.push({ name: `mark-all diff, ${layers}-layer encoder, peak RSS`, value: mine.peakMb, unit: 'MB', reference: 'polygraphy run --onnx-outputs mark all (max of save, compare)', reference_value: Math.max(save.peakMb, cmp.peakMb) });
    void execFileSync;
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

export default bench;
