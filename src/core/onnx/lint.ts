/**
 * Model lint: rules with ids, severities, messages and (where the fix is mechanical) a suggested
 * replacement. Works on a ModelSummary plus, optionally, a card: the names, types and shapes a
 * pipeline feeds to and reads from the model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OnnxLabError } from '../errors';
import { dtypeCode, dtypeName } from './dtypes';
import type { Dim, ModelSummary, ValueSummary } from './summary';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable id, e.g. `binding.missing-name`. */
  rule: string;
  severity: Severity;
  message: string;
  /** What it is about: `input:NAME`, `output:NAME`, `metadata:KEY`, `opset:DOMAIN`, `external:FILE`, `card:inputs[0]`, `tokens`, `model`. */
  target: string;
  /** A mechanical fix: in the card, replace `replace` with `with`. */
  suggestion?: { replace: string; with: string };
}

/** One tensor a pipeline binds by name. */
export interface CardTensor {
  name: string;
  /** Expected element type: `float32`, `int64`, ... */
  elemType?: string;
  /**
   * Expected shape, one entry per axis: a number means the pipeline feeds exactly that size; a
   * string means the axis must be dynamic (the string is only a label, e.g. "T" or "batch"); null
   * means anything. Giving a shape also checks the rank.
   */
  shape?: (number | string | null)[];
  /** The pipeline can run without it (e.g. `sid` for single-speaker TTS). */
  optional?: boolean;
}

/**
 * What a pipeline expects of a model (the binding part of a pipeline/model card).
 * JSON form: `{"kind": "nemo-ctc", "inputs": [{"name": "audio_signal", "elemType": "float32",
 * "shape": ["N", 80, "T"]}], "outputs": [...], "tokens": "tokens.txt", "metadata": ["vocab_size"]}`.
 */
export interface ModelCard {
  /** Pipeline family: `nemo-ctc`/`sherpa-ctc`/`ctc`, `piper`, `vits`, `melo`/`melotts`, `tts`, or anything else (no family rules). */
  kind?: string;
  inputs?: CardTensor[];
  outputs?: CardTensor[];
  /** tokens.txt, relative to the card's folder. */
  tokens?: string;
  /** metadata_props keys the pipeline reads. */
  metadata?: string[];
}

export interface LintOptions {
  card?: ModelCard;
  /** Card path: tokens and messages are relative to it. */
  cardFile?: string;
  /** Model path, for sibling-file checks (external data, RNNT decoder_joint). Defaults to summary.file. */
  modelFile?: string;
  /** tokens.txt content, instead of reading card.tokens from disk. */
  tokensText?: string;
  /** Override the runtime limits (defaults: onnxruntime 1.30). */
  runtime?: RuntimeLimits;
}

export interface RuntimeLimits {
  name: string;
  maxIrVersion: number;
  /** Highest opset per domain ('' = ai.onnx). Domains not listed are unknown to the runtime. */
  maxOpset: Record<string, number>;
}

/**
 * Measured with Python onnxruntime 1.30.0 (CPU) loading a Relu model: ai.onnx 26 loads and 27
 * fails, ai.onnx.ml 5/6, com.microsoft 1/2, IR 13/14.
 */
export const ONNXRUNTIME_1_30: RuntimeLimits = {
  name: 'onnxruntime 1.30',
  maxIrVersion: 13,
  maxOpset: {
    '': 26,
    'ai.onnx.ml': 5,
    'com.microsoft': 1,
    'ai.onnx.preview.training': 1,
    'com.microsoft.nchwc': 1,
    'com.microsoft.experimental': 1,
    'org.pytorch.aten': 1,
    'com.ms.internal.nhwc': 1,
    'ai.onnx.contrib': 1,
  },
};

export const CTC_KINDS = new Set(['nemo-ctc', 'sherpa-ctc', 'ctc']);
const TTS_KINDS = new Set(['piper', 'vits', 'melo', 'melotts', 'tts', 'coqui']);

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Names torch.onnx.export invents when input_names/output_names are not given. */
export function isExporterGeneratedName(name: string): boolean {
  return (
    /^onnx::/.test(name) || // onnx::Gemm_0
    /^[A-Za-z_][\w]*\.\d+$/.test(name) || // input.1, x.3
    /^\d+$/.test(name) || // 123 (old exporters)
    /^\/.+_output_\d+$/.test(name) // /encoder/Add_output_0 (dynamo/scoped names)
  );
}

function dimsText(shape: Dim[] | null): string {
  return shape === null ? '[?rank]' : `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function describe(v: ValueSummary): string {
  return v.elemType ? `${v.elemType} ${dimsText(v.shape)}` : v.type;
}

/** Does the model value fit what the card says about type and rank (used to rank suggestions)? */
function compatible(card: CardTensor, v: ValueSummary): { type: boolean; rank: boolean } {
  const type = card.elemType !== undefined && v.elemType !== null && normType(card.elemType) === v.elemType;
  const rank = card.shape !== undefined && v.shape !== null && card.shape.length === v.shape.length;
  return { type, rank };
}

function normType(t: string): string {
  const code = dtypeCode(t);
  return code === undefined ? t.toLowerCase() : dtypeName(code);
}

/**
 * The model value a missing card name most likely means: the best score over name similarity,
 * same position among the card's tensors, and same type / rank. Bound names are not offered.
 */
export function closestValue(card: CardTensor, position: number, candidates: ValueSummary[], taken: Set<string>): { value: ValueSummary; why: string[] } | undefined {
  let best: { value: ValueSummary; why: string[]; score: number } | undefined;
  candidates.forEach((v, i) => {
    if (taken.has(v.name)) return;
    const why: string[] = [];
    const dist = editDistance(card.name, v.name);
    const sim = 1 - dist / Math.max(card.name.length, v.name.length, 1);
    let score = sim * 2;
    if (sim >= 0.5) why.push(`similar name`);
    if (i === position) {
      score += 1;
      why.push('same position');
    }
    const c = compatible(card, v);
    if (c.type) {
      score += 0.75;
      why.push(`same type ${v.elemType}`);
    }
    if (c.rank) {
      score += 0.5;
      why.push(`same rank ${v.shape!.length}`);
    }
    if (!best || score > best.score) best = { value: v, why, score };
  });
  if (!best || best.why.length === 0) return undefined;
  return { value: best.value, why: best.why };
}

function checkBindings(
  side: 'input' | 'output',
  cardTensors: CardTensor[],
  model: ValueSummary[],
  findings: Finding[],
): void {
  const byName = new Map(model.map((v) => [v.name, v]));
  const bound = new Set(cardTensors.map((c) => c.name).filter((n) => byName.has(n)));
  cardTensors.forEach((c, i) => {
    const v = byName.get(c.name);
    if (!v) {
      if (c.optional) return;
      const close = closestValue(c, i, model, bound);
      const names = model.map((m) => m.name).join(', ') || '(none)';
      findings.push({
        rule: 'binding.missing-name',
        severity: 'error',
        target: `card:${side}s[${i}]`,
        message: `the card binds ${side} '${c.name}' but the model has no ${side} with that name (model ${side}s: ${names})${close ? `; closest: '${close.value.name}' (${close.why.join(', ')})` : ''}`,
        ...(close ? { suggestion: { replace: c.name, with: close.value.name } } : {}),
      });
      return;
    }
    const target = `${side}:${v.name}`;
    if (c.elemType !== undefined && v.elemType !== null && normType(c.elemType) !== v.elemType) {
      const want = normType(c.elemType);
      let hint = '';
      if (v.elemType === 'float64' && want === 'float32') hint = ' (the export traced float64: cast the inputs or the model to float32 before exporting)';
      else if (/^int(32|64)$/.test(v.elemType) && /^int(32|64)$/.test(want)) hint = ` (lengths/ids: the pipeline must build ${v.elemType} tensors, or re-export with ${want})`;
      findings.push({
        rule: 'binding.elem-type',
        severity: 'error',
        target,
        message: `${side} '${v.name}' is ${v.elemType} but the card expects ${want}${hint}`,
      });
    }
    if (c.shape !== undefined && v.shape !== null) {
      if (c.shape.length !== v.shape.length) {
        findings.push({
          rule: 'binding.rank',
          severity: 'error',
          target,
          message: `${side} '${v.name}' has rank ${v.shape.length} ${dimsText(v.shape)} but the card expects rank ${c.shape.length} ${dimsText(c.shape)}`,
        });
      } else {
        c.shape.forEach((want, axis) => {
          const got = v.shape![axis];
          if (want === null) return;
          if (typeof want === 'string' && typeof got === 'number') {
            findings.push({
              rule: 'binding.fixed-dim',
              severity: 'error',
              target,
              message: `axis ${axis} of ${side} '${v.name}' is fixed to ${got} but the pipeline needs it dynamic (${want}); re-export with dynamic axes (torch.onnx.export dynamic_axes / dynamic_shapes)`,
            });
          } else if (typeof want === 'number' && typeof got === 'number' && want !== got) {
            findings.push({
              rule: 'binding.dim-mismatch',
              severity: 'error',
              target,
              message: `axis ${axis} of ${side} '${v.name}' is ${got} but the card expects ${want}`,
            });
          } else if (typeof want === 'number' && typeof got !== 'number') {
            findings.push({
              rule: 'binding.dynamic-dim',
              severity: 'warning',
              target,
              message: `axis ${axis} of ${side} '${v.name}' is dynamic (${got ?? '?'}) where the card fixes it to ${want}; fine for the runtime, but check the model was exported for that size`,
            });
          }
        });
      }
    }
  });
  if (side === 'input') {
    const fed = new Set(cardTensors.map((c) => c.name));
    for (const v of model) {
      if (!fed.has(v.name)) {
        findings.push({
          rule: 'binding.unfed-input',
          severity: 'error',
          target: `input:${v.name}`,
          message: `model input '${v.name}' (${describe(v)}) is not fed by the card; the runtime will reject the run`,
        });
      }
    }
  }
}

function parseIntMeta(v: string | undefined): number | undefined {
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return undefined;
  return Number.parseInt(v, 10);
}

/** Looks like a NeMo ASR export (audio_signal + length in). */
function looksNemoAsr(s: ModelSummary): boolean {
  const names = new Set(s.inputs.map((i) => i.name));
  return names.has('audio_signal') && names.has('length');
}

function checkCtc(s: ModelSummary, opts: LintOptions, explicit: boolean, findings: Finding[]): void {
  const outNames = new Set(s.outputs.map((o) => o.name));
  // NeMo's RNNT encoder export: the same inputs, but encoder features out instead of CTC log-probs.
  const rnntEncoder = !outNames.has('logprobs') && (outNames.has('encoded_lengths') || outNames.has('outputs'));
  const modelFile = opts.modelFile ?? s.file;
  let joint: string | undefined;
  if (modelFile) {
    try {
      joint = fs.readdirSync(path.dirname(modelFile)).find((f) => /decoder[_-]?joint.*\.onnx$/i.test(f));
    } catch {
      /* unreadable folder: no sibling check */
    }
  }
  if (rnntEncoder || (joint && !outNames.has('logprobs'))) {
    findings.push({
      rule: 'ctc.hybrid-rnnt-export',
      severity: 'error',
      target: 'model',
      message:
        `this is the RNNT (transducer) encoder of a hybrid RNNT-CTC model (outputs: ${[...outNames].join(', ')}${joint ? `; ${joint} beside it` : ''}), ` +
        `not a CTC model: CTC decoding needs 'logprobs'. Re-export the CTC branch: asr_model.set_export_config({"decoder_type": "ctc"}) then asr_model.export("model.onnx")`,
    });
  }

  const meta = s.metadata;
  for (const key of ['vocab_size', 'subsampling_factor']) {
    if (!(key in meta)) {
      findings.push({
        rule: 'ctc.metadata-missing',
        severity: explicit ? 'error' : 'warning',
        target: `metadata:${key}`,
        message: `metadata_props has no '${key}' (sherpa-onnx reads it for NeMo CTC models${key === 'subsampling_factor' ? '; 8 for FastConformer, 4 for Conformer' : ''}); add it with onnx: m.metadata_props.add(key="${key}", value=...)`,
      });
    } else if (parseIntMeta(meta[key]) === undefined) {
      findings.push({ rule: 'ctc.metadata-invalid', severity: 'error', target: `metadata:${key}`, message: `metadata '${key}' is '${meta[key]}', not an integer` });
    }
  }

  const vocab = parseIntMeta(meta.vocab_size);
  const logprobs = s.outputs.find((o) => o.name === 'logprobs');
  const last = logprobs?.shape?.[logprobs.shape.length - 1];
  if (vocab !== undefined && typeof last === 'number' && last !== vocab + 1) {
    findings.push({
      rule: 'ctc.vocab-mismatch',
      severity: 'error',
      target: 'output:logprobs',
      message: `'logprobs' has ${last} classes but metadata vocab_size ${vocab} means ${vocab + 1} (tokens + blank)`,
    });
  }

  let tokensText = opts.tokensText;
  let tokensName = 'tokens.txt';
  if (tokensText === undefined && opts.card?.tokens) {
    tokensName = opts.card.tokens;
    const p = path.resolve(opts.cardFile ? path.dirname(opts.cardFile) : '.', opts.card.tokens);
    try {
      tokensText = fs.readFileSync(p, 'utf8');
    } catch {
      findings.push({ rule: 'ctc.tokens-missing', severity: 'error', target: 'tokens', message: `tokens file ${p} cannot be read` });
    }
  }
  if (tokensText !== undefined) {
    const lines = tokensText.split(/\r?\n/).filter((l) => l.trim() !== '');
    const entries = lines.map((l) => {
      const m = /^(.*\S)\s+(\d+)\s*$/.exec(l);
      return m ? { token: m[1], id: Number(m[2]) } : { token: l.trim(), id: NaN };
    });
    const classes = vocab !== undefined ? vocab + 1 : typeof last === 'number' ? last : undefined;
    if (classes !== undefined && lines.length !== classes) {
      findings.push({
        rule: 'ctc.tokens-count',
        severity: 'error',
        target: 'tokens',
        message: `${tokensName} has ${lines.length} tokens but the model has ${classes} classes (${vocab !== undefined ? `vocab_size ${vocab} + blank` : 'logprobs'})`,
      });
    }
    const blankIdx = entries.findIndex((e) => e.token === '<blk>' || e.token === '<blank>');
    const maxId = Math.max(...entries.map((e, i) => (Number.isNaN(e.id) ? i : e.id)));
    const blankId = blankIdx < 0 ? undefined : Number.isNaN(entries[blankIdx].id) ? blankIdx : entries[blankIdx].id;
    if (blankIdx < 0) {
      findings.push({ rule: 'ctc.blank-not-last', severity: 'error', target: 'tokens', message: `${tokensName} has no <blk> token; NeMo CTC puts the blank last (id = vocab_size)` });
    } else if (blankId !== maxId) {
      findings.push({
        rule: 'ctc.blank-not-last',
        severity: 'error',
        target: 'tokens',
        message: `${tokensName}: the blank ${entries[blankIdx].token} has id ${blankId} but NeMo CTC needs it last (id ${maxId})`,
      });
    }
  }
}

/** The three TTS input contracts ONNX Lab knows (see docs: formats and anchors). */
export const TTS_CONTRACTS: { name: string; required: string[]; optional: string[] }[] = [
  { name: 'piper', required: ['input', 'input_lengths', 'scales'], optional: ['sid'] },
  { name: 'vits', required: ['x', 'x_length', 'noise_scale', 'length_scale', 'noise_scale_w'], optional: ['sid'] },
  { name: 'melo', required: ['x', 'x_lengths', 'tones', 'sid', 'noise_scale', 'length_scale', 'noise_scale_w'], optional: [] },
];

function looksTts(s: ModelSummary): boolean {
  const n = new Set(s.inputs.map((i) => i.name));
  const lengths = ['input_lengths', 'x_length', 'x_lengths'].some((k) => n.has(k));
  const scales = ['scales', 'noise_scale', 'length_scale'].some((k) => n.has(k));
  return lengths && scales;
}

function checkTts(s: ModelSummary, findings: Finding[]): void {
  const names = new Set(s.inputs.map((i) => i.name));
  const scored = TTS_CONTRACTS.map((c) => {
    const all = new Set([...c.required, ...c.optional]);
    const missing = c.required.filter((r) => !names.has(r));
    const extra = [...names].filter((n) => !all.has(n));
    const common = [...names].filter((n) => all.has(n)).length;
    return { c, missing, extra, score: common / (all.size + extra.length) };
  }).sort((a, b) => b.score - a.score);
  if (scored.some((x) => x.missing.length === 0 && x.extra.length === 0)) return;
  const best = scored[0];
  const parts = [best.missing.length ? `missing ${best.missing.join(', ')}` : '', best.extra.length ? `unexpected ${best.extra.join(', ')}` : ''].filter(Boolean);
  findings.push({
    rule: 'tts.contract',
    severity: 'error',
    target: 'model',
    message: `TTS inputs (${[...names].join(', ')}) match none of the known contracts (piper, vits, melo); closest is ${best.c.name}: ${parts.join('; ')}`,
  });
}

function checkRuntime(s: ModelSummary, rt: RuntimeLimits, findings: Finding[]): void {
  if (s.irVersion > rt.maxIrVersion) {
    findings.push({
      rule: 'runtime.ir-too-new',
      severity: 'error',
      target: 'model',
      message: `IR version ${s.irVersion} is newer than ${rt.name} supports (max ${rt.maxIrVersion}); export with an older onnx or set model.ir_version`,
    });
  }
  const localFunctionDomains = new Set(s.functions.map((f) => f.domain));
  for (const o of s.opsetImports) {
    const domain = o.domain === 'ai.onnx' ? '' : o.domain;
    const max = rt.maxOpset[domain];
    const label = domain || 'ai.onnx';
    if (max === undefined) {
      if (localFunctionDomains.has(o.domain)) continue;
      const used = s.opHistogram.some((h) => h.op.startsWith(`${o.domain}.`));
      if (used) {
        findings.push({
          rule: 'runtime.custom-domain',
          severity: 'error',
          target: `opset:${label}`,
          message: `ops of domain '${label}' are not built into ${rt.name}; they need a custom-op library registered with the session`,
        });
      }
    } else if (o.version > max) {
      findings.push({
        rule: 'runtime.opset-too-new',
        severity: 'error',
        target: `opset:${label}`,
        message: `opset ${label} ${o.version} is newer than ${rt.name} supports (max ${max}); re-export with opset_version=${max} or lower`,
      });
    }
  }
  if (!s.opsetImports.some((o) => o.domain === '' || o.domain === 'ai.onnx') && s.opHistogram.some((h) => !h.op.includes('.'))) {
    findings.push({ rule: 'model.no-default-opset', severity: 'error', target: 'model', message: 'the model uses ai.onnx ops but imports no ai.onnx opset' });
  }
}

function checkExternal(s: ModelSummary, opts: LintOptions, findings: Finding[]): void {
  for (const f of s.externalData.files) {
    const target = `external:${f.location || '(none)'}`;
    if (f.status === 'missing') {
      findings.push({ rule: 'external.missing', severity: 'error', target, message: `external data file '${f.location}' (${f.tensors} tensors, ${f.requiredSize} bytes) is missing; copy it next to the model` });
    } else if (f.status === 'truncated') {
      findings.push({
        rule: 'external.truncated',
        severity: 'error',
        target,
        message: `external data file '${f.location}' is ${f.size} bytes but the model reads up to byte ${f.requiredSize} (truncated download or copy?)`,
      });
    } else if (f.status === 'invalid-path') {
      findings.push({
        rule: 'external.invalid-path',
        severity: 'error',
        target,
        message: `external data location '${f.location}' is ${f.location ? 'absolute or outside the model folder' : 'empty'}; ONNX requires a path relative to the model`,
      });
    }
  }
  const modelFile = opts.modelFile ?? s.file;
  if (!modelFile) return;
  // Data files named after the model that nothing references: a stale or renamed export.
  const dir = path.dirname(modelFile);
  const stem = path.basename(modelFile).replace(/\.onnx$/i, '');
  const referenced = new Set(s.externalData.files.map((f) => path.normalize(f.location)));
  let siblings: string[] = [];
  try {
    siblings = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const f of siblings) {
    const dataLike = f.startsWith(stem) && f !== path.basename(modelFile) && /(\.onnx\.data|\.onnx_data|\.data|_data|\.bin|\.weights|\.extdata)$/i.test(f);
    if (dataLike && !referenced.has(f)) {
      findings.push({
        rule: 'external.unreferenced',
        severity: s.externalData.tensors === 0 ? 'warning' : 'error',
        target: `external:${f}`,
        message: `'${f}' looks like external data for this model but the model references ${s.externalData.files.length ? s.externalData.files.map((x) => `'${x.location}'`).join(', ') : 'no external data'}`,
      });
    }
  }
}

/** Lint a summarised model, optionally against a card. Findings are sorted errors first. */
export function lintModel(s: ModelSummary, opts: LintOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const card = opts.card;
  if (card?.inputs) checkBindings('input', card.inputs, s.inputs, findings);
  if (card?.outputs) checkBindings('output', card.outputs, s.outputs, findings);

  const ioNames = [...s.inputs.map((v) => ['input', v] as const), ...s.outputs.map((v) => ['output', v] as const)];
  for (const [side, v] of ioNames) {
    if (isExporterGeneratedName(v.name)) {
      findings.push({
        rule: 'names.exporter-generated',
        severity: 'warning',
        target: `${side}:${v.name}`,
        message: `${side} '${v.name}' has an exporter-generated name; pass input_names/output_names to torch.onnx.export so pipelines can bind it by a stable name`,
      });
    }
  }
  if (!card?.inputs) {
    for (const v of s.inputs) {
      if (v.elemType === 'float64') {
        findings.push({
          rule: 'types.float64-input',
          severity: 'warning',
          target: `input:${v.name}`,
          message: `input '${v.name}' is float64; audio/feature pipelines feed float32 (was the export traced with float64 tensors?)`,
        });
      }
    }
  }

  const kind = card?.kind?.toLowerCase();
  if ((kind && CTC_KINDS.has(kind)) || (!kind && looksNemoAsr(s))) checkCtc(s, opts, !!kind, findings);
  if ((kind && TTS_KINDS.has(kind)) || (!kind && looksTts(s))) checkTts(s, findings);

  for (const key of card?.metadata ?? []) {
    if (!(key in s.metadata)) {
      findings.push({ rule: 'metadata.missing', severity: 'error', target: `metadata:${key}`, message: `the card needs metadata '${key}' but the model has none` });
    }
  }

  checkRuntime(s, opts.runtime ?? ONNXRUNTIME_1_30, findings);
  checkExternal(s, opts, findings);

  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return findings.sort((a, b) => order[a.severity] - order[b.severity]);
}

function cardError(file: string | undefined, msg: string): OnnxLabError {
  return new OnnxLabError('card.invalid', `invalid card: ${msg}`, file);
}

function parseCardTensors(v: unknown, where: string, file?: string): CardTensor[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw cardError(file, `'${where}' must be an array`);
  return v.map((t, i) => {
    if (typeof t === 'string') return { name: t };
    if (!t || typeof t !== 'object' || typeof (t as CardTensor).name !== 'string') throw cardError(file, `${where}[${i}] needs a string 'name'`);
    const ct = t as CardTensor;
    if (ct.elemType !== undefined && typeof ct.elemType !== 'string') throw cardError(file, `${where}[${i}].elemType must be a string`);
    if (ct.shape !== undefined && (!Array.isArray(ct.shape) || !ct.shape.every((d) => d === null || typeof d === 'number' || typeof d === 'string'))) {
      throw cardError(file, `${where}[${i}].shape must be an array of numbers, strings or null`);
    }
    return { name: ct.name, elemType: ct.elemType, shape: ct.shape, optional: ct.optional === true };
  });
}

/** Validate a card object (from JSON). Inputs/outputs may be plain names or CardTensor objects. */
export function parseCard(value: unknown, file?: string): ModelCard {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw cardError(file, 'expected a JSON object');
  const o = value as Record<string, unknown>;
  const card: ModelCard = {};
  if (o.kind !== undefined) {
    if (typeof o.kind !== 'string') throw cardError(file, "'kind' must be a string");
    card.kind = o.kind;
  }
  card.inputs = parseCardTensors(o.inputs, 'inputs', file);
  card.outputs = parseCardTensors(o.outputs, 'outputs', file);
  if (o.tokens !== undefined) {
    if (typeof o.tokens !== 'string') throw cardError(file, "'tokens' must be a string");
    card.tokens = o.tokens;
  }
  if (o.metadata !== undefined) {
    if (!Array.isArray(o.metadata) || !o.metadata.every((k) => typeof k === 'string')) throw cardError(file, "'metadata' must be an array of strings");
    card.metadata = o.metadata as string[];
  }
  return card;
}

export function readCardFile(file: string): ModelCard {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new OnnxLabError('card.not-found', 'no such file', file, { cause: e });
    if (code === 'EISDIR') throw new OnnxLabError('card.is-directory', 'is a directory, not a card file', file, { cause: e });
    throw new OnnxLabError('card.io', `cannot read the card (${code ?? String(e)})`, file, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw cardError(file, `not JSON (${(e as Error).message})`);
  }
  return parseCard(json, file);
}
