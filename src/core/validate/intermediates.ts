/**
 * Expose a model's intermediate tensors as graph outputs, in memory: the serialized copy lists the
 * original outputs plus one batch of intermediates, so only that batch is held at a time.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, StringStringEntryProtoSchema, ValueInfoProtoSchema, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from 'onnx-buf';
import { OnnxLabError } from '../errors';

export interface Intermediate {
  /** The tensor's name. */
  name: string;
  /** The producing node: name (or `#index opType` when unnamed), op type and topological position. */
  node: string;
  opType: string;
  order: number;
}

/**
 * Node outputs of the main graph in topological order (Kahn's algorithm, keeping file order among
 * ready nodes; ONNX requires sorted graphs but exporters occasionally write them out of order).
 */
export function listIntermediates(model: ModelProto): Intermediate[] {
  const g = model.graph;
  if (!g) return [];
  const available = new Set<string>(['', ...g.input.map((v) => v.name), ...g.initializer.map((t) => t.name), ...g.sparseInitializer.map((s) => s.values?.name ?? '')]);
  const pending = g.node.map((n, i) => ({ n, i }));
  const order: { n: NodeProto; i: number }[] = [];
  // Repeated passes are O(n²) only for badly ordered graphs; a sorted graph finishes in one pass.
  while (pending.length) {
    let progressed = false;
    for (let k = 0; k < pending.length; k++) {
      const { n } = pending[k];
      if (n.input.every((x) => available.has(x))) {
        order.push(pending[k]);
        for (const o of n.output) available.add(o);
        pending.splice(k, 1);
        k--;
        progressed = true;
      }
    }
    if (!progressed) {
      // Inputs nobody produces (outer-scope names in a broken model): keep file order for the rest.
      order.push(...pending.splice(0));
    }
  }
  const out: Intermediate[] = [];
  order.forEach(({ n, i }, pos) => {
    for (const o of n.output) if (o) out.push({ name: o, node: n.name || `#${i} ${n.opType}`, opType: n.opType, order: pos });
  });
  return out;
}

/** Fails clearly for models whose weights live in external files (they cannot be re-serialized in memory). */
export function assertSelfContained(model: ModelProto, file: string): void {
  const ext = model.graph?.initializer.some((t) => t.dataLocation === 1 || t.externalData.length > 0);
  if (ext) throw new OnnxLabError('diff.external-data', 'the model keeps weights in external data files; exposing intermediates needs a self-contained model (onnx.save without save_as_external_data)', file);
}

/** Serialize `model` with `names` appended to graph.output (names only: onnxruntime infers their types). */
export function withExtraOutputs(model: ModelProto, names: string[]): Uint8Array {
  const g = model.graph!;
  const original = g.output;
  const have = new Set(original.map((o) => o.name));
  const extra = names.filter((n) => !have.has(n)).map((name) => create(ValueInfoProtoSchema, { name }));
  g.output = [...original, ...extra];
  try {
    return toBinary(ModelProtoSchema, model);
  } finally {
    g.output = original;
  }
}

const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL

function entry(key: string, value: string) {
  return create(StringStringEntryProtoSchema, { key, value });
}

/**
 * Turn `model` (decoded from `fileBytes` with keepTensorData, so raw_data are views of the file)
 * into a skeleton whose main-graph weights point into the original file as external data
 * (`location` = `weightsName`, offset = where the raw bytes sit in the file), and copy every other
 * raw_data out of the file buffer. Afterwards nothing refers to `fileBytes`: the skeleton is the
 * graph alone, and onnxruntime reads the weights from the file itself. Weights that are already
 * external get `mapLocation(location)` as their new location.
 */
export function externalizeWeights(model: ModelProto, fileBytes: Uint8Array, weightsName: string, mapLocation: (location: string) => string): void {
  const g = model.graph;
  if (!g) return;
  for (const t of g.initializer) {
    if (t.dataLocation === EXTERNAL || t.externalData.length) {
      t.externalData = t.externalData.map((e) => (e.key === 'location' ? entry('location', mapLocation(e.value)) : e));
      continue;
    }
    const raw = t.rawData;
    if (raw.length >= 1024 && raw.buffer === fileBytes.buffer) {
      const offset = raw.byteOffset - fileBytes.byteOffset;
      t.rawData = new Uint8Array(0);
      t.dataLocation = EXTERNAL;
      t.externalData = [entry('location', weightsName), entry('offset', String(offset)), entry('length', String(raw.length))];
    }
  }
  copyViews(g, fileBytes, mapLocation);
}

function copyTensor(t: TensorProto, fileBytes: Uint8Array, mapLocation: (l: string) => string): void {
  if (t.rawData.length && t.rawData.buffer === fileBytes.buffer) t.rawData = t.rawData.slice();
  if (t.externalData.length && t.dataLocation !== EXTERNAL) return;
  if (t.dataLocation === EXTERNAL && t.externalData.some((e) => e.key === 'location' && e.value !== mapLocation(e.value))) {
    t.externalData = t.externalData.map((e) => (e.key === 'location' ? entry('location', mapLocation(e.value)) : e));
  }
}

/** Copy raw_data views out of the file buffer everywhere below `g` (initializers, constants, subgraphs). */
function copyViews(g: GraphProto, fileBytes: Uint8Array, mapLocation: (l: string) => string): void {
  for (const t of g.initializer) if (t.dataLocation !== EXTERNAL) copyTensor(t, fileBytes, mapLocation);
  for (const s of g.sparseInitializer) {
    if (s.values) copyTensor(s.values, fileBytes, mapLocation);
    if (s.indices) copyTensor(s.indices, fileBytes, mapLocation);
  }
  for (const n of g.node) {
    for (const a of n.attribute) {
      if (a.t) copyTensor(a.t, fileBytes, mapLocation);
      for (const t of a.tensors) copyTensor(t, fileBytes, mapLocation);
      if (a.g) copyViews(a.g, fileBytes, mapLocation);
      for (const sg of a.graphs) copyViews(sg, fileBytes, mapLocation);
      if (a.sparseTensor?.values) copyTensor(a.sparseTensor.values, fileBytes, mapLocation);
    }
  }
}
