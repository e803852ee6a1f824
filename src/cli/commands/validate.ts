import path from 'node:path';
import { OnnxLabError } from '../../core/errors';
import { exitCode, formatReportText, parsePerOutput, type Tolerance } from '../../core/validate';
import { validateModel } from '../../pipelines/validate/validate';
import type { CliCommand } from '../command';
import { parseArgs } from '../args';

/** Pull out every `--NAME value` / `--NAME=value` (parseArgs keeps only the last of a repeated option). */
export function takeRepeated(argv: string[], name: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `--${name}`) {
      const v = argv[++i];
      if (v === undefined) throw new OnnxLabError('cli.usage', `--${name} needs a value`);
      values.push(v);
    } else if (a.startsWith(`--${name}=`)) values.push(a.slice(name.length + 3));
    else rest.push(a);
  }
  return { values, rest };
}

export function parseTolerance(values: Record<string, string>): Partial<Tolerance> {
  const t: Partial<Tolerance> = {};
  for (const k of ['atol', 'rtol'] as const) {
    if (values[k] === undefined) continue;
    const v = Number(values[k]);
    if (values[k].trim() === '' || !(v >= 0)) throw new OnnxLabError('cli.usage', `--${k} '${values[k]}' is not a number ≥ 0`);
    t[k] = v;
  }
  if (values.rule !== undefined) {
    if (values.rule !== 'polygraphy' && values.rule !== 'numpy') throw new OnnxLabError('cli.usage', `--rule must be polygraphy or numpy`);
    t.rule = values.rule;
  }
  return t;
}

/** Runs a model over golden inputs and compares every output with the golden outputs. */
export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'run a model on golden inputs and compare its outputs with the golden outputs',
  usage:
    'onnx-lab validate MODEL.onnx GOLDEN [--atol A] [--rtol R] [--per-output NAME:ATOL[,RTOL] ...] [--rule polygraphy|numpy]\n' +
    '                  [--inputs POLYGRAPHY_INPUTS.json] [--case NAME] [--json]\n' +
    '  GOLDEN: a folder of test_data_set_N/ (input_K.pb, output_K.pb; K = position in graph.input/output),\n' +
    '  a .npz/.npy or folder of them (arrays matched by name), Polygraphy --save-outputs JSON (with --inputs\n' +
    '  or inputs.json beside it), or an ONNX Lab golden.json manifest (docs/golden-format.md).\n' +
    '  An element fails only when |actual-golden| > atol AND > rtol*|golden| (Polygraphy); defaults 1e-5/1e-5.\n' +
    '  --rule numpy uses numpy.allclose\'s |a-b| <= atol + rtol*|b|. Integer, bool and string outputs must match exactly.\n' +
    '  Exit 0 when every output of every case passes, 1 when a comparison fails, 2 when the check could not run.',
  async run(argv, io) {
    const rep = takeRepeated(argv, 'per-output');
    const args = parseArgs(rep.rest, { values: ['atol', 'rtol', 'rule', 'inputs', 'case'], flags: ['json'] });
    const [model, golden, ...extra] = args.positional;
    if (!model || !golden) throw new OnnxLabError('cli.usage', 'expected MODEL.onnx GOLDEN (see onnx-lab validate --help)');
    if (extra.length) throw new OnnxLabError('cli.usage', `unexpected argument '${extra[0]}'`);
    const perOutput: Record<string, Partial<Tolerance>> = {};
    for (const spec of rep.values) {
      const [name, tol] = parsePerOutput(spec);
      perOutput[name] = tol;
    }
    const report = await validateModel(path.resolve(io.cwd, model), path.resolve(io.cwd, golden), {
      tolerance: parseTolerance(args.values),
      perOutput,
      inputsFile: args.values.inputs ? path.resolve(io.cwd, args.values.inputs) : undefined,
      cases: args.values.case ? [args.values.case] : undefined,
    });
    // Paths as the user typed them.
    report.model = model;
    report.golden = golden;
    if (args.flags.json) io.out(JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2));
    else if (!report.error) io.out(formatReportText(report));
    if (report.error) io.err(`onnx-lab validate: ${report.error}`);
    return exitCode(report);
  },
};
