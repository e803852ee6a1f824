// The one module that imports onnxruntime-node: sessions, tensors and execution-provider fallback.
import * as ort from 'onnxruntime-node';
import { OnnxLabError } from '../core/errors';

export type TypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Int16Array | Uint16Array;

/** A tensor as pipelines and cells pass it around: data + dims, no runtime types leaking out. */
export interface TensorData {
  type: string;
  dims: readonly number[];
  data: TypedArray | string[] | boolean[];
}

export interface SessionOptions {
  /** Threads for one operator; 1 suits small streaming models on a busy 2-core machine. */
  intraOpThreads?: number;
  /** Execution providers in order of preference; CPU is always the last resort. */
  providers?: string[];
  /** onnxruntime's own log level for this session (0 verbose … 3 error, 4 fatal); default its default (2, warnings). */
  logSeverity?: 0 | 1 | 2 | 3 | 4;
  /**
   * No pre-packed weight copies and no memory arena: for short-lived sessions that run once (the
   * divergence finder opens one per batch), where the copies only add peak memory.
   */
  lowMemory?: boolean;
}

export interface IoInfo {
  name: string;
  type?: string;
  shape?: readonly (number | string)[];
}

export class ModelSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly source: string,
    /** The execution provider that loaded the model. */
    readonly provider: string,
  ) {}

  /**
   * Opens a model from a path (external data is found beside it) or from bytes. Providers other
   * than CPU that fail to load fall back to CPU: onnxruntime throws rather than falling back itself.
   */
  static async open(model: string | Uint8Array, opts: SessionOptions = {}): Promise<ModelSession> {
    return ModelSession.create(model, opts, {});
  }

  /**
   * Opens a model from bytes whose external-data weights are handed over in memory: each entry's
   * `path` is a `location` the model's tensors name, `data` that file's bytes (offsets index into
   * it). Nothing is read from disk; onnxruntime uses the buffers as they are.
   */
  static async openWithExternalData(model: Uint8Array, externalData: { path: string; data: Uint8Array }[], opts: SessionOptions = {}): Promise<ModelSession> {
    return ModelSession.create(model, opts, { externalData });
  }

  private static async create(model: string | Uint8Array, opts: SessionOptions, extraOptions: Partial<ort.InferenceSession.SessionOptions>): Promise<ModelSession> {
    const source = typeof model === 'string' ? model : `<${model.byteLength} bytes>`;
    const base: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.intraOpThreads ?? 0,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      ...(opts.logSeverity !== undefined ? { logSeverityLevel: opts.logSeverity } : {}),
      // Spinning threads between runs fight the other sessions (and VS Code) for 2 cores.
      extra: { session: { intra_op: { allow_spinning: '0' }, ...(opts.lowMemory ? { disable_prepacking: '1' } : {}) } },
      ...(opts.lowMemory ? { enableCpuMemArena: false } : {}),
      ...extraOptions,
    };
    const providers = [...new Set([...(opts.providers ?? []), 'cpu'])];
    let lastError: unknown;
    for (const ep of providers) {
      try {
        const s = typeof model === 'string'
          ? await ort.InferenceSession.create(model, { ...base, executionProviders: [ep] })
          : await ort.InferenceSession.create(model, { ...base, executionProviders: [ep] });
        return new ModelSession(s, source, ep);
      } catch (e) {
        lastError = e;
      }
    }
    throw new OnnxLabError('runtime.load', `onnxruntime could not load the model: ${firstLine(lastError)}`, typeof model === 'string' ? model : undefined, { cause: lastError });
  }

  get inputs(): IoInfo[] {
    return this.session.inputMetadata.map((m) => ({ name: m.name, ...(m.isTensor ? { type: m.type, shape: m.shape } : {}) }));
  }

  get outputs(): IoInfo[] {
    return this.session.outputMetadata.map((m) => ({ name: m.name, ...(m.isTensor ? { type: m.type, shape: m.shape } : {}) }));
  }

  /** Runs the model. Names must match the graph's; a wrong name gets the list of the right ones. */
  async run(feeds: Record<string, TensorData>, fetches?: string[]): Promise<Record<string, TensorData>> {
    const names = this.session.inputNames;
    for (const name of Object.keys(feeds)) {
      if (!names.includes(name)) throw new OnnxLabError('runtime.input-name', `the model has no input '${name}' (its inputs: ${names.join(', ')})`, this.source);
    }
    const missing = names.filter((n) => !(n in feeds));
    if (missing.length) throw new OnnxLabError('runtime.input-missing', `missing input(s) ${missing.join(', ')}`, this.source);
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.dims);
    let out: ort.InferenceSession.ReturnType;
    try {
      out = fetches ? await this.session.run(ortFeeds, fetches) : await this.session.run(ortFeeds);
    } catch (e) {
      throw new OnnxLabError('runtime.run', `inference failed: ${firstLine(e)}`, this.source, { cause: e });
    }
    const result: Record<string, TensorData> = {};
    for (const [name, t] of Object.entries(out)) result[name] = { type: t.type, dims: t.dims, data: t.data as TensorData['data'] };
    return result;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

export const runtimeVersion: string = ort.env.versions.node ?? 'unknown';
