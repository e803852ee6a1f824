import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { validateModel } from '../../src/pipelines/validate/validate';
import { ARTIFACTS, NOTEBOOK_PAGE, renderJson, startHarness, type Harness } from './harness';

const MODELS = path.resolve(__dirname, '../../samples/models');
const MIME = 'application/vnd.onnx-lab.validation-report+json';
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('validation report renderer in Chromium', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ '/notebook.html': NOTEBOOK_PAGE });
  });
  after(() => h?.close());

  it('draws a passing report of the sample export against its PyTorch goldens', async () => {
    const report = await validateModel(path.join(MODELS, 'tiny-audio-tagger.onnx'), path.join(MODELS, 'tiny-audio-tagger.golden'));
    assert.equal(report.status, 'pass');
    const page = await h.newPage();
    await page.goto(`${h.url}/notebook.html`);
    await renderJson(page, MIME, asJson(report));
    const view = page.locator('onnx-validation-report');
    await view.locator('[role="status"]').waitFor();
    assert.equal(await view.locator('[role="status"]').innerText(), 'PASS: 2 passed, 0 failed, 0 could not run');
    assert.equal(await view.locator('table').count(), 2);
    const cells = await view.locator('table[aria-label="Outputs of case_0"] td').allInnerTexts();
    assert.equal(cells[0], 'logits');
    assert.equal(cells[1], 'pass');
    await page.screenshot({ path: path.join(ARTIFACTS, 'validation-report-pass.png'), fullPage: true });
    await page.close();
  });

  it('draws a failing report with the errors, and model strings stay text', async () => {
    // The sample export with one bias value changed no longer matches its goldens.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onnx-lab-report-'));
    const model = fromBinary(ModelProtoSchema, readFileSync(path.join(MODELS, 'tiny-audio-tagger.onnx')));
    const bias = model.graph!.initializer.find((t) => t.name === 'head.bias')!;
    const raw = new Uint8Array(bias.rawData);
    new DataView(raw.buffer).setFloat32(0, 0.75, true);
    bias.rawData = raw;
    const bad = path.join(dir, 'perturbed.onnx');
    writeFileSync(bad, toBinary(ModelProtoSchema, model));
    const report = asJson(await validateModel(bad, path.join(MODELS, 'tiny-audio-tagger.golden')));
    assert.equal(report.status, 'fail');
    report.cases[0].outputs[0].name = '<img src=x onerror="window.__pwned=1">';
    const page = await h.newPage();
    await page.goto(`${h.url}/notebook.html`);
    await renderJson(page, MIME, report);
    const view = page.locator('onnx-validation-report');
    await view.locator('[role="status"]').waitFor();
    assert.match(await view.locator('[role="status"]').innerText(), /^FAIL: 0 passed, 2 failed/);
    const row = await view.locator('table').first().locator('td').allInnerTexts();
    assert.equal(row[0], '<img src=x onerror="window.__pwned=1">');
    assert.match(row[1], /^fail/);
    assert.equal(await view.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await page.screenshot({ path: path.join(ARTIFACTS, 'validation-report-fail.png'), fullPage: true });
    await page.close();
  });
});
