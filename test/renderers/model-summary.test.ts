import assert from 'node:assert/strict';
import path from 'node:path';
import { summarizeModelFile } from '../../src/core/onnx/summary';
import type { ModelSummary } from '../../src/protocol/model-summary';
import { ARTIFACTS, NOTEBOOK_PAGE, renderJson, startHarness, type Harness } from './harness';

const SAMPLE = path.resolve(__dirname, '../../samples/models/tiny-audio-tagger.onnx');



// Emulates the webview host of the .onnx editor: acquireVsCodeApi and the extension's messages.
const EDITOR_PAGE = `<!doctype html><meta charset="utf-8"><body><div id="root"></div>
<script>
  window.posted = [];
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m) });
</script>
<script type="module" src="/model-editor.js"></script>`;

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

describe('renderers in Chromium', () => {
  let h: Harness;
  let summary: ModelSummary;

  before(async () => {
    summary = summarizeModelFile(SAMPLE) as ModelSummary;
    h = await startHarness({ '/notebook.html': NOTEBOOK_PAGE, '/editor.html': EDITOR_PAGE });
  });
  after(() => h?.close());

  it('notebook renderer draws a model summary from the vendor mime type', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/notebook.html`);
    await renderJson(page, 'application/vnd.onnx-lab.model-summary+json', summary);
    const view = page.locator('onnx-model-summary');
    await view.locator('table[aria-label="Inputs"]').waitFor();
    const inputs = await view.locator('table[aria-label="Inputs"] td').allInnerTexts();
    assert.deepEqual(inputs, ['features', 'float32', '[batch, 40, time]']);
    assert.deepEqual(await view.locator('table[aria-label="Outputs"] td').allInnerTexts(), ['logits', 'float32', '[batch, 5]']);
    assert.match(await view.locator('h1').innerText(), /tiny-audio-tagger\.onnx/);
    assert.match(await view.locator('table[aria-label="Metadata"]').innerText(), /feature_preset\s+kws40/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-model-summary.png'), fullPage: true });

    // The filter narrows every table at once.
    await view.locator('input[type="search"]').fill('gru');
    assert.deepEqual(await view.locator('table[aria-label="Operators"] td').allInnerTexts(), ['GRU', '1']);
    assert.equal(await view.locator('table[aria-label="Inputs"] td').count(), 0);
    await page.close();
  });

  it('model strings are shown as text, never run as markup', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/notebook.html`);
    const hostile: ModelSummary = {
      ...summary,
      producerName: `<script>window.__pwned=2</script>`,
      inputs: [{ ...summary.inputs[0], name: HOSTILE }],
      metadata: { [HOSTILE]: `<iframe src="javascript:window.__pwned=3"></iframe>` },
    };
    await renderJson(page, 'application/vnd.onnx-lab.model-summary+json', hostile);
    const view = page.locator('onnx-model-summary');
    await view.locator('table[aria-label="Inputs"]').waitFor();
    assert.equal(await view.locator('table[aria-label="Inputs"] td').first().innerText(), HOSTILE);
    assert.equal(await view.locator('img, iframe, script').count(), 0);
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-model-summary-hostile.png'), fullPage: true });
    await page.close();
  });

  it('the .onnx editor webview asks for the summary, draws it, and reports what it shows', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/editor.html`);
    const posted = () => page.evaluate(() => (window as unknown as { posted: { type: string; text?: string }[] }).posted);
    await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
    await page.evaluate((s) => window.postMessage({ type: 'summary', summary: s }, '*'), summary);
    await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'rendered'));
    const rendered = (await posted()).find((m) => m.type === 'rendered')!;
    assert.match(rendered.text!, /features/);
    assert.match(rendered.text!, /batch/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'model-editor.png'), fullPage: true });

    await page.locator('onnx-model-summary button', { hasText: 'Copy as JSON' }).click();
    const copy = (await posted()).find((m) => m.type === 'copy');
    assert.equal(JSON.parse(copy!.text!).inputs[0].name, 'features');
    // "Open in Netron" asks the extension to run onnxLab.openInNetron.
    await page.locator('onnx-model-summary button', { hasText: 'Open in Netron' }).click();
    assert.ok((await posted()).some((m) => m.type === 'open-in-netron'));
    await page.close();
  });

  it('the .onnx editor shows a read error in the editor, not a blank page', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/editor.html`);
    await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
    await page.evaluate(() => window.postMessage({ type: 'error', file: '/m/broken.onnx', message: 'truncated ONNX file: 10 bytes missing' }, '*'));
    const alert = page.locator('onnx-model-summary [role="alert"]');
    await alert.waitFor();
    assert.equal(await alert.innerText(), '/m/broken.onnx: truncated ONNX file: 10 bytes missing');
    await page.screenshot({ path: path.join(ARTIFACTS, 'model-editor-error.png') });
    await page.close();
  });
});
