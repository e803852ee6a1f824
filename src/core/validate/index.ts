/** Export validation core: golden readers and comparison (no onnxruntime, no vscode). */
export * from './tensor';
export * from './compare';
export * from './golden';
export * from './report';
export { decodeGoldenPb, tensorFromProto, type PbKind } from './tensorproto';
export { decodeNpyTensor, encodeNpyTensor, listNpz, readNpzMember, type NpzMember } from './numpy';
export { parseManifest, type Manifest, type ManifestCase } from './manifest';
export { readPolygraphyInputs, readPolygraphyOutputs, isPolygraphyRunResults } from './polygraphy';
export { listIntermediates, withExtraOutputs, assertSelfContained, externalizeWeights, type Intermediate } from './intermediates';
/** The decoded model type, so layers that may not import onnx-buf can name it. */
export type { ModelProto } from 'onnx-buf';
export { discoverGoldens, type DiscoveredGolden } from './discover';
