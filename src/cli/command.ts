/** One `onnx-lab` subcommand. `run` returns the process exit code (0 ok, 1 check failed, 2 could not run). */
export interface CliCommand {
  name: string;
  /** One line for `onnx-lab --help`. */
  summary: string;
  /** Usage text for `onnx-lab NAME --help`. */
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}
