import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProtoSchema } from 'onnx-buf';
import { isOnnxLabError } from '../../src/core/errors';
import { readModel, readModelFile } from '../../src/core/onnx';
import { DT, TESTDATA, modelBytes, node, tempDir, tensor, valueInfo } from './onnx-fixtures';

function expectError(fn: () => unknown, code: string, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.ok(isOnnxLabError(e), `expected an OnnxLabError, got ${e}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'messages are one line');
    return;
  }
  assert.fail(`expected ${code}`);
}

describe('onnx reader', () => {
  const spec = {
    inputs: [valueInfo('x', DT.FLOAT, [1, 'T'])],
    outputs: [valueInfo('y', DT.FLOAT, [1, 'T'])],
    nodes: [node('Add', ['x', 'w'], ['y'])],
    initializers: [tensor('w', [1, 4])],
  };

  it('decodes a model and keeps raw_data as a view of the input bytes (no copy)', () => {
    const bytes = modelBytes(spec);
    const m = readModel(bytes);
    assert.equal(m.irVersion, 8n);
    assert.equal(m.graph?.node[0].opType, 'Add');
    const raw = m.graph!.initializer[0].rawData;
    assert.equal(raw.length, 16);
    assert.equal(raw.buffer, bytes.buffer, 'raw_data shares the file buffer');
    assert.deepEqual(Array.from(new Float32Array(raw.slice().buffer)), [0, 1, 2, 3]);
  });

  it('skips repeated tensor payloads (float_data) unless keepTensorData', () => {
    const bytes = modelBytes({ ...spec, initializers: [tensor('w', [1, 4], { asFloatData: true })] });
    const lite = readModel(bytes);
    assert.equal(lite.graph!.initializer[0].floatData, undefined);
    assert.deepEqual(lite.graph!.initializer[0].dims, [1n, 4n], 'the tensor header is still decoded');
    const full = readModel(bytes, { keepTensorData: true });
    assert.deepEqual(full.graph!.initializer[0].floatData, [0, 0.5, 1, 1.5]);
  });

  describe('bad files give one clear OnnxLabError', () => {
    let tmp: ReturnType<typeof tempDir>;
    before(() => (tmp = tempDir()));
    after(() => tmp.cleanup());

    it('missing file', () => expectError(() => readModelFile(path.join(tmp.dir, 'nope.onnx')), 'onnx.not-found', /nope\.onnx: no such file/));
    it('directory', () => expectError(() => readModelFile(tmp.dir), 'onnx.is-directory', /is a directory/));
    it('empty file', () => {
      const f = path.join(tmp.dir, 'empty.onnx');
      fs.writeFileSync(f, '');
      expectError(() => readModelFile(f), 'onnx.empty', /empty file/);
      expectError(() => readModel(new Uint8Array(0)), 'onnx.empty', /empty file/);
    });
    it('a WAV file', () => {
      const wav = Buffer.alloc(44);
      wav.write('RIFF', 0);
      wav.writeUInt32LE(36, 4);
      wav.write('WAVEfmt ', 8);
      const f = path.join(tmp.dir, 'audio.onnx');
      fs.writeFileSync(f, wav);
      expectError(() => readModelFile(f), 'onnx.not-protobuf', /not an ONNX model: the file is not a protobuf ModelProto \(starts with bytes 'RIFF'.*WAV/);
    });
    it('text, JSON, zip and npy files', () => {
      expectError(() => readModel(Buffer.from('hello world, not a model')), 'onnx.not-protobuf', /starts with bytes 'hell'/);
      expectError(() => readModel(Buffer.from('{"a": 1}')), 'onnx.not-protobuf', /JSON/);
      expectError(() => readModel(Buffer.from('PK\x03\x04rest-of-zip', 'latin1')), 'onnx.not-protobuf', /zip/);
      expectError(() => readModel(Buffer.from('\x93NUMPY\x01\x00', 'latin1')), 'onnx.not-protobuf', /NumPy/);
    });
    it('a real model cut in half is reported as truncated', () => {
      const src = path.join(TESTDATA, 'pytorch-operator/test_operator_conv/model.onnx');
      const bytes = fs.readFileSync(src);
      const f = path.join(tmp.dir, 'half.onnx');
      fs.writeFileSync(f, bytes.subarray(0, bytes.length >> 1));
      expectError(() => readModelFile(f), 'onnx.truncated', /half\.onnx: truncated ONNX file: the graph needs \d+ bytes but the file has \d+/);
    });
    it('every cut of a model is an OnnxLabError', () => {
      const bytes = modelBytes(spec);
      for (let n = 1; n < bytes.length; n++) {
        try {
          readModel(bytes.subarray(0, n));
          // Only a prefix that ends exactly at a field boundary after the graph may decode.
        } catch (e) {
          assert.ok(isOnnxLabError(e), `cut at ${n}: ${e}`);
        }
      }
    });
    it('a TensorProto .pb (test data) is not a model', () => {
      const pb = toBinary(TensorProtoSchema, create(TensorProtoSchema, { dims: [3n], dataType: DT.FLOAT, rawData: new Uint8Array(12) }));
      assert.throws(() => readModel(pb), (e: unknown) => isOnnxLabError(e) && /not an ONNX model/.test(e.message));
      const real = path.join(TESTDATA, 'node/test_abs/test_data_set_0/input_0.pb');
      assert.throws(() => readModelFile(real), (e: unknown) => isOnnxLabError(e) && /not an ONNX model/.test(e.message));
    });
    it('valid protobuf without a graph', () => {
      const m = toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 8n, producerName: 'x' }));
      expectError(() => readModel(m), 'onnx.no-graph', /no graph/);
    });
    it('a model with a nonsense ir_version', () => {
      const m = create(ModelProtoSchema, { irVersion: 123456n, graph: {} as never });
      m.graph = readModel(modelBytes(spec), { keepTensorData: true }).graph;
      expectError(() => readModel(toBinary(ModelProtoSchema, m)), 'onnx.not-model', /ir_version 123456/);
    });
    it('random bytes never decode as a model', () => {
      let seed = 7;
      const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
      let accepted = 0;
      for (let i = 0; i < 2000; i++) {
        const b = new Uint8Array(8 + (i % 200)).map(rand);
        try {
          readModel(b);
          accepted++;
        } catch (e) {
          assert.ok(isOnnxLabError(e), String(e));
        }
      }
      assert.equal(accepted, 0);
    });
  });
});
