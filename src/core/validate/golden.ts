/**
 * Golden sets: where a model's reference inputs and outputs come from. Each format becomes a list of
 * cases whose tensors are read only when the case is loaded, so a large golden folder is compared
 * case by case without holding it all.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelProto, TypeProto } from 'onnx-buf';
import { OnnxLabError, isOnnxLabError } from '../errors';
import { decodeGoldenPb, type PbKind } from './tensorproto';
import { decodeNpyTensor, listNpz, readNpzMember } from './numpy';
import { parseManifest, type ManifestMetric, type OutputSpec } from './manifest';
import { readPolygraphyInputs, readPolygraphyOutputs, isPolygraphyRunResults } from './polygraphy';
import type { GoldenValue } from './tensor';
import type { Tolerance } from './compare';

export interface GraphIoEntry {
  name: string;
  kind: PbKind;
  /** A graph input that also has an initializer (its golden value is optional: the weight is the default). */
  hasInitializer?: boolean;
}

/** The graph's inputs and outputs in declaration order: positional .pb files map onto them. */
export interface GraphIo {
  inputs: GraphIoEntry[];
  outputs: GraphIoEntry[];
}

function kindOf(t: TypeProto | undefined): PbKind {
  if (t?.value.case === 'sequenceType') return 'sequence';
  if (t?.value.case === 'optionalType') return 'optional';
  return 'tensor';
}

export function graphIo(model: ModelProto): GraphIo {
  const g = model.graph!;
  const init = new Set(g.initializer.map((t) => t.name));
  return {
    inputs: g.input.map((v) => ({ name: v.name, kind: kindOf(v.type), ...(init.has(v.name) ? { hasInitializer: true } : {}) })),
    outputs: g.output.map((v) => ({ name: v.name, kind: kindOf(v.type) })),
  };
}

export interface LoadedCase {
  inputs: Map<string, GoldenValue>;
  outputs: Map<string, GoldenValue>;
  /** Golden names that matched neither an input nor an output of the graph (npz/npy/manifest). */
  unmatched: string[];
}

export interface GoldenCase {
  /** test_data_set_0, a manifest case name, `iteration 0`, ... */
  name: string;
  /** Where the case lives (a folder or file), for reports and Test Explorer. */
  location: string;
  load(): LoadedCase;
}

export type GoldenFormat = 'onnx-backend' | 'npz' | 'npy' | 'polygraphy' | 'manifest';

export interface GoldenSet {
  format: GoldenFormat;
  root: string;
  cases: GoldenCase[];
  /** Per-output tolerance and metric from the golden itself (manifest). */
  outputs?: Record<string, OutputSpec>;
  tolerance?: Partial<Tolerance>;
}

export interface OpenGoldenOptions {
  /** Polygraphy inputs JSON (`--save-inputs`) when the golden is its outputs JSON. */
  inputsFile?: string;
}

const DATA_SET = /^test_data_set_(\d+)$/;

function statOrThrow(p: string): fs.Stats {
  try {
    return fs.statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OnnxLabError(code === 'ENOENT' ? 'golden.not-found' : 'golden.io', code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code})`, p, { cause: e });
  }
}

export function readGoldenFile(p: string): Buffer {
  try {
    return fs.readFileSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OnnxLabError(code === 'ENOENT' ? 'golden.not-found' : 'golden.io', code === 'ENOENT' ? 'no such file' : `cannot read the file (${code})`, p, { cause: e });
  }
}

/** Find the golden format at `p` (folder or file) and list its cases. Nothing is decoded yet. */
export function openGoldenSet(p: string, io: GraphIo, opts: OpenGoldenOptions = {}): GoldenSet {
  const st = statOrThrow(p);
  if (st.isDirectory()) {
    const entries = fs.readdirSync(p).sort(natural);
    const sets = entries.filter((e) => DATA_SET.test(e) && fs.statSync(path.join(p, e)).isDirectory());
    if (sets.length) return { format: 'onnx-backend', root: p, cases: sets.map((s) => backendCase(path.join(p, s), io)) };
    if (entries.some((e) => /^(input|output)_\d+\.pb$/.test(e))) return { format: 'onnx-backend', root: p, cases: [backendCase(p, io)] };
    const manifest = entries.find((e) => e === 'golden.json' || e === 'onnx-lab-golden.json');
    if (manifest) return openJson(path.join(p, manifest), io, opts);
    const npz = entries.filter((e) => e.endsWith('.npz'));
    if (npz.length) return { format: 'npz', root: p, cases: npz.map((f) => npzCase(path.join(p, f), io)) };
    const npy = entries.filter((e) => e.endsWith('.npy'));
    if (npy.length) return { format: 'npy', root: p, cases: [npyFolderCase(p, npy, io)] };
    const json = entries.filter((e) => e.endsWith('.json'));
    const outputs = json.find((e) => /output/i.test(e)) ?? (json.length === 1 ? json[0] : undefined);
    if (outputs) {
      const inputs = opts.inputsFile ?? json.map((e) => path.join(p, e)).find((e) => e !== path.join(p, outputs) && /input/i.test(path.basename(e)));
      return openJson(path.join(p, outputs), io, { inputsFile: inputs });
    }
    throw new OnnxLabError('golden.unknown', 'no golden data found: expected test_data_set_N/ folders, input_K.pb/output_K.pb, .npz/.npy files, golden.json or Polygraphy JSON', p);
  }
  if (p.endsWith('.npz')) return { format: 'npz', root: p, cases: [npzCase(p, io)] };
  if (p.endsWith('.npy')) return { format: 'npy', root: p, cases: [npyFolderCase(path.dirname(p), [path.basename(p)], io)] };
  if (p.endsWith('.json')) return openJson(p, io, opts);
  if (p.endsWith('.pb')) return { format: 'onnx-backend', root: p, cases: [backendCase(path.dirname(p), io)] };
  throw new OnnxLabError('golden.unknown', 'unknown golden format (expected a folder, .npz, .npy, .pb or .json)', p);
}

function natural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** test_data_set_N: input_K.pb ↔ graph.input[K], output_K.pb ↔ graph.output[K], by position. */
function backendCase(dir: string, io: GraphIo): GoldenCase {
  return {
    name: path.basename(dir),
    location: dir,
    load() {
      const files = fs.readdirSync(dir);
      const inputs = new Map<string, GoldenValue>();
      const outputs = new Map<string, GoldenValue>();
      const unmatched: string[] = [];
      for (const f of files.sort(natural)) {
        const m = /^(input|output)_(\d+)\.pb$/.exec(f);
        if (!m) continue;
        const k = Number(m[2]);
        const list = m[1] === 'input' ? io.inputs : io.outputs;
        const entry = list[k];
        if (!entry) {
          unmatched.push(f);
          continue;
        }
        const value = decodeGoldenPb(readGoldenFile(path.join(dir, f)), entry.kind, path.join(dir, f));
        (m[1] === 'input' ? inputs : outputs).set(entry.name, value);
      }
      return { inputs, outputs, unmatched };
    },
  };
}

/** Named arrays: a name that is a graph input feeds it, one that is a graph output is expected. */
function splitByName(named: Iterable<[string, () => GoldenValue]>, io: GraphIo): LoadedCase {
  const inNames = new Set(io.inputs.map((i) => i.name));
  const outNames = new Set(io.outputs.map((o) => o.name));
  const c: LoadedCase = { inputs: new Map(), outputs: new Map(), unmatched: [] };
  for (const [raw, read] of named) {
    // Names may carry an explicit side: `input:x`, `output:y` (or inputs/x, outputs/y) when a name is both.
    const side = /^(inputs?)[:/](.+)$/.exec(raw) ?? /^(outputs?)[:/](.+)$/.exec(raw);
    const name = side ? side[2] : raw;
    const isIn = (side ? side[1].startsWith('input') : true) && inNames.has(name);
    const isOut = side ? side[1].startsWith('output') : outNames.has(name);
    if (isIn) c.inputs.set(name, read());
    else if (isOut) c.outputs.set(name, read());
    else c.unmatched.push(raw);
  }
  return c;
}

function npzCase(file: string, io: GraphIo): GoldenCase {
  return {
    name: path.basename(file, '.npz'),
    location: file,
    load() {
      const members = listNpz(file);
      return splitByName(members.map((m) => [m.name, () => ({ kind: 'tensor', tensor: readNpzMember(file, m) }) as GoldenValue]), io);
    },
  };
}

function npyFolderCase(dir: string, files: string[], io: GraphIo): GoldenCase {
  return {
    name: path.basename(dir),
    location: dir,
    load() {
      return splitByName(
        files.map((f) => [path.basename(f, '.npy'), () => ({ kind: 'tensor', tensor: decodeNpyTensor(readGoldenFile(path.join(dir, f)), path.join(dir, f)) }) as GoldenValue]),
        io,
      );
    },
  };
}

function openJson(file: string, io: GraphIo, opts: OpenGoldenOptions): GoldenSet {
  let doc: unknown;
  try {
    doc = JSON.parse(readGoldenFile(file).toString('utf8'));
  } catch (e) {
    if (isOnnxLabError(e)) throw e;
    throw new OnnxLabError('golden.json', `not valid JSON (${(e as Error).message})`, file, { cause: e });
  }
  if (doc && typeof doc === 'object' && (doc as { format?: string }).format === 'onnx-lab-golden') {
    const m = parseManifest(doc, file);
    const dir = path.dirname(file);
    return {
      format: 'manifest',
      root: file,
      outputs: m.outputs,
      tolerance: m.tolerance,
      cases: m.cases.map((c) => ({
        name: c.name,
        location: file,
        load() {
          const named: [string, () => GoldenValue][] = [];
          for (const [side, values] of [['input', c.inputs], ['output', c.outputs]] as const) {
            for (const [name, ref] of Object.entries(values)) named.push([`${side}:${name}`, () => ref.read(dir)]);
          }
          const loaded = splitByName(named, io);
          for (const npz of c.npz) {
            const more = npzCase(path.resolve(dir, npz), io).load();
            for (const [k, v] of more.inputs) loaded.inputs.set(k, v);
            for (const [k, v] of more.outputs) loaded.outputs.set(k, v);
            loaded.unmatched.push(...more.unmatched);
          }
          return loaded;
        },
      })),
    };
  }
  if (isPolygraphyRunResults(doc)) {
    const iterations = readPolygraphyOutputs(doc, file);
    const inputsFile = opts.inputsFile ?? [path.join(path.dirname(file), 'inputs.json')].find((f) => fs.existsSync(f));
    if (!inputsFile) {
      throw new OnnxLabError('golden.no-inputs', "Polygraphy outputs carry no inputs: pass the file written by 'polygraphy run --save-inputs' (validate --inputs FILE)", file);
    }
    const inputs = readPolygraphyInputs(JSON.parse(readGoldenFile(inputsFile).toString('utf8')), inputsFile);
    if (inputs.length < iterations.length) {
      throw new OnnxLabError('golden.no-inputs', `${iterations.length} iterations of outputs but ${inputs.length} of inputs`, inputsFile);
    }
    return {
      format: 'polygraphy',
      root: file,
      cases: iterations.map((it, i) => ({
        name: `iteration ${i}`,
        location: file,
        load() {
          const named: [string, () => GoldenValue][] = [
            ...Object.entries(inputs[i]).map(([n, read]) => [`input:${n}`, () => ({ kind: 'tensor', tensor: read() })] as [string, () => GoldenValue]),
            ...Object.entries(it).map(([n, read]) => [`output:${n}`, () => ({ kind: 'tensor', tensor: read() })] as [string, () => GoldenValue]),
          ];
          return splitByName(named, io);
        },
      })),
    };
  }
  if (Array.isArray(doc)) {
    throw new OnnxLabError('golden.no-outputs', "this is a Polygraphy inputs list: point at the outputs ('polygraphy run --save-outputs') and pass this file with --inputs", file);
  }
  throw new OnnxLabError('golden.unknown', 'unknown JSON golden: expected an ONNX Lab manifest ("format": "onnx-lab-golden") or Polygraphy RunResults', file);
}

export type { ManifestMetric, OutputSpec };
