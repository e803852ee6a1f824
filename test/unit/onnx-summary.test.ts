import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { TypeProtoSchema, TypeProto_MapSchema, TypeProto_SequenceSchema, ValueInfoProtoSchema } from 'onnx-buf';
import { formatSummaryText, readModel, readSkippingTensorPayloads, summarizeModel, summarizeModelFile, opsetVersion } from '../../src/core/onnx';
import { DT, graph, graphAttr, modelBytes, node, tempDir, tensor, valueInfo } from './onnx-fixtures';

describe('onnx summary', () => {
  const thenBranch = graph({ outputs: [valueInfo('a', DT.FLOAT)], nodes: [node('Loop', ['n', 'c'], ['a'], { attribute: [graphAttr('body', graph({ nodes: [node('Relu', ['p'], ['q'])] }))] })] });
  const elseBranch = graph({ outputs: [valueInfo('b', DT.FLOAT)], nodes: [node('Relu', ['x'], ['b'])], initializers: [tensor('inner', [2, 2])] });
  const seqType = create(TypeProtoSchema, { value: { case: 'sequenceType', value: create(TypeProto_SequenceSchema, { elemType: valueInfo('', DT.INT64).type }) } });
  const mapType = create(TypeProtoSchema, { value: { case: 'mapType', value: create(TypeProto_MapSchema, { keyType: DT.STRING, valueType: valueInfo('', DT.FLOAT).type }) } });
  const spec = {
    producer: 'pytorch',
    irVersion: 8,
    opsets: [['', 17], ['com.microsoft', 1]] as [string, number][],
    metadata: { vocab_size: '1024', subsampling_factor: '8' },
    inputs: [valueInfo('audio', DT.FLOAT, ['N', 80, null]), valueInfo('w', DT.FLOAT, [3, 4]), valueInfo('len', DT.INT64, ['N'])],
    outputs: [
      valueInfo('y', DT.FLOAT, ['N', 'T', 1025]),
      create(ValueInfoProtoSchema, { name: 'seq', type: seqType }),
      create(ValueInfoProtoSchema, { name: 'map', type: mapType }),
      valueInfo('norank', DT.FLOAT),
    ],
    nodes: [
      node('MatMul', ['audio', 'w'], ['h1']),
      node('Relu', ['h1'], ['h2']),
      node('FusedGemm', ['h2'], ['h3'], { domain: 'com.microsoft' }),
      node('If', ['cond'], ['y'], { attribute: [graphAttr('then_branch', thenBranch), graphAttr('else_branch', elseBranch)] }),
      node('MyFn', ['h3'], ['seq'], { domain: 'custom' }),
    ],
    initializers: [tensor('w', [3, 4]), tensor('ids', [10], { dataType: DT.INT64 }), tensor('big', [256, 256], { external: { location: 'weights.bin' } })],
    valueInfo: [valueInfo('h1', DT.FLOAT, ['N', 4]), valueInfo('h2', DT.FLOAT, ['N', 4])],
    functions: [{ domain: 'custom', name: 'MyFn', nodes: [node('Identity', ['i'], ['o'])], input: ['i'], output: ['o'] }],
  };

  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  before(() => {
    tmp = tempDir();
    file = path.join(tmp.dir, 'model.onnx');
    fs.writeFileSync(file, modelBytes(spec));
    fs.writeFileSync(path.join(tmp.dir, 'weights.bin'), Buffer.alloc(256 * 256 * 4));
  });
  after(() => tmp.cleanup());

  it('reports header, inputs (without initializer-backed ones), outputs and types', () => {
    const s = summarizeModelFile(file);
    assert.equal(s.irVersion, 8);
    assert.equal(s.producerName, 'pytorch');
    assert.equal(s.fileSize, fs.statSync(file).size);
    assert.deepEqual(s.opsetImports, [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }]);
    assert.equal(opsetVersion(s), 17);
    assert.equal(opsetVersion(s, 'com.microsoft'), 1);
    assert.deepEqual(s.metadata, { vocab_size: '1024', subsampling_factor: '8' });
    assert.deepEqual(s.inputs, [
      { name: 'audio', type: 'tensor(float32)', elemType: 'float32', shape: ['N', 80, null] },
      { name: 'len', type: 'tensor(int64)', elemType: 'int64', shape: ['N'] },
    ]);
    assert.deepEqual(s.overridableInputs, ['w']);
    assert.deepEqual(
      s.outputs.map((o) => [o.name, o.type, o.elemType, o.shape]),
      [
        ['y', 'tensor(float32)', 'float32', ['N', 'T', 1025]],
        ['seq', 'sequence(tensor(int64))', null, null],
        ['map', 'map(string,tensor(float32))', null, null],
        ['norank', 'tensor(float32)', 'float32', null],
      ],
    );
  });

  it('counts ops over subgraphs, subgraphs by op, functions and value_info coverage', () => {
    const s = summarizeModelFile(file);
    assert.equal(s.nodeCount, 5);
    assert.equal(s.totalNodeCount, 5 + 1 + 1 + 1); // then: Loop; Loop body: Relu; else: Relu
    assert.deepEqual(s.opHistogram, [
      { op: 'Relu', count: 3 },
      { op: 'If', count: 1 },
      { op: 'Loop', count: 1 },
      { op: 'MatMul', count: 1 },
      { op: 'com.microsoft.FusedGemm', count: 1 },
      { op: 'custom.MyFn', count: 1 },
    ]);
    assert.deepEqual(s.subgraphs, { count: 3, byOp: { If: 2, Loop: 1 }, maxDepth: 2 });
    assert.deepEqual(s.functions, [{ domain: 'custom', name: 'MyFn', inputs: ['i'], outputs: ['o'], nodes: 1 }]);
    // Intermediates: h1, h2, h3 (y and seq are graph outputs); h1 and h2 are typed.
    assert.deepEqual(s.valueInfo, { intermediates: 3, annotated: 2, percent: 66.7 });
  });

  it('counts parameters per dtype, including subgraph initializers and external tensors', () => {
    const s = summarizeModelFile(file);
    assert.deepEqual(s.parameters.byDtype, [
      { dtype: 'float32', tensors: 3, count: 12 + 4 + 65536, bytes: (12 + 4 + 65536) * 4 },
      { dtype: 'int64', tensors: 1, count: 10, bytes: 80 },
    ]);
    assert.equal(s.parameters.count, 12 + 4 + 65536 + 10);
    assert.equal(s.parameters.tensors, 4);
  });

  it('checks external data files: ok, truncated, missing, invalid path', () => {
    let s = summarizeModelFile(file);
    assert.deepEqual(s.externalData, {
      tensors: 1,
      files: [{ location: 'weights.bin', tensors: 1, bytesReferenced: 262144, requiredSize: 262144, size: 262144, status: 'ok' }],
    });
    fs.truncateSync(path.join(tmp.dir, 'weights.bin'), 1000);
    s = summarizeModelFile(file);
    assert.equal(s.externalData.files[0].status, 'truncated');
    assert.equal(s.externalData.files[0].size, 1000);
    fs.rmSync(path.join(tmp.dir, 'weights.bin'));
    assert.equal(summarizeModelFile(file).externalData.files[0].status, 'missing');
    // Without a file or baseDir nothing is looked up.
    assert.equal(summarizeModel(readModel(fs.readFileSync(file))).externalData.files[0].status, 'unchecked');
    const evil = modelBytes({ ...spec, initializers: [tensor('e', [4], { external: { location: '../../etc/passwd' } }), tensor('f', [4], { external: { location: '/abs/w.bin' } })] });
    const s2 = summarizeModel(readModel(evil), { baseDir: tmp.dir });
    assert.deepEqual(s2.externalData.files.map((f) => f.status), ['invalid-path', 'invalid-path']);
  });

  it('the wire scanner and the full decode give the same summary', () => {
    const bytes = fs.readFileSync(file);
    assert.deepStrictEqual(summarizeModelFile(file), summarizeModel(readModel(bytes), { file, fileSize: bytes.length }));
  });

  it('large files are summarised without reading initializer payloads', () => {
    const big = path.join(tmp.dir, 'big.onnx');
    const weights = Array.from({ length: 8 }, (_, i) => tensor(`w${i}`, [256, 256], i % 2 ? { asFloatData: true } : {}));
    fs.writeFileSync(big, modelBytes({ ...spec, initializers: [...spec.initializers, ...weights] }));
    const size = fs.statSync(big).size;
    const { bytes, bytesRead } = readSkippingTensorPayloads(big, size);
    assert.equal(bytes.length, size);
    assert.ok(bytesRead < size / 3, `read ${bytesRead} of ${size} bytes`);
    const sparse = summarizeModelFile(big, { sparseReadMin: 0 });
    assert.deepStrictEqual(sparse, summarizeModelFile(big, { sparseReadMin: Infinity }));
    assert.equal(sparse.parameters.tensors, 4 + 8);
    // A file whose layout the skipper cannot follow is read whole, so the decoder reports it.
    const cut = path.join(tmp.dir, 'cut.onnx');
    fs.writeFileSync(cut, fs.readFileSync(big).subarray(0, size - 1000));
    assert.throws(() => summarizeModelFile(cut, { sparseReadMin: 0 }), /truncated ONNX file/);
  });

  it('is plain JSON (no BigInt) and formats as text', () => {
    const s = summarizeModelFile(file);
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
    const text = formatSummaryText(s);
    for (const want of [
      /IR version 8; producer pytorch 1/,
      /Opsets: ai\.onnx 17, com\.microsoft 1/,
      /Inputs \(2\):\n  audio\s+float32 \[N, 80, \?\]\n  len\s+int64 \[N\]/,
      /1 input\(s\) with initializers .*: w/,
      /seq\s+sequence\(tensor\(int64\)\)/,
      /norank\s+float32 \[\?rank\]/,
      /vocab_size\s+1024/,
      /Nodes: 5 in the main graph, 8 with subgraphs; 6 op types/,
      /Subgraphs: 3 \(If 2, Loop 1\), nesting depth 2/,
      /Functions \(1\): custom\.MyFn \(1 nodes\)/,
      /Parameters: 65\.6k in 4 tensors, 256\.\d KiB/,
      /External data: 1 tensors in 1 file\(s\)\n  weights\.bin\s+missing/,
      /value_info: 2\/3 intermediate tensors typed \(66\.7%\)/,
    ]) {
      assert.match(text, want);
    }
  });

  it('summarises a model with no graph content without throwing', () => {
    const s = summarizeModel(readModel(modelBytes({})));
    assert.deepEqual(s.inputs, []);
    assert.equal(s.valueInfo.percent, null);
    assert.match(formatSummaryText(s), /Inputs \(0\)/);
  });
});
