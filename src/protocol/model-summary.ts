/**
 * The summary of an ONNX model as the views receive it (JSON). Produced by src/core/onnx,
 * drawn by src/renderers; defined here so both sides compile against one definition.
 */
/** A dimension: a fixed size, a symbolic name (dynamic), or null when unknown (dynamic, unnamed). */
export type Dim = number | string | null;

export interface ValueSummary {
  name: string;
  /** `tensor(float32)`, `sequence(tensor(int64))`, `map(string,tensor(float32))`, `optional(...)`, `sparse_tensor(float32)`, or `unknown`. */
  type: string;
  /** Element type of a tensor or sparse tensor (`float32`, `int64`, ...); null for other types or when unset. */
  elemType: string | null;
  /** Tensor shape; null when the rank is unknown (no shape in the model). `[]` is a scalar. */
  shape: Dim[] | null;
  docString?: string;
}

export interface OpsetImport {
  /** '' is the default ai.onnx domain. */
  domain: string;
  version: number;
}

export interface DtypeParams {
  dtype: string;
  tensors: number;
  /** Number of elements (parameters). */
  count: number;
  /** In-memory size: elements × element size (strings count 0). */
  bytes: number;
}

export interface ExternalDataFile {
  /** Location as written in the model (relative to the model's directory). */
  location: string;
  tensors: number;
  /** Bytes the model references in this file (sum of lengths). */
  bytesReferenced: number;
  /** Highest offset + length referenced: the file must be at least this big. */
  requiredSize: number;
  /** Size on disk, when checked. */
  size?: number;
  /**
   * ok; missing; truncated (smaller than requiredSize); invalid-path (absolute or leaving the model's
   * folder, which ONNX forbids); unchecked (no baseDir was given).
   */
  status: 'ok' | 'missing' | 'truncated' | 'invalid-path' | 'unchecked';
}

export interface FunctionSummary {
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  nodes: number;
}

export interface ModelSummary {
  file?: string;
  fileSize?: number;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graphName: string;
  opsetImports: OpsetImport[];
  metadata: Record<string, string>;
  /** Graph inputs a caller must feed: graph.input minus names that have an initializer. */
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  /** Graph inputs that also have an initializer (a default the caller may override; common in IR < 4 exports). */
  overridableInputs: string[];
  /** Nodes of the main graph. */
  nodeCount: number;
  /** Nodes of the main graph and of all subgraphs (If/Loop/Scan bodies), not counting functions. */
  totalNodeCount: number;
  /** Op type → count over the main graph and subgraphs; ops outside ai.onnx are written `domain.Op`. Sorted by count, then name. */
  opHistogram: { op: string; count: number }[];
  /**
   * Initializers of the main graph and all subgraphs, including those also listed as graph inputs
   * (they are stored weights either way). Sparse initializers count their stored values.
   * Constant nodes are not counted.
   */
  parameters: { tensors: number; count: number; bytes: number; byDtype: DtypeParams[] };
  externalData: { tensors: number; files: ExternalDataFile[] };
  /** Graphs held in node attributes (If branches, Loop/Scan bodies), at any depth. */
  subgraphs: { count: number; byOp: Record<string, number>; maxDepth: number };
  functions: FunctionSummary[];
  /** How many intermediate tensors of the main graph (node outputs that are not graph outputs) have a value_info. */
  valueInfo: { intermediates: number; annotated: number; percent: number | null };
}

/** What the .onnx editor webview is sent. */
export type ToModelEditor =
  | { type: 'summary'; summary: ModelSummary }
  | { type: 'error'; file: string; message: string };

export type FromModelEditor =
  | { type: 'ready' }
  | { type: 'rendered'; text: string }
  | { type: 'copy'; text: string }
  /** The user asked to see the model in Netron (the extension runs onnxLab.openInNetron). */
  | { type: 'open-in-netron' };
