import path from 'node:path';
import { OnnxLabError } from '../../core/errors';
import { formatSummaryText, summarizeModelFile } from '../../core/onnx';
import type { CliCommand } from '../command';
import { parseArgs } from '../args';

/** Prints what a model needs and contains; weights are never decoded. */
export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'summarise an ONNX model: inputs, outputs, opsets, metadata, ops, parameters',
  usage:
    'onnx-lab inspect MODEL.onnx [--json]\n' +
    '  Prints inputs/outputs (names, element types, shapes with symbolic dims), opsets, metadata,\n' +
    '  op histogram, parameters per dtype, external data, subgraphs and functions.\n' +
    '  --json  print the summary as JSON.\n' +
    '  Exit 0 on success, 2 when the file is not a readable ONNX model.',
  async run(argv, io) {
    const args = parseArgs(argv, { flags: ['json'] });
    const [file, ...extra] = args.positional;
    if (!file) throw new OnnxLabError('cli.usage', 'missing MODEL.onnx (see onnx-lab inspect --help)');
    if (extra.length) throw new OnnxLabError('cli.usage', `unexpected argument '${extra[0]}' (one model at a time)`);
    const summary = summarizeModelFile(path.resolve(io.cwd, file));
    // Show the path as the user typed it.
    summary.file = file;
    io.out(args.flags.json ? JSON.stringify(summary, null, 2) : formatSummaryText(summary).trimEnd());
    return 0;
  },
};
