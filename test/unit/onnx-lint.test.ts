import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isOnnxLabError } from '../../src/core/errors';
import {
  editDistance,
  isExporterGeneratedName,
  lintModel,
  parseCard,
  readCardFile,
  readModel,
  summarizeModel,
  summarizeModelFile,
  formatFindingsText,
  type Finding,
  type LintOptions,
  type ModelCard,
} from '../../src/core/onnx';
import { DT, modelBytes, nemoCtcSpec, node, tempDir, tensor, valueInfo, type ModelSpec } from './onnx-fixtures';

function lint(spec: ModelSpec, opts: LintOptions = {}): Finding[] {
  return lintModel(summarizeModel(readModel(modelBytes(spec))), opts);
}
const rules = (fs: Finding[]) => fs.map((f) => `${f.severity}:${f.rule}:${f.target}`);
const only = (fs: Finding[], rule: string) => fs.filter((f) => f.rule === rule);

const NEMO_CARD: ModelCard = {
  kind: 'nemo-ctc',
  inputs: [
    { name: 'audio_signal', elemType: 'float32', shape: ['N', 80, 'T'] },
    { name: 'length', elemType: 'int64', shape: ['N'] },
  ],
  outputs: [{ name: 'logprobs', elemType: 'float32', shape: ['N', 'T', null] }],
};
const TOKENS = Array.from({ length: 1024 }, (_, i) => `tok${i} ${i}`).join('\n') + '\n<blk> 1024\n';

describe('onnx lint', () => {
  it('a correct NeMo CTC export bound by a correct card has no findings', () => {
    assert.deepEqual(lint(nemoCtcSpec(), { card: NEMO_CARD, tokensText: TOKENS }), []);
  });

  describe('card bindings', () => {
    const exported = nemoCtcSpec({
      inputs: [valueInfo('input.1', DT.FLOAT, ['N', 80, 'T']), valueInfo('length', DT.INT64, ['N'])],
    });

    it('binding.missing-name: suggests the closest model name (same position, type, rank)', () => {
      const f = only(lint(exported, { card: NEMO_CARD }), 'binding.missing-name');
      assert.equal(f.length, 1);
      assert.equal(f[0].severity, 'error');
      assert.equal(f[0].target, 'card:inputs[0]');
      assert.deepEqual(f[0].suggestion, { replace: 'audio_signal', with: 'input.1' });
      assert.match(f[0].message, /the card binds input 'audio_signal' but the model has no input with that name .*closest: 'input\.1' \(same position, same type float32, same rank 3\)/);
    });

    it('binding.missing-name: prefers a similar name over position', () => {
      const spec = nemoCtcSpec({ inputs: [valueInfo('length', DT.INT64, ['N']), valueInfo('audio_signals', DT.FLOAT, ['N', 80, 'T'])] });
      const f = only(lint(spec, { card: NEMO_CARD }), 'binding.missing-name');
      assert.deepEqual(f[0].suggestion, { replace: 'audio_signal', with: 'audio_signals' });
    });

    it('binding.missing-name on outputs, and optional card tensors may be absent', () => {
      const card: ModelCard = { outputs: [{ name: 'log_probs' }, { name: 'extra', optional: true }] };
      const f = lint(nemoCtcSpec(), { card });
      assert.deepEqual(only(f, 'binding.missing-name').map((x) => x.suggestion), [{ replace: 'log_probs', with: 'logprobs' }]);
    });

    it('binding.unfed-input: model inputs the card does not feed', () => {
      const f = lint(nemoCtcSpec(), { card: { inputs: [NEMO_CARD.inputs![0]] } });
      assert.deepEqual(rules(only(f, 'binding.unfed-input')), ['error:binding.unfed-input:input:length']);
    });

    it('binding.elem-type: int32 lengths and float64 features', () => {
      const spec = nemoCtcSpec({ inputs: [valueInfo('audio_signal', DT.DOUBLE, ['N', 80, 'T']), valueInfo('length', DT.INT32, ['N'])] });
      const f = only(lint(spec, { card: NEMO_CARD }), 'binding.elem-type');
      assert.deepEqual(rules(f), ['error:binding.elem-type:input:audio_signal', 'error:binding.elem-type:input:length']);
      assert.match(f[0].message, /is float64 but the card expects float32 .*float64/);
      assert.match(f[1].message, /is int32 but the card expects int64/);
    });

    it('binding.fixed-dim, binding.dynamic-dim, binding.dim-mismatch, binding.rank', () => {
      const spec = nemoCtcSpec({ inputs: [valueInfo('audio_signal', DT.FLOAT, [1, 'F', 1000]), valueInfo('length', DT.INT64, [1, 1])] });
      const card: ModelCard = { inputs: [{ name: 'audio_signal', shape: ['N', 80, 'T'] }, { name: 'length', shape: ['N'] }] };
      const f = lint(spec, { card });
      assert.deepEqual(rules(f.filter((x) => x.rule.startsWith('binding.'))), [
        'error:binding.fixed-dim:input:audio_signal',
        'error:binding.fixed-dim:input:audio_signal',
        'error:binding.rank:input:length',
        'warning:binding.dynamic-dim:input:audio_signal',
      ]);
      assert.match(f[0].message, /axis 0 of input 'audio_signal' is fixed to 1 but the pipeline needs it dynamic \(N\)/);
      const mismatch = lint(nemoCtcSpec({ inputs: [valueInfo('audio_signal', DT.FLOAT, ['N', 64, 'T']), valueInfo('length', DT.INT64, ['N'])] }), { card: NEMO_CARD });
      assert.deepEqual(rules(only(mismatch, 'binding.dim-mismatch')), ['error:binding.dim-mismatch:input:audio_signal']);
    });
  });

  it('names.exporter-generated: input.1, onnx::Gemm_0, x.3 and /scope/Op_output_0 are flagged', () => {
    for (const n of ['input.1', 'onnx::Gemm_0', 'x.3', '123', '/encoder/Add_output_0']) assert.ok(isExporterGeneratedName(n), n);
    for (const n of ['audio_signal', 'x', 'logprobs', 'input', 'encoder_out']) assert.ok(!isExporterGeneratedName(n), n);
    const f = lint({ inputs: [valueInfo('input.1', DT.FLOAT, [1]), valueInfo('onnx::Gemm_0', DT.FLOAT, [1])], outputs: [valueInfo('x.3', DT.FLOAT, [1]), valueInfo('out', DT.FLOAT, [1])] });
    assert.deepEqual(rules(f), ['warning:names.exporter-generated:input:input.1', 'warning:names.exporter-generated:input:onnx::Gemm_0', 'warning:names.exporter-generated:output:x.3']);
  });

  it('types.float64-input without a card', () => {
    assert.deepEqual(rules(lint({ inputs: [valueInfo('feats', DT.DOUBLE, [1, 80])] })), ['warning:types.float64-input:input:feats']);
  });

  describe('NeMo / sherpa-onnx CTC', () => {
    it('ctc.metadata-missing: error with a CTC card, warning when only detected from input names', () => {
      const spec = nemoCtcSpec({ metadata: {} });
      assert.deepEqual(rules(lint(spec, { card: { kind: 'sherpa-ctc' } })), ['error:ctc.metadata-missing:metadata:vocab_size', 'error:ctc.metadata-missing:metadata:subsampling_factor']);
      assert.deepEqual(rules(lint(spec)), ['warning:ctc.metadata-missing:metadata:vocab_size', 'warning:ctc.metadata-missing:metadata:subsampling_factor']);
    });
    it('ctc.metadata-invalid and ctc.vocab-mismatch', () => {
      const spec = nemoCtcSpec({ metadata: { vocab_size: '512', subsampling_factor: 'eight' } });
      assert.deepEqual(rules(lint(spec, { card: { kind: 'nemo-ctc' } })), ['error:ctc.metadata-invalid:metadata:subsampling_factor', 'error:ctc.vocab-mismatch:output:logprobs']);
    });
    it('ctc.tokens-count and ctc.blank-not-last', () => {
      const short = TOKENS.split('\n').slice(1).join('\n');
      assert.deepEqual(rules(lint(nemoCtcSpec(), { card: { kind: 'nemo-ctc' }, tokensText: short })), ['error:ctc.tokens-count:tokens']);
      const blankFirst = '<blk> 0\n' + Array.from({ length: 1024 }, (_, i) => `tok${i} ${i + 1}`).join('\n');
      const f = lint(nemoCtcSpec(), { card: { kind: 'nemo-ctc' }, tokensText: blankFirst });
      assert.deepEqual(rules(f), ['error:ctc.blank-not-last:tokens']);
      assert.match(f[0].message, /blank <blk> has id 0 but NeMo CTC needs it last \(id 1024\)/);
      assert.deepEqual(rules(lint(nemoCtcSpec(), { card: { kind: 'nemo-ctc' }, tokensText: 'a 0\nb 1\n' })).slice(0, 2), ['error:ctc.tokens-count:tokens', 'error:ctc.blank-not-last:tokens']);
    });
    it('reads tokens relative to the card file', () => {
      const tmp = tempDir();
      try {
        fs.writeFileSync(path.join(tmp.dir, 'tokens.txt'), TOKENS);
        const cardFile = path.join(tmp.dir, 'card.json');
        assert.deepEqual(lint(nemoCtcSpec(), { card: { kind: 'nemo-ctc', tokens: 'tokens.txt' }, cardFile }), []);
        assert.deepEqual(rules(lint(nemoCtcSpec(), { card: { kind: 'nemo-ctc', tokens: 'missing.txt' }, cardFile })), ['error:ctc.tokens-missing:tokens']);
      } finally {
        tmp.cleanup();
      }
    });
    it('ctc.hybrid-rnnt-export: the RNNT encoder exported instead of the CTC model', () => {
      const encoder = nemoCtcSpec({ outputs: [valueInfo('outputs', DT.FLOAT, ['N', 512, 'T']), valueInfo('encoded_lengths', DT.INT64, ['N'])] });
      const f = only(lint(encoder, { card: { kind: 'nemo-ctc' } }), 'ctc.hybrid-rnnt-export');
      assert.equal(f.length, 1);
      assert.equal(f[0].severity, 'error');
      assert.match(f[0].message, /RNNT \(transducer\) encoder .*set_export_config\(\{"decoder_type": "ctc"\}\)/);
      // The encoder + decoder_joint pair on disk is flagged too.
      const tmp = tempDir();
      try {
        const enc = path.join(tmp.dir, 'encoder-model.onnx');
        fs.writeFileSync(enc, modelBytes(nemoCtcSpec({ outputs: [valueInfo('enc', DT.FLOAT, ['N', 512, 'T'])] })));
        fs.writeFileSync(path.join(tmp.dir, 'decoder_joint-model.onnx'), 'x');
        const g = only(lintModel(summarizeModelFile(enc), { card: { kind: 'nemo-ctc' } }), 'ctc.hybrid-rnnt-export');
        assert.match(g[0].message, /decoder_joint-model\.onnx beside it/);
      } finally {
        tmp.cleanup();
      }
    });
  });

  describe('TTS contracts', () => {
    const i64 = (n: string) => valueInfo(n, DT.INT64, [1, 'T']);
    const f32 = (n: string) => valueInfo(n, DT.FLOAT, [1]);
    const out = [valueInfo('output', DT.FLOAT, [1, 1, 'S'])];
    it('accepts piper (with and without sid), vits and melo', () => {
      assert.deepEqual(lint({ inputs: [i64('input'), i64('input_lengths'), f32('scales')], outputs: out }), []);
      assert.deepEqual(lint({ inputs: [i64('input'), i64('input_lengths'), f32('scales'), i64('sid')], outputs: out }), []);
      assert.deepEqual(lint({ inputs: ['x', 'x_length', 'noise_scale', 'length_scale', 'noise_scale_w'].map(f32), outputs: out }), []);
      assert.deepEqual(lint({ inputs: ['x', 'x_lengths', 'tones', 'sid', 'noise_scale', 'length_scale', 'noise_scale_w'].map(f32), outputs: out }), []);
    });
    it('tts.contract names the closest contract and what differs', () => {
      const f = lint({ inputs: [i64('input'), i64('input_lengths'), f32('noise_scale')], outputs: out });
      assert.deepEqual(rules(f), ['error:tts.contract:model']);
      assert.match(f[0].message, /closest is piper: missing scales; unexpected noise_scale/);
      const melo = lint({ inputs: ['x', 'x_lengths', 'sid', 'noise_scale', 'length_scale', 'noise_scale_w'].map(f32), outputs: out }, { card: { kind: 'melo' } });
      assert.match(melo[0].message, /closest is melo: missing tones/);
    });
  });

  describe('runtime support (onnxruntime 1.30)', () => {
    it('runtime.opset-too-new and runtime.ir-too-new', () => {
      const f = lint({ opsets: [['', 27], ['ai.onnx.ml', 6], ['com.microsoft', 1]], irVersion: 14 });
      assert.deepEqual(rules(f), ['error:runtime.ir-too-new:model', 'error:runtime.opset-too-new:opset:ai.onnx', 'error:runtime.opset-too-new:opset:ai.onnx.ml']);
      assert.match(f[1].message, /opset ai\.onnx 27 is newer than onnxruntime 1\.30 supports \(max 26\)/);
      assert.deepEqual(lint({ opsets: [['', 26]], irVersion: 13 }), []);
    });
    it('runtime.op-unsupported: no CPU kernel (and no ONNX function body) at the model opset', () => {
      const f = lint({ nodes: [node('Relu', ['a'], ['b']), node('NoSuchOp', ['b'], ['c']), node('Relu', ['c'], ['d'])], opsets: [['', 5]] });
      assert.deepEqual(rules(f), ['error:runtime.op-unsupported:op:Relu', 'error:runtime.op-unsupported:op:NoSuchOp']);
      assert.match(f[0].message, /onnxruntime 1\.30 cannot run Relu \(2 nodes\) at ai\.onnx opset 5: its CPU kernels cover opsets 6-12, 13, 14\+/);
      assert.match(f[1].message, /it has no CPU kernel for this op at all/);
      // Contrib ops are looked up in their own domain; ops with an ONNX function body are inlined by the runtime.
      assert.deepEqual(lint({ nodes: [node('Gelu', ['a'], ['b'], { domain: 'com.microsoft' }), node('Relu', ['b'], ['c'])], opsets: [['', 17], ['com.microsoft', 1]] }), []);
      assert.deepEqual(rules(lint({ nodes: [node('NoSuchContrib', ['a'], ['b'], { domain: 'com.microsoft' })], opsets: [['', 17], ['com.microsoft', 1]] })), ['error:runtime.op-unsupported:op:com.microsoft.NoSuchContrib']);
    });

    it('runtime.custom-domain unless a model function implements the domain', () => {
      const nodes = [node('Fancy', ['a'], ['b'], { domain: 'my.ops' })];
      assert.deepEqual(rules(lint({ nodes, opsets: [['', 17], ['my.ops', 1]] })), ['error:runtime.custom-domain:opset:my.ops']);
      const functions = [{ domain: 'my.ops', name: 'Fancy', nodes: [node('Relu', ['i'], ['o'])], input: ['i'], output: ['o'] }];
      assert.deepEqual(lint({ nodes, functions, opsets: [['', 17], ['my.ops', 1]] }), []);
    });
  });

  it('external.missing, external.truncated, external.invalid-path, external.unreferenced', () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'model.onnx');
      fs.writeFileSync(
        file,
        modelBytes({ initializers: [tensor('a', [100], { external: { location: 'model.onnx.data' } }), tensor('b', [10], { external: { location: 'gone.bin' } }), tensor('c', [1], { external: { location: '../up.bin' } })] }),
      );
      fs.writeFileSync(path.join(tmp.dir, 'model.onnx.data'), Buffer.alloc(100));
      fs.writeFileSync(path.join(tmp.dir, 'model.data'), Buffer.alloc(400));
      const f = lintModel(summarizeModelFile(file));
      assert.deepEqual(rules(f), [
        'error:external.truncated:external:model.onnx.data',
        'error:external.missing:external:gone.bin',
        'error:external.invalid-path:external:../up.bin',
        'error:external.unreferenced:external:model.data',
      ]);
      assert.match(f[0].message, /is 100 bytes but the model reads up to byte 400/);
    } finally {
      tmp.cleanup();
    }
  });

  it('metadata.missing for keys the card needs', () => {
    assert.deepEqual(rules(lint({}, { card: { metadata: ['sample_rate'] } })), ['error:metadata.missing:metadata:sample_rate']);
  });

  it('cards: parse, validate, read', () => {
    assert.deepEqual(parseCard({ inputs: ['a', { name: 'b', elemType: 'int64', shape: ['N', 3, null] }] }), {
      inputs: [{ name: 'a' }, { name: 'b', elemType: 'int64', shape: ['N', 3, null], optional: false }],
      outputs: undefined,
    });
    for (const bad of [[], 3, { inputs: {} }, { inputs: [{}] }, { inputs: [{ name: 'a', shape: [true] }] }, { kind: 1 }, { metadata: [1] }]) {
      assert.throws(() => parseCard(bad, 'c.json'), (e: unknown) => isOnnxLabError(e) && e.code === 'card.invalid' && /^c\.json: invalid card: /.test(e.message));
    }
    const tmp = tempDir();
    try {
      const f = path.join(tmp.dir, 'card.json');
      fs.writeFileSync(f, '{not json');
      assert.throws(() => readCardFile(f), /invalid card: not JSON/);
      assert.throws(() => readCardFile(path.join(tmp.dir, 'none.json')), /none\.json: no such file/);
      fs.writeFileSync(f, JSON.stringify(NEMO_CARD));
      assert.deepEqual(readCardFile(f).inputs?.map((i) => i.name), ['audio_signal', 'length']);
    } finally {
      tmp.cleanup();
    }
  });

  it('edit distance and text formatting', () => {
    assert.equal(editDistance('audio_signal', 'audio_signals'), 1);
    assert.equal(editDistance('Length', 'length'), 0);
    assert.equal(editDistance('', 'abc'), 3);
    const text = formatFindingsText(lint(nemoCtcSpec({ metadata: {} }), { card: { kind: 'nemo-ctc' } }));
    assert.match(text, /^error: \[ctc\.metadata-missing\] metadata:vocab_size: metadata_props has no 'vocab_size'/);
    assert.match(text, /2 error\(s\), 0 warning\(s\), 0 info\n$/);
    assert.equal(formatFindingsText([]), 'No problems found.\n');
  });
});
