// The "Open in Netron" page in headless Chromium: the real bundled Netron (dist/netron, fetched by
// scripts/fetch-netron.sh) driven by ONNX Lab's host bundle (dist/webview/netron-host.js), under the
// same page and CSP the extension builds. The test plays the extension's part of the messages.
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readFile, mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { netronPageHtml, parseNetronIndex } from '../../src/extension/netron-html';
import { ARTIFACTS } from './harness';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, OperatorSetIdProtoSchema, StringStringEntryProtoSchema, TensorProtoSchema,
  TensorShapeProtoSchema, TensorShapeProto_DimensionSchema, TypeProtoSchema, TypeProto_TensorSchema, ValueInfoProtoSchema,
} from 'onnx-buf';

const ROOT = path.resolve(__dirname, '../..');
const SAMPLE = path.join(ROOT, 'samples/models/tiny-audio-tagger.onnx');
const NETRON = path.join(ROOT, 'dist/netron');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.html': 'text/html', '.map': 'application/json' };

type Posted = { type: string; text?: string; ok?: boolean; ms?: number; id?: number; file?: string };

describe('Netron embedded (Chromium, real dist/netron)', function () {
  this.timeout(120000);
  let server: http.Server;
  let origin: string;
  let browser: Browser;
  const pages = new Map<string, string>();

  before(async function () {
    if (!existsSync(path.join(NETRON, 'view.js'))) {
      throw new Error('dist/netron is missing: run scripts/fetch-netron.sh (or node scripts/build.mjs), which fetches netron from PyPI');
    }
    server = http.createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const page = pages.get(url.pathname);
      if (page !== undefined) return void res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      const [, dir, ...rest] = url.pathname.split('/');
      const roots: Record<string, string> = { webview: path.join(ROOT, 'dist/webview'), netron: NETRON };
      const file = roots[dir] ? path.join(roots[dir], path.normalize(rest.join('/'))) : '';
      if (!file || !file.startsWith(roots[dir])) return void res.writeHead(404).end();
      try {
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
    });
    await mkdir(ARTIFACTS, { recursive: true });
    const index = await readFile(path.join(NETRON, 'index.html'), 'utf8');
    const grapherCss = await readFile(path.join(NETRON, 'grapher.css'), 'utf8');
    for (const [name, bundled] of [['/netron.html', true], ['/no-netron.html', false]] as const) {
      const nonce = 'dGVzdC1ub25jZQ==';
      const html = netronPageHtml({
        nonce,
        cspSource: origin,
        hostScript: `${origin}/webview/netron-host.js`,
        netronBase: `${origin}/netron/`,
        name: 'tiny-audio-tagger.onnx',
        netron: bundled ? parseNetronIndex(index, grapherCss) : undefined,
      });
      // The webview's acquireVsCodeApi, as a nonced script ahead of the host.
      const fake = `<script nonce="${nonce}">window.posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });</script>\n`;
      pages.set(name, html.replace('<script type="module"', `${fake}<script type="module"`));
      if (bundled) pages.set('/netron-dark.html', pages.get(name)!.replace('<body class="welcome spinner"', '<body class="welcome spinner vscode-dark" data-vscode-theme-kind="vscode-dark" style="--vscode-editor-background:#1f1f1f"'));
    }
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  async function open(page: string): Promise<{ page: Page; violations: string[]; workers: string[] }> {
    const p = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const violations: string[] = [];
    const workers: string[] = [];
    p.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
    p.on('pageerror', (e) => console.error('  [page error]', e.message));
    p.on('worker', (w) => workers.push(w.url()));
    await p.goto(`${origin}${page}`);
    await p.waitForFunction(() => (window as unknown as { posted: Posted[] }).posted.some((m) => m.type === 'ready'));
    return { page: p, violations, workers };
  }
  const posted = (p: Page) => p.evaluate(() => (window as unknown as { posted: Posted[] }).posted);
  async function rendered(p: Page): Promise<Posted> {
    await p.waitForFunction(() => (window as unknown as { posted: Posted[] }).posted.some((m) => m.type === 'rendered'), null, { timeout: 60000 });
    return (await posted(p)).find((m) => m.type === 'rendered')!;
  }
  /** Sends the model as the extension does: a Uint8Array. */
  async function sendModel(p: Page, name: string, bytes: Uint8Array): Promise<void> {
    await p.evaluate(
      ([n, b64]) => window.postMessage({ type: 'model', name: n, bytes: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) }, '*'),
      [name, Buffer.from(bytes).toString('base64')] as const,
    );
  }

  it('draws the model from bytes: Netron shows its input and output, no CSP violation, layout in a worker', async () => {
    const { page, violations, workers } = await open('/netron.html');
    const t0 = Date.now();
    await sendModel(page, 'tiny-audio-tagger.onnx', await readFile(SAMPLE));
    const r = await rendered(page);
    console.log(`    bytes → rendered: ${r.ms} ms in the page (${Date.now() - t0} ms seen by the test)\n    ${r.text!.replace(/\n/g, '\n    ')}`);
    assert.equal(r.ok, true, r.text);
    assert.match(r.text!, /^inputs: features$/m);
    assert.match(r.text!, /^outputs: logits$/m);
    assert.match(r.text!, /^nodes: [1-9]\d*$/m);
    assert.equal(await page.locator('#canvas .graph-item-input', { hasText: 'features' }).count(), 1);
    assert.ok(workers.some((u) => u.startsWith('blob:')), `layout ran in a blob worker (workers: ${workers.join(', ') || 'none'})`);
    assert.deepEqual(violations, []);
    assert.equal(await page.locator('#menu-button').isVisible(), false, 'Netron\'s menu button is hidden');
    await page.screenshot({ path: path.join(ARTIFACTS, 'netron.png') });

    // Node properties open in Netron's sidebar (its own UI keeps working under the host).
    await page.locator('#canvas .graph-item-input', { hasText: 'features' }).click();
    await page.locator('#sidebar-content').waitFor({ state: 'visible' });
    assert.match(await page.locator('#sidebar-content').innerText(), /features/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'netron-sidebar.png') });
    await page.close();
  });

  it('Netron\'s colours follow VS Code\'s theme (dark here, whatever the OS scheme), and the theme class survives Netron', async () => {
    const { page, violations } = await open('/netron-dark.html');
    await sendModel(page, 'tiny-audio-tagger.onnx', await readFile(SAMPLE));
    const r = await rendered(page);
    assert.match(r.text!, /^theme: vscode-dark; Netron colours: dark$/m);
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(31, 31, 31)');
    assert.deepEqual(violations, []);
    await page.screenshot({ path: path.join(ARTIFACTS, 'netron-dark.png') });
    await page.close();
  });

  it('external data: Netron asks the host for the file beside the model, and shows the tensor read from it', async () => {
    const { page, violations } = await open('/netron.html');
    const weights = new Float32Array([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]);
    await sendModel(page, 'ext.onnx', externalDataModel('ext-weights.bin', weights.byteLength));
    const r = await rendered(page);
    assert.equal(r.ok, true, r.text);
    assert.match(r.text!, /^inputs: x$/m);
    // Opening the weight's tensor view makes Netron read its data: the host asks the extension.
    await page.locator('#canvas .node-argument').first().click(); // MatMul's B〈4×2〉 row
    await page.waitForFunction(() => (window as unknown as { posted: Posted[] }).posted.some((m) => m.type === 'fetch'));
    const request = (await posted(page)).find((m) => m.type === 'fetch')!;
    assert.equal(request.file, 'ext-weights.bin');
    await page.evaluate(([id, b64]) => window.postMessage({ type: 'fetched', id, bytes: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) }, '*'),
      [request.id!, Buffer.from(weights.buffer).toString('base64')] as const);
    await page.locator('#sidebar-content', { hasText: '7.5' }).waitFor({ timeout: 15000 });
    assert.deepEqual(violations, []);
    await page.screenshot({ path: path.join(ARTIFACTS, 'netron-external-data.png') });
    await page.close();
  });

  it('a broken model: Netron\'s error is shown with the inspector offered, not a blank page', async () => {
    const { page, violations } = await open('/netron.html');
    const bytes = await readFile(SAMPLE);
    await sendModel(page, 'broken.onnx', bytes.subarray(0, bytes.length >> 1));
    const r = await rendered(page);
    assert.equal(r.ok, false);
    assert.match(r.text!, /^Netron could not (open|show) broken\.onnx: /);
    const box = page.locator('#onnx-lab-fallback');
    assert.ok(await box.isVisible());
    await page.screenshot({ path: path.join(ARTIFACTS, 'netron-error.png') });
    await box.locator('button').click();
    assert.ok((await posted(page)).some((m) => m.type === 'open-inspector'));
    assert.deepEqual(violations, []);
    await page.close();
  });

  it('without dist/netron the page says Netron is not bundled and offers the inspector', async () => {
    const { page } = await open('/no-netron.html');
    const r = await rendered(page);
    assert.equal(r.ok, false);
    assert.match(r.text!, /Netron is not bundled/);
    await page.locator('#onnx-lab-fallback button', { hasText: 'Open in ONNX Lab inspector' }).click();
    assert.ok((await posted(page)).some((m) => m.type === 'open-inspector'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'netron-not-bundled.png') });
    await page.close();
  });

  it('model names stay text in the page', async () => {
    const { page } = await open('/netron.html');
    await sendModel(page, '<img src=x onerror="window.__pwned=1">.onnx', new Uint8Array([1, 2, 3]));
    const r = await rendered(page);
    assert.equal(r.ok, false);
    assert.equal(await page.locator('#onnx-lab-fallback img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await page.close();
  });
});

/** y = MatMul(x[1,4], W[4,2]) with W's 32 bytes in an external file. */
function externalDataModel(location: string, length: number): Uint8Array {
  const value = (name: string, dims: number[]) => create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, {
      elemType: 1,
      shape: create(TensorShapeProtoSchema, { dim: dims.map((d) => create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(d) } })) }),
    }) } }),
  });
  const entry = (key: string, v: string) => create(StringStringEntryProtoSchema, { key, value: v });
  const W = create(TensorProtoSchema, { name: 'W', dims: [4n, 2n], dataType: 1, dataLocation: 1,
    externalData: [entry('location', location), entry('offset', '0'), entry('length', String(length))] });
  return toBinary(ModelProtoSchema, create(ModelProtoSchema, {
    irVersion: 8n,
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })],
    graph: create(GraphProtoSchema, {
      name: 'g', input: [value('x', [1, 4])], output: [value('y', [1, 2])], initializer: [W],
      node: [create(NodeProtoSchema, { opType: 'MatMul', input: ['x', 'W'], output: ['y'] })],
    }),
  }));
}
