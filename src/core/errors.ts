/**
 * An error meant for the user: the message names the file (when there is one) and the problem,
 * and is shown as is (one line, no stack) by the CLI, the extension and the kernel.
 */
export class OnnxLabError extends Error {
  readonly file?: string;
  /** A short stable identifier, e.g. `wav.truncated`, `onnx.not-protobuf`, for tests and tools. */
  readonly code: string;

  constructor(code: string, message: string, file?: string, options?: { cause?: unknown }) {
    super(file ? `${file}: ${message}` : message, options);
    this.name = 'OnnxLabError';
    this.code = code;
    this.file = file;
  }
}

export function isOnnxLabError(e: unknown): e is OnnxLabError {
  return e instanceof Error && e.name === 'OnnxLabError' && typeof (e as OnnxLabError).code === 'string';
}
