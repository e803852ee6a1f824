/**
 * Every model.onnx of Debian's libonnx-testdata is summarised, and its inputs/outputs/opsets/IR
 * version must equal what Python's onnx reports (recipes/reference/onnx_summary.py, run here).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { summarizeModelFile, formatSummaryText } from '../../src/core/onnx';
import { TESTDATA, tempDir, testdataModels } from './onnx-fixtures';

const ROOT = path.resolve(__dirname, '../..');
const PYTHON = path.join(ROOT, 'recipes/.venv/bin/python');
const SCRIPT = path.join(ROOT, 'recipes/reference/onnx_summary.py');

describe('onnx summary vs Python onnx on libonnx-testdata', function () {
  this.timeout(120000);

  it('matches inputs, outputs, opsets and IR version for every model.onnx', () => {
    const models = testdataModels();
    if (!fs.existsSync(PYTHON)) {
      assert.fail(`${PYTHON} is missing: run 'bash scripts/setup-python.sh' (makes recipes/.venv with onnx from recipes/requirements.txt)`);
    }
    const tmp = tempDir();
    let ref: Record<string, Record<string, unknown>>;
    try {
      const out = path.join(tmp.dir, 'ref.json');
      try {
        execFileSync(PYTHON, [SCRIPT, TESTDATA, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (e) {
        assert.fail(`the Python reference failed (is onnx installed in recipes/.venv? run 'bash scripts/setup-python.sh'): ${(e as { stderr?: Buffer }).stderr ?? e}`);
      }
      ref = JSON.parse(fs.readFileSync(out, 'utf8'));
    } finally {
      tmp.cleanup();
    }

    const mismatches: string[] = [];
    let compared = 0;
    for (const file of models) {
      const r = ref[file];
      assert.ok(r, `Python did not report ${file}`);
      assert.ok(!('error' in r), `Python could not load ${file}: ${r.error}`);
      const s = summarizeModelFile(file);
      formatSummaryText(s); // must not throw either
      const mine = {
        irVersion: s.irVersion,
        opsetImports: s.opsetImports,
        inputs: s.inputs.map(({ name, type, elemType, shape }) => ({ name, type, elemType, shape })),
        outputs: s.outputs.map(({ name, type, elemType, shape }) => ({ name, type, elemType, shape })),
      };
      const theirs = { irVersion: r.irVersion, opsetImports: r.opsetImports, inputs: r.inputs, outputs: r.outputs };
      try {
        assert.deepStrictEqual(mine, theirs);
      } catch {
        mismatches.push(`${file}\n  ours:   ${JSON.stringify(mine)}\n  python: ${JSON.stringify(theirs)}`);
      }
      compared++;
    }
    console.log(`      compared ${compared} libonnx-testdata models with Python onnx: ${compared - mismatches.length} equal, ${mismatches.length} different`);
    assert.equal(compared, Object.keys(ref).length, 'Python saw the same set of models');
    assert.ok(compared >= 1000, `expected the full libonnx-testdata set (1072 models), found ${compared}`);
    assert.deepEqual(mismatches.slice(0, 5), []);
  });
});
