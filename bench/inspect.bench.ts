// `npm run bench -- inspect`: read + summarise a 20k-node model and a ~500 MB model, against Python
// `onnx.load(load_external_data=False)` + the same summary (recipes/reference/onnx_summary.py),
// measured alternately in the same run on the same files, warm and as the first call of a process.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProtoSchema,
  TensorProto_DataType,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import { summarizeModelFile } from '../src/core/onnx';
import { DT, valueInfo } from '../test/unit/onnx-fixtures';
import { PYTHON, medianMs, type Bench, type BenchResult } from './lib';

const SCRIPT = new URL('../recipes/reference/onnx_summary.py', import.meta.url).pathname;
const CORE = new URL('../src/core/onnx/index.ts', import.meta.url).href;

function weight(name: string, dims: number[], raw: Uint8Array<ArrayBuffer>): TensorProto {
  return create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: raw });
}

/** A transformer-like chain: 20 nodes per layer with scoped names, small weights, value_info for every intermediate. */
export function manyNodesModel(nodes: number): Uint8Array {
  const ops = ['LayerNormalization', 'MatMul', 'Add', 'Reshape', 'Transpose', 'MatMul', 'Softmax', 'MatMul', 'Transpose', 'Reshape', 'MatMul', 'Add', 'Add', 'LayerNormalization', 'MatMul', 'Add', 'Gelu', 'MatMul', 'Add', 'Add'];
  const node: NodeProto[] = [];
  const init: TensorProto[] = [];
  const info: ValueInfoProto[] = [];
  const small = new Uint8Array(16 * 4);
  let prev = 'input_features';
  for (let i = 0; i < nodes; i++) {
    const layer = Math.floor(i / ops.length);
    const op = ops[i % ops.length];
    const name = `/model/layers.${layer}/${op}_${i % ops.length}`;
    const out = `${name}_output_0`;
    const inputs = [prev];
    if (op === 'MatMul' || op === 'Add' || op === 'LayerNormalization') {
      const w = `model.layers.${layer}.w${i % ops.length}`;
      init.push(weight(w, [16], small));
      inputs.push(w);
    }
    const attribute = op === 'Softmax' || op === 'LayerNormalization' ? [create(AttributeProtoSchema, { name: 'axis', type: AttributeProto_AttributeType.INT, i: -1n })] : [];
    node.push(create(NodeProtoSchema, { name, opType: op, domain: op === 'Gelu' ? 'com.microsoft' : '', input: inputs, output: [out], attribute }));
    if (i < nodes - 1) info.push(valueInfo(out, DT.FLOAT, ['batch', 'sequence', 16]));
    prev = out;
  }
  const graph = create(GraphProtoSchema, { name: 'main_graph', node, initializer: init, input: [valueInfo('input_features', DT.FLOAT, ['batch', 'sequence', 16])], output: [valueInfo(prev, DT.FLOAT, ['batch', 'sequence', 16])], valueInfo: info });
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: 8n,
      producerName: 'onnx-lab-bench',
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n }), create(OperatorSetIdProtoSchema, { domain: 'com.microsoft', version: 1n })],
      graph,
    }),
  );
}

/**
 * ~`megabytes` MB of float32 weights in raw_data, written piece by piece (the graph's length is
 * framed by hand on the wire) so the generator never holds the whole file in memory.
 */
export function writeLargeModel(file: string, megabytes: number): void {
  const tensorBytes = 4 << 20;
  const count = Math.round((megabytes * 1e6) / tensorBytes);
  const raw = new Uint8Array(tensorBytes);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  const node: NodeProto[] = [];
  let prev = 'x';
  for (let i = 0; i < count; i++) {
    node.push(create(NodeProtoSchema, { name: `MatMul_${i}`, opType: 'MatMul', input: [prev, `w${i}`], output: [`h${i}`] }));
    prev = `h${i}`;
  }
  const head = toBinary(GraphProtoSchema, create(GraphProtoSchema, { name: 'big', node, input: [valueInfo('x', DT.FLOAT, ['N', 1024])], output: [valueInfo(prev, DT.FLOAT, ['N', 1024])] }));
  const tensors = Array.from({ length: count }, (_, i) => toBinary(TensorProtoSchema, weight(`w${i}`, [1024, 1024], raw)));
  const framed = tensors.map((t) => new BinaryWriter().tag(5, WireType.LengthDelimited).bytes(t).finish());
  const graphLen = head.length + framed.reduce((a, f) => a + f.length, 0);
  const modelHead = toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, { irVersion: 8n, producerName: 'onnx-lab-bench', opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })] }),
  );
  const graphTag = new BinaryWriter().tag(7, WireType.LengthDelimited).uint32(graphLen).finish();
  const fd = fs.openSync(file, 'w');
  try {
    for (const part of [modelHead, graphTag, head, ...framed]) fs.writeSync(fd, part);
  } finally {
    fs.closeSync(fd);
  }
}

function pythonOnceMs(file: string, cold: boolean): number {
  if (!fs.existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run 'bash scripts/setup-python.sh'`);
  // Timed inside Python: interpreter start-up and `import onnx` are not counted; warm = after one warm-up load.
  const out = execFileSync(PYTHON, [SCRIPT, file, '--bench', '1', ...(cold ? ['--cold'] : [])], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!).median_ms;
}

/** Our first summary in a fresh Node process (module loading not counted), like one `onnx-lab inspect`. */
function oursColdMs(file: string): number {
  const code =
    `const m = await import(${JSON.stringify(CORE)}); const f = m.summarizeModelFile ?? m.default.summarizeModelFile;\n` +
    'const t = performance.now(); f(process.argv[1]); console.log(JSON.stringify({ ms: performance.now() - t }));';
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, file], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!).ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Ours and Python's alternately, so that load from other processes hits both alike. */
async function interleaved(file: string, runs: number, cold: boolean): Promise<{ ours: number; python: number }> {
  const ours: number[] = [];
  const python: number[] = [];
  if (!cold) summarizeModelFile(file);
  for (let i = 0; i < runs; i++) {
    ours.push(cold ? oursColdMs(file) : await medianMs(() => summarizeModelFile(file), 1, 0));
    python.push(pythonOnceMs(file, cold));
  }
  return { ours: median(ours), python: median(python) };
}

const bench: Bench = async ({ quick, log }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-lab-bench-inspect-'));
  const mb = quick ? 100 : 500;
  try {
    const many = path.join(dir, 'nodes20k.onnx');
    fs.writeFileSync(many, manyNodesModel(20000));
    const big = path.join(dir, `big${mb}mb.onnx`);
    writeLargeModel(big, mb);
    log(`models in ${dir}: ${[many, big].map((f) => `${path.basename(f)} ${(fs.statSync(f).size / 1e6).toFixed(1)} MB`).join(', ')}`);

    const s = summarizeModelFile(many);
    if (s.nodeCount !== 20000) throw new Error(`expected 20000 nodes, got ${s.nodeCount}`);
    const b = summarizeModelFile(big);
    log(`big model: ${b.parameters.count} parameters, ${b.parameters.bytes} bytes`);

    const rows: BenchResult[] = [];
    for (const [label, file, runs] of [
      ['20k-node model', many, quick ? 5 : 11],
      [`${mb} MB model`, big, quick ? 3 : 5],
    ] as const) {
      for (const cold of [false, true]) {
        const r = await interleaved(file, runs, cold);
        const when = cold ? 'first call in a fresh process' : 'warm';
        log(`${label}, ${when}: ours ${r.ours.toFixed(1)} ms, python onnx ${r.python.toFixed(1)} ms`);
        rows.push({
          name: `inspect ${label} (read + summary), ${when}`,
          value: r.ours,
          unit: 'ms',
          reference: `python onnx ${cold ? 'first ' : ''}load(load_external_data=False) + summary`,
          reference_value: r.python,
        });
      }
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

export default bench;
