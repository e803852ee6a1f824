// Loads ONNX Lab's real renderer/webview bundles (dist/webview) into headless Chromium.
import http from 'node:http';
import path from 'node:path';
import { readFile, mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'test-results', 'renderers');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json', '.json': 'application/json' };

// Emulates the notebook's renderer host: VS Code calls activate() then renderOutputItem per output.
export const NOTEBOOK_PAGE = `<!doctype html><meta charset="utf-8"><body><div id="out"></div>
<script type="module">
  import { activate } from '/notebook-renderer.js';
  const renderer = activate({ postMessage() {}, onDidReceiveMessage() { return { dispose() {} }; }, workspace: { isTrusted: true } });
  window.renderJson = (mime, value) => {
    const text = JSON.stringify(value);
    renderer.renderOutputItem({ id: 'o1', mime, metadata: {}, json: () => JSON.parse(text), text: () => text,
      data: () => new TextEncoder().encode(text), blob: () => new Blob([text]) }, document.getElementById('out'));
  };
  window.rendererReady = true;
</script>`;

/** Renders a JSON output item through the real notebook renderer on a NOTEBOOK_PAGE. */
export async function renderJson(page: Page, mime: string, value: unknown): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { rendererReady?: boolean }).rendererReady);
  await page.evaluate(([m, v]) => (window as unknown as { renderJson(m: string, v: unknown): void }).renderJson(m as string, v), [mime, value] as const);
}

export interface Harness {
  browser: Browser;
  url: string;
  close(): Promise<void>;
  newPage(): Promise<Page>;
}

/** Serves dist/webview plus test pages over loopback (module scripts do not load from file://). */
export async function startHarness(pages: Record<string, string>): Promise<Harness> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const page = pages[url.pathname];
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    const file = path.join(ROOT, 'dist', 'webview', path.normalize(url.pathname).replace(/^\/+/, ''));
    if (!file.startsWith(path.join(ROOT, 'dist', 'webview'))) return void res.writeHead(403).end();
    try {
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    browser,
    url: `http://127.0.0.1:${port}`,
    async newPage() {
      const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
      page.on('pageerror', (e) => console.error('  [page error]', e.message));
      return page;
    },
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}
