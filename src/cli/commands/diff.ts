import path from 'node:path';
import { statSync } from 'node:fs';
import { OnnxLabError } from '../../core/errors';
import { fmtNum } from '../../core/validate';
import { diffAgainstGolden, diffModels, type DiffReport } from '../../pipelines/validate/diff';
import type { CliCommand } from '../command';
import { parseArgs } from '../args';
import { parseTolerance } from './validate';

function formatDiff(r: DiffReport, all: boolean): string {
  const lines = [`A: ${r.a}`, `B: ${r.b}`, `inputs: ${r.inputs}`, `tolerance: atol ${fmtNum(r.tolerance.atol)}, rtol ${fmtNum(r.tolerance.rtol)}`];
  lines.push(`compared ${r.nodes.length} of ${r.candidates} shared tensors in topological order (${r.unmatched} of A's tensors have no counterpart) in ${(r.ms / 1000).toFixed(2)} s`);
  const shown = all ? r.nodes : r.nodes.filter((n, i) => n.comparison.status !== 'pass' || i >= r.nodes.length - 3 || n === r.firstDivergent);
  const rows = [['#', 'node', 'op', 'tensor', 'result', 'max abs', 'max rel', 'cosine', 'mismatch']];
  for (const n of shown.slice(0, all ? undefined : 20)) {
    const c = n.comparison;
    rows.push([String(n.order), n.node, n.opType, n.tensor, c.status.toUpperCase(), fmtNum(c.maxAbsError), fmtNum(c.maxRelError), c.cosine.toFixed(6), `${c.mismatches} (${fmtNum(c.mismatchPct)}%)`]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  lines.push('', ...rows.map((r) => '  ' + r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd()));
  lines.push('');
  const f = r.firstDivergent;
  if (f) {
    lines.push(`FIRST DIVERGENT NODE: ${f.node} (${f.opType}, #${f.order}) output '${f.tensor}': ${f.comparison.reason ?? ''}`);
    lines.push(`  max abs ${fmtNum(f.comparison.maxAbsError)}, max rel ${fmtNum(f.comparison.maxRelError)}, cosine ${f.comparison.cosine.toFixed(6)}, min atol ${fmtNum(f.comparison.minAtol)}`);
  } else lines.push(r.cancelled ? 'CANCELLED before a divergence was found' : 'NO DIVERGENCE: every compared tensor is within tolerance');
  return lines.join('\n');
}

/** Node-by-node comparison of two models, or of a model against goldens with intermediates. */
export const diffCommand: CliCommand = {
  name: 'diff',
  summary: 'find the first node where two models (or a model and its goldens) diverge',
  usage:
    'onnx-lab diff MODEL_A.onnx MODEL_B.onnx|GOLDEN [--inputs GOLDEN|random] [--seed N] [--atol A] [--rtol R]\n' +
    '              [--batch N] [--all] [--json]\n' +
    '  Exposes intermediate tensors as outputs (in memory, N per session; default 64), runs both, and reports\n' +
    '  the first node in topological order whose output differs beyond tolerance. When the second argument\n' +
    '  is a golden (folder, .npz, .json), its arrays named like tensors of the model are the reference.\n' +
    '  Exit 0 no divergence, 1 a divergent node was found, 2 the comparison could not run.',
  async run(argv, io) {
    const args = parseArgs(argv, { values: ['inputs', 'seed', 'atol', 'rtol', 'rule', 'batch'], flags: ['all', 'json'] });
    const [a, b, ...extra] = args.positional;
    if (!a || !b) throw new OnnxLabError('cli.usage', 'expected MODEL_A.onnx MODEL_B.onnx|GOLDEN (see onnx-lab diff --help)');
    if (extra.length) throw new OnnxLabError('cli.usage', `unexpected argument '${extra[0]}'`);
    const batch = args.values.batch === undefined ? undefined : Number(args.values.batch);
    if (batch !== undefined && !(Number.isInteger(batch) && batch > 0)) throw new OnnxLabError('cli.usage', '--batch must be a positive integer');
    const seed = args.values.seed === undefined ? undefined : Number(args.values.seed);
    const bPath = path.resolve(io.cwd, b);
    let isModel = b.endsWith('.onnx');
    if (!isModel) {
      try {
        isModel = statSync(bPath).isFile() && !/\.(npz|npy|json|pb)$/.test(b);
      } catch {
        isModel = false;
      }
    }
    const common = { tolerance: parseTolerance(args.values), batchSize: batch, all: args.flags.all, seed };
    const inputs = args.values.inputs && args.values.inputs !== 'random' ? path.resolve(io.cwd, args.values.inputs) : 'random';
    const report = isModel
      ? await diffModels(path.resolve(io.cwd, a), bPath, { ...common, inputs })
      : await diffAgainstGolden(path.resolve(io.cwd, a), bPath, common);
    report.a = a;
    report.b = b;
    if (args.flags.json) io.out(JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2));
    else io.out(formatDiff(report, !!args.flags.all));
    if (report.cancelled) return 2;
    return report.firstDivergent ? 1 : 0;
  },
};
