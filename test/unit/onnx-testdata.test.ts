/**
 * Every model.onnx of Debian's libonnx-testdata (and every .onnx shipped in the onnx pip package's
 * backend test data, which includes light_* versions of ResNet-50, DenseNet-121, Inception, VGG-19)
 * is summarised, and its inputs/outputs/opsets/IR version must equal what Python's onnx reports
 * (recipes/reference/onnx_summary.py, run here). The wire scanner must agree with the full decode,
 * and runtime lint errors must only be raised for models that onnxruntime 1.30 cannot load.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatSummaryText, lintModel, readModel, summarizeModel, summarizeModelFile } from '../../src/core/onnx';
import { TESTDATA, tempDir, testdataModels } from './onnx-fixtures';

const ROOT = path.resolve(__dirname, '../..');
const PYTHON = path.join(ROOT, 'recipes/.venv/bin/python');
const SCRIPT = path.join(ROOT, 'recipes/reference/onnx_summary.py');
const SETUP = "run 'bash scripts/setup-python.sh' (makes recipes/.venv with onnx and onnxruntime from recipes/requirements.txt)";

function pythonReference(dir: string): Record<string, Record<string, unknown>> {
  if (!fs.existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: ${SETUP}`);
  const tmp = tempDir();
  try {
    const out = path.join(tmp.dir, 'ref.json');
    try {
      execFileSync(PYTHON, [SCRIPT, dir, '--ort', '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      assert.fail(`the Python reference failed (${SETUP}): ${(e as { stderr?: Buffer }).stderr ?? e}`);
    }
    return JSON.parse(fs.readFileSync(out, 'utf8'));
  } finally {
    tmp.cleanup();
  }
}

function compareAll(label: string, models: string[], ref: Record<string, Record<string, unknown>>): void {
  const mismatches: string[] = [];
  const scanMismatches: string[] = [];
  const falseAlarms: string[] = [];
  let ortFailures = 0;
  let predicted = 0;
  for (const file of models) {
    const r = ref[file];
    assert.ok(r, `Python did not report ${file}`);
    assert.ok(!('error' in r), `Python could not load ${file}: ${r.error}`);
    const s = summarizeModelFile(file);
    formatSummaryText(s); // must not throw either
    // The wire scanner (summarizeModelFile) and the full onnx-buf decode must give the same summary.
    const bytes = fs.readFileSync(file);
    try {
      assert.deepStrictEqual(s, summarizeModel(readModel(bytes), { file, fileSize: bytes.length }));
    } catch {
      scanMismatches.push(file);
    }
    const runtimeErrors = lintModel(s).filter((f) => f.severity === 'error' && f.rule.startsWith('runtime.'));
    if (r.ort) ortFailures++;
    if (runtimeErrors.length && r.ort) predicted++;
    if (runtimeErrors.length && !r.ort) falseAlarms.push(`${file}: ${runtimeErrors.map((f) => f.message).join('; ')}`);
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
  }
  console.log(`      ${label}: compared ${models.length} models with Python onnx: ${models.length - mismatches.length} equal, ${mismatches.length} different`);
  console.log(`      onnxruntime 1.30 CPU could not load ${ortFailures}; runtime lint flagged ${predicted} of them, and ${falseAlarms.length} models that do load`);
  assert.equal(models.length, Object.keys(ref).length, 'Python saw the same set of models');
  assert.deepEqual(mismatches.slice(0, 5), []);
  assert.deepEqual(scanMismatches.slice(0, 5), [], 'scanner and full decode disagree');
  assert.deepEqual(falseAlarms.slice(0, 5), [], 'runtime lint flags models onnxruntime loads');
}

describe('onnx summary vs Python onnx on real test models', function () {
  this.timeout(120000);

  it("every libonnx-testdata model.onnx: inputs, outputs, opsets, IR version; scanner = full decode; runtime lint vs onnxruntime", () => {
    const models = testdataModels();
    assert.ok(models.length >= 1000, `expected the full libonnx-testdata set (1072 models), found ${models.length}`);
    compareAll('libonnx-testdata', models, pythonReference(TESTDATA));
  });

  it("every .onnx in the onnx pip package's backend test data (light ResNet-50, DenseNet-121, VGG-19, ...)", () => {
    if (!fs.existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: ${SETUP}`);
    const dir = execFileSync(PYTHON, ['-c', 'import onnx.backend.test, os; print(os.path.join(os.path.dirname(onnx.backend.test.__file__), "data"))'], { encoding: 'utf8' }).trim();
    const models: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.onnx')) models.push(path.join(d, e.name));
      }
    };
    walk(dir);
    assert.ok(models.length >= 100, `expected the onnx package's test models under ${dir}, found ${models.length}`);
    compareAll('onnx pip test data', models, pythonReference(dir));
  });
});
