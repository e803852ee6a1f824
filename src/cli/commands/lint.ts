import path from 'node:path';
import { OnnxLabError } from '../../core/errors';
import { formatFindingsText, lintModel, readCardFile, summarizeModelFile } from '../../core/onnx';
import type { CliCommand } from '../command';
import { parseArgs } from '../args';

/** Checks a model (and optionally a pipeline card's bindings) before it costs a day at runtime. */
export const lintCommand: CliCommand = {
  name: 'lint',
  summary: 'check an ONNX model (and a pipeline card) for binding, export and runtime problems',
  usage:
    'onnx-lab lint MODEL.onnx [--card CARD.json] [--json]\n' +
    '  --card  a card listing the input/output names, element types and shapes a pipeline binds\n' +
    '          ({"kind": "nemo-ctc", "inputs": [{"name": "audio_signal", "elemType": "float32", "shape": ["N", 80, "T"]}], ...}).\n' +
    '  --json  print the findings as JSON.\n' +
    '  Exit 0 when there is no error-severity finding, 1 when there is, 2 when the model or card cannot be read.',
  async run(argv, io) {
    const args = parseArgs(argv, { values: ['card'], flags: ['json'] });
    const [file, ...extra] = args.positional;
    if (!file) throw new OnnxLabError('cli.usage', 'missing MODEL.onnx (see onnx-lab lint --help)');
    if (extra.length) throw new OnnxLabError('cli.usage', `unexpected argument '${extra[0]}' (one model at a time)`);
    const modelPath = path.resolve(io.cwd, file);
    const cardPath = args.values.card ? path.resolve(io.cwd, args.values.card) : undefined;
    const card = cardPath ? readCardFile(cardPath) : undefined;
    const summary = summarizeModelFile(modelPath);
    const findings = lintModel(summary, { card, cardFile: cardPath, modelFile: modelPath });
    if (args.flags.json) io.out(JSON.stringify({ model: file, card: args.values.card ?? null, findings }, null, 2));
    else io.out(`${file}:\n${formatFindingsText(findings).trimEnd()}`);
    return findings.some((f) => f.severity === 'error') ? 1 : 0;
  },
};
