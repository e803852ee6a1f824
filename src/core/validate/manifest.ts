/**
 * ONNX Lab's golden manifest (docs/golden-format.md): JSON naming each case's inputs and expected
 * outputs (.npy files, .npz archives, .pb TensorProtos or inline values) with per-output tolerances
 * and metrics.
 */
import * as path from 'node:path';
import { OnnxLabError } from '../errors';
import { decodeNpyTensor } from './numpy';
import { decodeGoldenPb } from './tensorproto';
import { arrayFor, elementCount, numberToHalf, type GoldenValue, type Tensor } from './tensor';
import type { Tolerance } from './compare';
import { readGoldenFile } from './golden';

/** allclose (default) | exact | cosine (≥ min) | topk (top-1 agreement over the last axis ≥ min). */
export type ManifestMetric = 'allclose' | 'exact' | 'cosine' | 'topk';

export interface OutputSpec {
  atol?: number;
  rtol?: number;
  metric?: ManifestMetric;
  /** Threshold for cosine/topk. */
  min?: number;
}

export interface ValueRef {
  read(dir: string): GoldenValue;
}

export interface ManifestCase {
  name: string;
  inputs: Record<string, ValueRef>;
  outputs: Record<string, ValueRef>;
  /** .npz archives whose arrays are matched to inputs/outputs by name. */
  npz: string[];
}

export interface Manifest {
  model?: string;
  tolerance?: Partial<Tolerance>;
  outputs: Record<string, OutputSpec>;
  cases: ManifestCase[];
}

type Json = Record<string, unknown>;

function num(v: unknown, what: string, file: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= 0)) throw new OnnxLabError('golden.manifest', `${what} must be a number ≥ 0`, file);
  return v;
}

function valueRef(v: unknown, what: string, file: string): ValueRef {
  if (typeof v === 'string') {
    return {
      read(dir) {
        const p = path.resolve(dir, v);
        const bytes = readGoldenFile(p);
        if (p.endsWith('.pb')) return decodeGoldenPb(bytes, 'tensor', p);
        return { kind: 'tensor', tensor: decodeNpyTensor(bytes, p) };
      },
    };
  }
  if (v && typeof v === 'object' && Array.isArray((v as Json).data)) {
    const o = v as { dtype?: string; dims?: number[]; data: unknown[] };
    const dtype = o.dtype ?? 'float32';
    const dims = o.dims ?? [o.data.length];
    if (elementCount(dims) !== o.data.length) throw new OnnxLabError('golden.manifest', `${what}: dims [${dims}] need ${elementCount(dims)} values, data has ${o.data.length}`, file);
    return { read: () => ({ kind: 'tensor', tensor: inlineTensor(dtype, dims, o.data, what, file) }) };
  }
  throw new OnnxLabError('golden.manifest', `${what}: expected a file path or {dtype, dims, data}`, file);
}

function inlineTensor(dtype: string, dims: number[], data: unknown[], what: string, file: string): Tensor {
  if (dtype === 'string') return { dtype, dims, data: data.map(String) };
  const a = arrayFor(dtype, data.length);
  if (!a) throw new OnnxLabError('golden.manifest', `${what}: unknown dtype '${dtype}'`, file);
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    // JSON has no NaN/Infinity literals: the manifest spells them as strings.
    const v = typeof x === 'string' ? Number(x === 'nan' || x === 'NaN' ? NaN : x.replace(/^(-?)inf(inity)?$/i, '$1Infinity')) : typeof x === 'boolean' ? Number(x) : Number(x);
    if (a instanceof BigInt64Array || a instanceof BigUint64Array) a[i] = BigInt(typeof x === 'string' ? x : Math.trunc(v));
    else if (dtype === 'float16') a[i] = numberToHalf(v);
    else a[i] = v;
  }
  return { dtype, dims, data: a };
}

export function parseManifest(doc: unknown, file: string): Manifest {
  const d = doc as Json;
  if (d.version !== undefined && d.version !== 1) throw new OnnxLabError('golden.manifest', `manifest version ${String(d.version)} is newer than this ONNX Lab reads (1)`, file);
  const tol = (d.tolerance ?? {}) as Json;
  const outputs: Record<string, OutputSpec> = {};
  for (const [name, specRaw] of Object.entries((d.outputs ?? {}) as Json)) {
    const s = specRaw as Json;
    const metric = s.metric as ManifestMetric | undefined;
    if (metric !== undefined && !['allclose', 'exact', 'cosine', 'topk'].includes(metric)) {
      throw new OnnxLabError('golden.manifest', `output '${name}': unknown metric '${String(metric)}' (allclose, exact, cosine, topk)`, file);
    }
    outputs[name] = { atol: num(s.atol, `output '${name}' atol`, file), rtol: num(s.rtol, `output '${name}' rtol`, file), metric, min: num(s.min, `output '${name}' min`, file) };
  }
  if (!Array.isArray(d.cases) || d.cases.length === 0) throw new OnnxLabError('golden.manifest', 'the manifest has no cases', file);
  const cases = d.cases.map((cRaw, i): ManifestCase => {
    const c = cRaw as Json;
    const name = typeof c.name === 'string' ? c.name : `case ${i}`;
    const side = (key: string) => Object.fromEntries(Object.entries((c[key] ?? {}) as Json).map(([n, v]) => [n, valueRef(v, `case '${name}' ${key} '${n}'`, file)]));
    const npz = c.npz === undefined ? [] : Array.isArray(c.npz) ? c.npz.map(String) : [String(c.npz)];
    return { name, inputs: side('inputs'), outputs: side('outputs'), npz };
  });
  return {
    model: typeof d.model === 'string' ? d.model : undefined,
    tolerance: { atol: num(tol.atol, 'tolerance.atol', file), rtol: num(tol.rtol, 'tolerance.rtol', file) },
    outputs,
    cases,
  };
}
