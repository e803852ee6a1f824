/**
 * Golden readers against files written by Python itself (numpy np.save/np.savez/np.savez_compressed,
 * onnx numpy_helper/helper.make_tensor for TensorProto raw and typed fields, SequenceProto,
 * OptionalProto, and Polygraphy's JSON layout with both class names): every value must equal what
 * Python reads back.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { TensorProtoSchema } from 'onnx-buf';
import {
  decodeGoldenPb, decodeNpyTensor, discoverGoldens, graphIo, halfToNumber, listNpz, openGoldenSet, readNpzMember, tensorFromProto, toFloat64,
  type GoldenValue, type Tensor,
} from '../../src/core/validate';
import { readModel } from '../../src/core/onnx';
import { python } from './python';
import { f32, mlpModel, tmpDir, writeNpz } from './validate-fixtures';

const WRITE = String.raw`
import base64, io, json, os, sys
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
d = sys.argv[1] if len(sys.argv) > 1 else None
`;

function values(t: Tensor): unknown[] {
  if (Array.isArray(t.data)) return t.data;
  if (t.dtype === 'bool') return Array.from(t.data as Uint8Array, (v) => v !== 0);
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) return Array.from(t.data, (v) => Number(v));
  return Array.from(toFloat64(t), (v) => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v));
}

function jsonable(py: unknown): unknown {
  return py;
}

describe('validate: golden readers vs Python', function () {
  let tmp: ReturnType<typeof tmpDir>;
  let expected: Record<string, { dtype: string; shape: number[]; values: unknown[] }>;
  before(() => {
    tmp = tmpDir();
    const code = WRITE.replace('d = sys.argv[1] if len(sys.argv) > 1 else None', `d = ${JSON.stringify(tmp.dir)}`) + String.raw`
arrays = {
  'f32': np.array([[1.5, -2.25, np.nan], [np.inf, -np.inf, 1e-30]], dtype=np.float32),
  'f64': np.linspace(-1, 1, 7),
  'f16': np.array([0.1, -65504, 6e-8, 1.0], dtype=np.float16),
  'b': np.array([True, False, True]),
  'u8': np.arange(250, 256, dtype=np.uint8),
  'i8': np.array([-128, 0, 127], dtype=np.int8),
  'u16': np.array([0, 65535], dtype=np.uint16),
  'i64': np.array([-(2**40), 3], dtype=np.int64),
  'u32': np.array([4000000000], dtype=np.uint32),
  'fortran': np.asfortranarray(np.arange(24, dtype=np.float32).reshape(2, 3, 4)),
  'scalar': np.array(3.5, dtype=np.float32),
  'text': np.array(['héllo', 'wörld', ''], dtype=np.str_),
}
out = {}
def desc(a):
    v = a.ravel(order='C')
    if a.dtype.kind == 'U': vals = [str(x) for x in v]
    elif a.dtype.kind == 'b': vals = [bool(x) for x in v]
    elif a.dtype.kind in 'iu': vals = [int(x) for x in v]
    else: vals = ['nan' if np.isnan(x) else 'inf' if x == np.inf else '-inf' if x == -np.inf else float(x) for x in v.astype(np.float64)]
    return {'dtype': str(a.dtype), 'shape': list(a.shape), 'values': vals}
for k, a in arrays.items():
    np.save(os.path.join(d, k + '.npy'), a)
    out[k] = desc(a)
np.savez(os.path.join(d, 'plain.npz'), **{k: v for k, v in arrays.items() if k != 'text'})
np.savez_compressed(os.path.join(d, 'packed.npz'), **arrays)
# TensorProto: raw_data (numpy_helper) and the typed fields (helper.make_tensor without raw).
tp = {
  'raw_f32': numpy_helper.from_array(arrays['f32']),
  'raw_f16': numpy_helper.from_array(arrays['f16']),
  'raw_b': numpy_helper.from_array(arrays['b']),
  'typed_f32': helper.make_tensor('t', TensorProto.FLOAT, [2, 3], arrays['f32'].ravel().tolist()),
  'typed_f64': helper.make_tensor('t', TensorProto.DOUBLE, [7], arrays['f64'].tolist()),
  'typed_f16': helper.make_tensor('t', TensorProto.FLOAT16, [4], arrays['f16'].tolist()),
  'typed_bf16': helper.make_tensor('t', TensorProto.BFLOAT16, [3], [1.0, -2.5, 3.140625]),
  'typed_b': helper.make_tensor('t', TensorProto.BOOL, [3], [True, False, True]),
  'typed_i8': helper.make_tensor('t', TensorProto.INT8, [3], [-128, 0, 127]),
  'typed_i64': helper.make_tensor('t', TensorProto.INT64, [2], [-(2**40), 3]),
  'typed_u32': helper.make_tensor('t', TensorProto.UINT32, [1], [4000000000]),
  'typed_str': helper.make_tensor('t', TensorProto.STRING, [3], [s.encode() for s in ['héllo', 'wörld', '']]),
}
for k, t in tp.items():
    open(os.path.join(d, k + '.pb'), 'wb').write(t.SerializeToString())
    a = numpy_helper.to_array(t)
    if k == 'typed_bf16': a = a.astype(np.float32)
    if k == 'typed_str': a = a.astype(np.str_)
    out[k] = desc(a)
seq = numpy_helper.from_list([np.array([1, 2], dtype=np.float32), np.array([[3]], dtype=np.float32)])
open(os.path.join(d, 'seq.pb'), 'wb').write(seq.SerializeToString())
opt = numpy_helper.from_optional(np.array([7], dtype=np.int32))
open(os.path.join(d, 'opt.pb'), 'wb').write(opt.SerializeToString())
empty = numpy_helper.from_optional(None)
open(os.path.join(d, 'opt_empty.pb'), 'wb').write(empty.SerializeToString())
# Polygraphy JSON as 'polygraphy run --save-outputs/--save-inputs' writes it.
def nd(a):
    b = io.BytesIO(); np.save(b, a, allow_pickle=False)
    return {'array': base64.b64encode(b.getvalue()).decode(), 'polygraphy_class': 'ndarray'}
x = np.linspace(-1, 1, 4, dtype=np.float32).reshape(1, 4)
json.dump([{'x': nd(x)}], open(os.path.join(d, 'inputs.json'), 'w'))
def results(cls):
    it = {'outputs': {'logits': {'values': nd(np.array([[1, 2, 3]], dtype=np.float32)), 'polygraphy_class': cls}}, 'runtime': 0.1, 'runner_name': 'onnxrt-runner-N0', 'polygraphy_class': 'IterationResult'}
    return {'lst': [['onnxrt-runner-N0', [it]]], 'polygraphy_class': 'RunResults'}
json.dump(results('LazyArray'), open(os.path.join(d, 'outputs_new.json'), 'w'))
json.dump(results('LazyNumpyArray'), open(os.path.join(d, 'outputs_old.json'), 'w'))
print(json.dumps(out))
`;
    expected = JSON.parse(python(code));
  });
  after(() => tmp.cleanup());

  const p = (f: string) => path.join(tmp.dir, f);
  const numpyDtype = (d: string) => ({ float32: 'float32', float64: 'float64', float16: 'float16', bool: 'bool', uint8: 'uint8', int8: 'int8', uint16: 'uint16', int64: 'int64', uint32: 'uint32' })[d] ?? d;

  function check(name: string, t: Tensor): void {
    const e = expected[name];
    assert.deepEqual(t.dims, e.shape, `${name} shape`);
    if (!e.dtype.startsWith('<U') && e.dtype !== 'bfloat16') assert.equal(t.dtype, numpyDtype(e.dtype), `${name} dtype`);
    assert.deepEqual(values(t), e.values, `${name} values`);
  }

  it('.npy of every numeric dtype, bool, unicode strings, Fortran order and 0-d', () => {
    for (const k of ['f32', 'f64', 'f16', 'b', 'u8', 'i8', 'u16', 'i64', 'u32', 'fortran', 'scalar', 'text']) check(k, decodeNpyTensor(fs.readFileSync(p(`${k}.npy`)), k));
  });

  it('.npz stored (np.savez) and deflated (np.savez_compressed), member by member', () => {
    for (const f of ['plain.npz', 'packed.npz']) {
      const members = listNpz(p(f));
      assert.ok(members.length >= 11);
      for (const m of members) check(m.name, readNpzMember(p(f), m));
    }
  });

  it('TensorProto .pb from raw_data and from every typed field', () => {
    for (const k of Object.keys(expected).filter((k) => /^(raw|typed)_/.test(k))) {
      const t = tensorFromProto(fromBinary(TensorProtoSchema, fs.readFileSync(p(`${k}.pb`))));
      if (k === 'typed_bf16') {
        assert.equal(t.dtype, 'bfloat16');
        assert.deepEqual(values(t), expected[k].values);
      } else check(k, t);
    }
  });

  it('SequenceProto and OptionalProto .pb', () => {
    const seq = decodeGoldenPb(fs.readFileSync(p('seq.pb')), 'sequence');
    assert.equal(seq.kind, 'sequence');
    const els = (seq as Extract<GoldenValue, { kind: 'sequence' }>).elements.map((e) => (e.kind === 'tensor' ? [e.tensor.dims, values(e.tensor)] : e.kind));
    assert.deepEqual(els, [[[2], [1, 2]], [[1, 1], [3]]]);
    const opt = decodeGoldenPb(fs.readFileSync(p('opt.pb')), 'optional') as Extract<GoldenValue, { kind: 'optional' }>;
    assert.equal(opt.value?.kind, 'tensor');
    assert.deepEqual(values((opt.value as Extract<GoldenValue, { kind: 'tensor' }>).tensor), [7]);
    assert.deepEqual(decodeGoldenPb(fs.readFileSync(p('opt_empty.pb')), 'optional'), { kind: 'optional', value: null });
  });

  it('Polygraphy RunResults with LazyArray and LazyNumpyArray, inputs.json beside it', () => {
    const io = graphIo(readModel(mlpModel()));
    for (const f of ['outputs_new.json', 'outputs_old.json']) {
      const set = openGoldenSet(p(f), io);
      assert.equal(set.format, 'polygraphy');
      assert.equal(set.cases.length, 1);
      const c = set.cases[0].load();
      const logits = c.outputs.get('logits') as Extract<GoldenValue, { kind: 'tensor' }>;
      assert.deepEqual([logits.tensor.dims, values(logits.tensor)], [[1, 3], [1, 2, 3]]);
      const x = c.inputs.get('x') as Extract<GoldenValue, { kind: 'tensor' }>;
      assert.deepEqual(x.tensor.dims, [1, 4]);
    }
    assert.throws(() => openGoldenSet(p('inputs.json'), io), /Polygraphy inputs list/);
  });

  it('npz golden splits arrays into inputs and outputs by graph name; unknown names are listed', () => {
    const io = graphIo(readModel(mlpModel()));
    writeNpz(p('case.npz'), { x: f32(new Float32Array(4), [1, 4]), logits: f32(new Float32Array(3), [1, 3]), 'output:label': { dtype: 'int64', dims: [1], data: new BigInt64Array(1) }, stray: f32(new Float32Array(1), [1]) });
    const c = openGoldenSet(p('case.npz'), io).cases[0].load();
    assert.deepEqual([...c.inputs.keys()], ['x']);
    assert.deepEqual([...c.outputs.keys()].sort(), ['label', 'logits']);
    assert.deepEqual(c.unmatched, ['stray']);
  });

  it('discovers golden sets next to a model for Test Explorer', () => {
    const root = p('discover');
    fs.mkdirSync(path.join(root, 'goldens'), { recursive: true });
    fs.mkdirSync(path.join(root, 'node', 'test_data_set_0'), { recursive: true });
    for (const f of ['m.onnx', 'other.onnx', 'node/model.onnx', 'm.npz', 'other.npz']) fs.writeFileSync(path.join(root, f), '');
    fs.writeFileSync(path.join(root, 'goldens', 'golden.json'), JSON.stringify({ format: 'onnx-lab-golden', model: '../m.onnx', cases: [] }));
    fs.writeFileSync(path.join(root, 'x.json'), JSON.stringify({ format: 'onnx-lab-golden', model: 'other.onnx', cases: [] }));
    const rel = (m: string) => discoverGoldens(path.join(root, m)).map((g) => `${path.relative(root, g.path)} ${g.why}`);
    assert.deepEqual(rel('m.onnx'), ['m.npz same-name', 'goldens/golden.json manifest']);
    assert.deepEqual(rel('other.onnx'), ['other.npz same-name', 'x.json manifest']);
    assert.deepEqual(rel('node/model.onnx'), ['node backend-layout']);
  });

  it('bad input: unreadable, truncated, wrong format are one-line errors', () => {
    const io = graphIo(readModel(mlpModel()));
    assert.throws(() => openGoldenSet(p('nope'), io), /no such file or folder/);
    fs.writeFileSync(p('trunc.npy'), fs.readFileSync(p('f64.npy')).subarray(0, 100));
    assert.throws(() => decodeNpyTensor(fs.readFileSync(p('trunc.npy'))), /truncated/);
    fs.writeFileSync(p('junk.npz'), 'not a zip');
    assert.throws(() => listNpz(p('junk.npz')), /not a \.npz archive/);
    fs.writeFileSync(p('bad.json'), '{"lst": 1');
    assert.throws(() => openGoldenSet(p('bad.json'), io), /not valid JSON/);
    fs.writeFileSync(p('other.json'), '{"a": 1}');
    assert.throws(() => openGoldenSet(p('other.json'), io), /unknown JSON golden/);
    assert.ok(halfToNumber(0x7c00) === Infinity);
    void jsonable;
  });
});
