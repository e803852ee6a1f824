/**
 * The validator over every Debian libonnx-testdata node test (onnxruntime-node, 1 intra-op thread)
 * against Python onnxruntime + numpy over the same tests (recipes/reference/validate_sweep.py, one
 * process): verdicts must agree on every test both can run, under Polygraphy's rule and under
 * numpy.allclose's, at the ONNX backend tests' own tolerances (atol 1e-7, rtol 1e-3) and at tight
 * ones (1e-6, 1e-6) where more outputs sit near the threshold.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tolerance } from '../../src/core/validate';
import { sweepBackendTests, type SweepEntry, type Verdict } from '../../src/pipelines/validate/sweep';
import { tmpDir } from './validate-fixtures';

const ROOT = path.resolve(__dirname, '../..');
const PYTHON = path.join(ROOT, 'recipes/.venv/bin/python');
const SCRIPT = path.join(ROOT, 'recipes/reference/validate_sweep.py');
const NODE_TESTS = '/usr/share/libonnx-testdata/data/node';
const TOLERANCES: [string, Tolerance][] = [['1e-7,1e-3', { atol: 1e-7, rtol: 1e-3 }], ['1e-6,1e-6', { atol: 1e-6, rtol: 1e-6 }]];
const RULES = ['polygraphy', 'numpy'] as const;

type PyTests = Record<string, Record<string, { numpy: Verdict; polygraphy: Verdict }> & { error?: string }>;

function pythonSweep(dir: string): { tests: PyTests; seconds: number } {
  if (!fs.existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: run 'bash scripts/setup-python.sh' (recipes/.venv with numpy, onnx, onnxruntime from recipes/requirements.txt)`);
  const tmp = tmpDir();
  try {
    const out = path.join(tmp.dir, 'py.json');
    try {
      execFileSync(PYTHON, [SCRIPT, dir, '--out', out, ...TOLERANCES.flatMap(([k]) => ['--tol', k])], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      assert.fail(`the Python reference failed (run 'bash scripts/setup-python.sh'): ${(e as { stderr?: Buffer }).stderr ?? e}`);
    }
    return JSON.parse(fs.readFileSync(out, 'utf8'));
  } finally {
    tmp.cleanup();
  }
}

describe('validate: libonnx-testdata sweep vs Python onnxruntime + numpy', function () {
  this.timeout(120000);

  it('verdicts agree on every node test both sides can run', async () => {
    if (!fs.existsSync(NODE_TESTS)) assert.fail(`${NODE_TESTS} is missing: run 'bash scripts/setup.sh --apt' (Debian package libonnx-testdata)`);
    // One inference per test data set; each (tolerance, rule) pair is a separate comparison of it.
    const combos = TOLERANCES.flatMap(([key, tol]) => RULES.map((rule) => ({ key, rule, tol: { ...tol, rule } })));
    const t0 = performance.now();
    const ours: SweepEntry[] = await sweepBackendTests(NODE_TESTS, { tolerances: combos.map((c) => c.tol) });
    const tOurs = performance.now() - t0;
    const py = pythonSweep(NODE_TESTS);
    assert.equal(ours.length, Object.keys(py.tests).length, 'both sides saw the same tests');
    console.log(`      ${ours.length} node tests; onnx-lab ${(tOurs / 1000).toFixed(1)} s, python ${py.seconds.toFixed(1)} s`);
    console.log('      atol,rtol   rule        onnx-lab pass/fail/error   python pass/fail/error   both ran  disagree');
    const disagreements: string[] = [];
    combos.forEach((c, i) => {
      const n = { ours: { pass: 0, fail: 0, error: 0 }, py: { pass: 0, fail: 0, error: 0 } };
      let both = 0, differ = 0;
      for (const e of ours) {
        const mine = e.verdicts[i];
        const theirs = py.tests[e.test]?.[c.key]?.[c.rule] ?? 'error';
        n.ours[mine]++;
        n.py[theirs]++;
        if (mine === 'error' || theirs === 'error') continue;
        both++;
        if (mine !== theirs) {
          differ++;
          disagreements.push(`${e.test} (${c.key} ${c.rule}): onnx-lab ${mine}, python ${theirs}`);
        }
      }
      const f = (x: typeof n.ours) => `${x.pass}/${x.fail}/${x.error}`.padEnd(25);
      console.log(`      ${c.key.padEnd(11)} ${c.rule.padEnd(11)} ${f(n.ours)}  ${f(n.py)} ${String(both).padStart(8)}  ${String(differ).padStart(8)}`);
      if (i === 0) assert.ok(both >= 850, `only ${both} tests ran on both sides`);
    });
    for (const d of disagreements) console.log(`        ${d}`);
    const onlyPy = ours.filter((e) => e.verdicts[0] === 'error' && py.tests[e.test]?.[combos[0].key]?.polygraphy !== 'error');
    console.log(`      python ran, onnx-lab could not (${onlyPy.length}): ${onlyPy.map((e) => e.test).join(', ')}`);
    const onlyOurs = ours.filter((e) => e.verdicts[0] !== 'error' && py.tests[e.test]?.[combos[0].key]?.polygraphy === 'error');
    console.log(`      onnx-lab ran, python could not (${onlyOurs.length}): ${onlyOurs.map((e) => e.test).join(', ')}`);
    console.log(`      failing at ${combos[0].key}: ${ours.filter((e) => e.verdicts[0] === 'fail').map((e) => e.test).join(', ')}`);
    assert.deepEqual(disagreements, []);
    // What onnxruntime-node cannot do (sequence/optional feeds, non-tensor outputs) is the only gap.
    for (const e of onlyPy) assert.match(e.error ?? '', /sequence|Non tensor|missing input/, e.test);
  });
});
