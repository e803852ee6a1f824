/** Small models and golden sets for the validation tests, built in memory (no committed binaries). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, OperatorSetIdProtoSchema, TensorProtoSchema,
  TensorProto_DataType, TypeProtoSchema, TypeProto_TensorSchema, ValueInfoProtoSchema, AttributeProtoSchema,
  AttributeProto_AttributeType, StringStringEntryProtoSchema, TensorShapeProtoSchema, TensorShapeProto_DimensionSchema, type TensorProto, type ValueInfoProto,
} from 'onnx-buf';
import { dtypeCode } from '../../src/core/onnx';
import { encodeNpyTensor, type Tensor } from '../../src/core/validate';

export function tmpDir(): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-lab-validate-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function vi(name: string, elemType = TensorProto_DataType.FLOAT, dims?: (number | string)[]): ValueInfoProto {
  const shape = dims
    ? create(TensorShapeProtoSchema, { dim: dims.map((d) => create(TensorShapeProto_DimensionSchema, { value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d } })) })
    : undefined;
  return create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType, shape }) } }) });
}

/** Deterministic pseudo-random floats in [-1, 1). */
export function floats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function f32(t: Float32Array, dims: number[]): Tensor {
  return { dtype: 'float32', dims, data: t };
}

export function tensorProto(name: string, t: Tensor): TensorProto {
  const d = t.data as Exclude<Tensor['data'], string[]>;
  if (Array.isArray(t.data)) {
    return create(TensorProtoSchema, { name, dims: t.dims.map(BigInt), dataType: TensorProto_DataType.STRING, stringData: t.data.map((s) => new TextEncoder().encode(s)) });
  }
  return create(TensorProtoSchema, { name, dims: t.dims.map(BigInt), dataType: dtypeCode(t.dtype)!, rawData: new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) as ArrayBuffer) });
}

/**
 * A small MLP: x[1,4] → MatMul W1[4,8] → Add b1 → Relu → MatMul W2[8,3] → Add b2 → logits[1,3],
 * plus ArgMax(logits) → label (int64). `perturb` changes one element of the named weight.
 */
export function mlpModel(perturb?: { weight: 'W1' | 'b1' | 'W2' | 'b2'; index: number; delta: number }, hidden = 8, externalW1?: string): Uint8Array {
  const w: Record<string, [number[], Float32Array]> = {
    W1: [[4, hidden], floats(4 * hidden, 1)],
    b1: [[hidden], floats(hidden, 2)],
    W2: [[hidden, 3], floats(3 * hidden, 3)],
    b2: [[3], floats(3, 4)],
  };
  if (perturb) w[perturb.weight][1][perturb.index] += perturb.delta;
  const init = Object.entries(w).map(([name, [dims, data]]) => tensorProto(name, f32(data, dims)));
  if (externalW1) {
    // W1's bytes go to a side file, as onnx.save(save_as_external_data=True) does.
    const t = init[0];
    fs.writeFileSync(externalW1, t.rawData);
    t.rawData = new Uint8Array(0);
    t.dataLocation = 1;
    t.externalData = [create(StringStringEntryProtoSchema, { key: 'location', value: path.basename(externalW1) }), create(StringStringEntryProtoSchema, { key: 'length', value: String(w.W1[1].byteLength) })];
  }
  const nodes = [
    create(NodeProtoSchema, { name: 'fc1', opType: 'MatMul', input: ['x', 'W1'], output: ['h1'] }),
    create(NodeProtoSchema, { name: 'bias1', opType: 'Add', input: ['h1', 'b1'], output: ['h1b'] }),
    create(NodeProtoSchema, { name: 'relu', opType: 'Relu', input: ['h1b'], output: ['h2'] }),
    create(NodeProtoSchema, { name: 'fc2', opType: 'MatMul', input: ['h2', 'W2'], output: ['h3'] }),
    create(NodeProtoSchema, { name: 'bias2', opType: 'Add', input: ['h3', 'b2'], output: ['logits'] }),
    create(NodeProtoSchema, {
      name: 'argmax', opType: 'ArgMax', input: ['logits'], output: ['label'],
      attribute: [create(AttributeProtoSchema, { name: 'axis', type: AttributeProto_AttributeType.INT, i: 1n }), create(AttributeProtoSchema, { name: 'keepdims', type: AttributeProto_AttributeType.INT, i: 0n })],
    }),
  ];
  const graph = create(GraphProtoSchema, { name: 'mlp', node: nodes, initializer: init, input: [vi('x', TensorProto_DataType.FLOAT, ['N', 4])], output: [vi('logits'), vi('label', TensorProto_DataType.INT64)] });
  return toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 8n, producerName: 'onnx-lab-test', opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })], graph }));
}

/** Writes dir/test_data_set_N/input_K.pb, output_K.pb. */
export function writeBackendSet(dir: string, n: number, inputs: Tensor[], outputs: Tensor[]): string {
  const d = path.join(dir, `test_data_set_${n}`);
  fs.mkdirSync(d, { recursive: true });
  inputs.forEach((t, k) => fs.writeFileSync(path.join(d, `input_${k}.pb`), toBinary(TensorProtoSchema, tensorProto('', t))));
  outputs.forEach((t, k) => fs.writeFileSync(path.join(d, `output_${k}.pb`), toBinary(TensorProtoSchema, tensorProto('', t))));
  return d;
}

/** A .npz (zip of .npy), members deflated or stored. */
export function writeNpz(file: string, arrays: Record<string, Tensor>, deflate = true): void {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(arrays)) {
    const npy = Buffer.from(encodeNpyTensor(t));
    const body = deflate ? deflateRawSync(npy) : npy;
    const fname = Buffer.from(`${name}.npy`);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(deflate ? 8 : 0, 8);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(npy.length, 22);
    lh.writeUInt16LE(fname.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(deflate ? 8 : 0, 10);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(npy.length, 24);
    ch.writeUInt16LE(fname.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, fname, body);
    central.push(ch, fname);
    offset += lh.length + fname.length + body.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Object.keys(arrays).length, 8);
  eocd.writeUInt16LE(Object.keys(arrays).length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  fs.writeFileSync(file, Buffer.concat([...locals, cd, eocd]));
}
