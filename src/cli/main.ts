// `onnx-lab`: the same core, pipelines and kernel as the extension, for terminals and CI.
import { isOnnxLabError } from '../core/errors';
import type { CliCommand, CliIO } from './command';
import { COMMANDS } from './commands';

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.out(['usage: onnx-lab COMMAND [...]', '', ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`), '', 'onnx-lab COMMAND --help for details'].join('\n'));
    return name ? 0 : 2;
  }
  const command: CliCommand | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`onnx-lab: unknown command '${name}' (one of: ${COMMANDS.map((c) => c.name).join(', ')})`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // A user error is one line; anything else is a bug in ONNX Lab and keeps its stack.
    if (isOnnxLabError(e)) io.err(`onnx-lab ${name}: ${e.message}`);
    else io.err(`onnx-lab ${name}: internal error: ${(e as Error)?.stack ?? e}`);
    return 2;
  }
}

if (require.main === module) {
  const io: CliIO = { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n'), cwd: process.cwd() };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
