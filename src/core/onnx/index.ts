/** ONNX inspection core: read, summarise and lint ONNX models (no vscode, no onnxruntime). */
export { readModel, readModelFile, readFileChecked, statModelFile, type ReadModelOptions } from './reader';
export { readSkippingTensorPayloads } from './sparse';
export {
  summarizeModel,
  summarizeModelFile,
  summarizeModelBytes,
  summarizeFacts,
  summarizeValue,
  typeString,
  opsetVersion,
  type Dim,
  type ValueSummary,
  type OpsetImport,
  type DtypeParams,
  type ExternalDataFile,
  type FunctionSummary,
  type ModelSummary,
  type SummarizeOptions,
} from './summary';
export { modelFacts, type ModelFacts, type GraphFacts, type SubgraphFacts, type TensorFacts } from './facts';
export { scanModel } from './scan';
export { dtypeName, dtypeBits, dtypeCode } from './dtypes';
export {
  lintModel,
  parseCard,
  readCardFile,
  editDistance,
  isExporterGeneratedName,
  closestValue,
  ONNXRUNTIME_1_30,
  TTS_CONTRACTS,
  CTC_KINDS,
  type Finding,
  type Severity,
  type CardTensor,
  type ModelCard,
  type LintOptions,
  type RuntimeLimits,
} from './lint';
export { formatSummaryText, formatFindingsText, formatDims, formatValueType, formatBytes, formatCount } from './format';
