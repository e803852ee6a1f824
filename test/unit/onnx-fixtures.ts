/** Builds small ONNX models in memory with onnx-buf, so tests need no committed binaries. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType,
  FunctionProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  TensorProto_DataType,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';

export type SpecDim = number | string | null;
export const DT = TensorProto_DataType;

export function valueInfo(name: string, elemType: number, shape?: SpecDim[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType,
          shape: shape
            ? create(TensorShapeProtoSchema, {
                dim: shape.map((d) =>
                  create(TensorShapeProto_DimensionSchema, {
                    value: d === null ? { case: undefined } : typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
                  }),
                ),
              })
            : undefined,
        }),
      },
    }),
  });
}

export function node(opType: string, inputs: string[], outputs: string[], extra: Omit<Partial<NodeProto>, '$typeName' | '$unknown'> = {}): NodeProto {
  return create(NodeProtoSchema, { opType, input: inputs, output: outputs, ...extra });
}

/** A float32 initializer with raw_data (or float_data when `asFloatData`). */
export function tensor(name: string, dims: number[], opts: { asFloatData?: boolean; dataType?: number; external?: { location: string; offset?: number; length?: number } } = {}): TensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  const t = create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: opts.dataType ?? DT.FLOAT });
  if (opts.external) {
    t.dataLocation = 1;
    t.externalData = [
      create(StringStringEntryProtoSchema, { key: 'location', value: opts.external.location }),
      create(StringStringEntryProtoSchema, { key: 'offset', value: String(opts.external.offset ?? 0) }),
      create(StringStringEntryProtoSchema, { key: 'length', value: String(opts.external.length ?? n * 4) }),
    ];
  } else if (opts.asFloatData) t.floatData = Array.from({ length: n }, (_, i) => i * 0.5);
  else t.rawData = new Uint8Array(new Float32Array(Array.from({ length: n }, (_, i) => i)).buffer);
  return t;
}

export function graphAttr(name: string, g: GraphProto) {
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.GRAPH, g });
}

export interface ModelSpec {
  inputs?: ValueInfoProto[];
  outputs?: ValueInfoProto[];
  nodes?: NodeProto[];
  initializers?: TensorProto[];
  valueInfo?: ValueInfoProto[];
  metadata?: Record<string, string>;
  opsets?: [string, number][];
  irVersion?: number;
  producer?: string;
  functions?: { domain: string; name: string; nodes: NodeProto[]; input: string[]; output: string[] }[];
}

export function graph(spec: ModelSpec, name = 'g'): GraphProto {
  return create(GraphProtoSchema, {
    name,
    input: spec.inputs ?? [],
    output: spec.outputs ?? [],
    node: spec.nodes ?? [],
    initializer: spec.initializers ?? [],
    valueInfo: spec.valueInfo ?? [],
  });
}

export function modelProto(spec: ModelSpec = {}): ModelProto {
  return create(ModelProtoSchema, {
    irVersion: BigInt(spec.irVersion ?? 8),
    producerName: spec.producer ?? 'onnx-lab-test',
    producerVersion: '1',
    opsetImport: (spec.opsets ?? [['', 17]]).map(([domain, version]) => create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) })),
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
    graph: graph(spec),
    functions: (spec.functions ?? []).map((f) => create(FunctionProtoSchema, { domain: f.domain, name: f.name, node: f.nodes, input: f.input, output: f.output })),
  });
}

export function modelBytes(spec: ModelSpec = {}): Uint8Array {
  return toBinary(ModelProtoSchema, modelProto(spec));
}

/** A model shaped like NeMo's FastConformer CTC export. */
export function nemoCtcSpec(over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    inputs: [valueInfo('audio_signal', DT.FLOAT, ['audio_signal_dynamic_axes_1', 80, 'audio_signal_dynamic_axes_2']), valueInfo('length', DT.INT64, ['length_dynamic_axes_1'])],
    outputs: [valueInfo('logprobs', DT.FLOAT, ['logprobs_dynamic_axes_1', 'logprobs_dynamic_axes_2', 1025])],
    nodes: [node('Identity', ['audio_signal'], ['logprobs'])],
    metadata: { vocab_size: '1024', subsampling_factor: '8', normalize_type: 'per_feature', model_type: 'EncDecHybridRNNTCTCBPEModel' },
    ...over,
  };
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'onnx-lab-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export const TESTDATA = '/usr/share/libonnx-testdata/data';

/** Every model.onnx of Debian's libonnx-testdata, sorted; fails with install instructions when absent. */
export function testdataModels(): string[] {
  if (!fs.existsSync(TESTDATA)) {
    throw new Error(`${TESTDATA} is missing: install Debian's ONNX test data with 'sudo apt-get install libonnx-testdata'`);
  }
  const out: string[] = [];
  for (const set of fs.readdirSync(TESTDATA).sort()) {
    const setDir = path.join(TESTDATA, set);
    if (!fs.statSync(setDir).isDirectory()) continue;
    for (const t of fs.readdirSync(setDir).sort()) {
      const m = path.join(setDir, t, 'model.onnx');
      if (fs.existsSync(m)) out.push(m);
    }
  }
  if (out.length === 0) throw new Error(`no model.onnx under ${TESTDATA}: reinstall libonnx-testdata`);
  return out;
}
