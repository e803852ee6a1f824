// Script of the "Open in Netron" webview: loads the bundled Netron (dist/netron) with ONNX Lab's own
// host, opens the model from bytes the extension sends, and reports what Netron drew. When Netron is
// not bundled or fails, the page says so and offers ONNX Lab's inspector instead (never a blank page).
import type { FromNetronView, ToNetronView } from './messages';
import { BytesContext, WebviewNetronHost, type HostBridge, type NetronView } from './host';

declare function acquireVsCodeApi(): {
  postMessage(m: FromNetronView): void;
  getState(): unknown;
  setState(state: unknown): void;
};

const vscode = acquireVsCodeApi();
const config = document.body.dataset;
const base = config.netronBase ?? '';
const version = config.netronVersion ?? '';
const fileName = config.fileName ?? 'model';
const marks = { start: performance.now(), started: 0 };

keepVsCodeThemeClass();

let nextFetch = 1;
const fetches = new Map<number, { resolve(bytes: Uint8Array): void; reject(e: Error): void }>();
let gotModel: (m: Extract<ToNetronView, { type: 'model' | 'model-error' }>) => void;
const model = new Promise<Extract<ToNetronView, { type: 'model' | 'model-error' }>>((resolve) => (gotModel = resolve));
let modelArrived = 0;

window.addEventListener('message', (event: MessageEvent<ToNetronView>) => {
  const m = event.data;
  if (m?.type === 'model' || m?.type === 'model-error') {
    modelArrived = performance.now();
    gotModel(m);
  } else if (m?.type === 'fetched') {
    const pending = fetches.get(m.id);
    if (!pending) return;
    fetches.delete(m.id);
    if (m.bytes instanceof Uint8Array) pending.resolve(m.bytes);
    else pending.reject(new Error(m.error ?? 'File not found.'));
  }
});

let reported = false;
function report(text: string, ok: boolean): void {
  reported = true;
  const now = performance.now();
  vscode.postMessage({ type: 'rendered', text, ok, ms: Math.round(now - (modelArrived || now)), pageMs: Math.round(now - marks.start) });
}

/** Replaces the view with a message and the way out: the built-in inspector. Model text stays text. */
function fail(message: string): void {
  let box = document.getElementById('onnx-lab-fallback');
  if (!box) {
    box = document.createElement('div');
    box.id = 'onnx-lab-fallback';
    box.setAttribute('role', 'alert');
    document.body.appendChild(box);
  }
  const text = document.createElement('p');
  text.textContent = message;
  const button = document.createElement('button');
  button.textContent = 'Open in ONNX Lab inspector';
  button.addEventListener('click', () => vscode.postMessage({ type: 'open-inspector' }));
  box.replaceChildren(text, button);
  document.body.classList.add('onnx-lab-failed');
  report(message, false);
}

const bridge: HostBridge = {
  fetchFile(file) {
    const id = nextFetch++;
    return new Promise((resolve, reject) => {
      fetches.set(id, { resolve, reject });
      vscode.postMessage({ type: 'fetch', id, file: String(file) });
    });
  },
  openURL: (url) => vscode.postMessage({ type: 'open-url', url }),
  alert: (message) => fail(`Netron could not show ${fileName}: ${message}`),
  notify(text, action) {
    document.getElementById('onnx-lab-notice')?.remove();
    if (!text) return new Promise(() => undefined); // cleared: the pending notice is never answered
    const bar = document.createElement('div');
    bar.id = 'onnx-lab-notice';
    bar.setAttribute('role', 'status');
    const span = document.createElement('span');
    span.textContent = text;
    bar.append(span);
    document.body.appendChild(bar);
    if (!action) return new Promise(() => undefined);
    const button = document.createElement('button');
    button.textContent = action;
    bar.append(button);
    return new Promise((resolve) =>
      button.addEventListener('click', () => {
        bar.remove();
        resolve();
      }),
    );
  },
  getState: () => (vscode.getState() as Record<string, unknown> | undefined) ?? {},
  setState: (state) => vscode.setState(state),
};

/** What Netron drew, read from its DOM: graph inputs and outputs by name, and the node count. */
function describeGraph(): string {
  const texts = (selector: string) =>
    Array.from(document.querySelectorAll(`#canvas ${selector}`), (e) => e.textContent?.trim() ?? '').filter(Boolean);
  const nodes = document.querySelectorAll('#canvas .graph-node').length;
  const theme = Array.from(document.body.classList).filter((c) => c.startsWith('vscode-')).join(' ') || 'none';
  const dark = document.getElementById('netron-dark-scheme') as HTMLStyleElement | null;
  const scheme = dark && window.matchMedia(dark.media).matches ? 'dark' : 'light';
  return [
    `Netron ${version}: ${fileName}`,
    // The name is the item's <text>; its <title> (the tooltip) holds the type.
    `inputs: ${texts('.graph-item-input > text').join(', ')}`,
    `outputs: ${texts('.graph-item-output > text').join(', ')}`,
    `nodes: ${nodes}`,
    `theme: ${theme}; Netron colours: ${scheme}`,
  ].join('\n');
}

async function run(): Promise<void> {
  if (config.netronBundled !== 'true') {
    fail('Netron is not bundled with this build of ONNX Lab (dist/netron is missing: run scripts/fetch-netron.sh, then rebuild).');
    return;
  }
  const host = new WebviewNetronHost(base, version, bridge);
  host.preloadOnnx();
  let View: new (host: WebviewNetronHost) => NetronView;
  try {
    const [viewModule, dagre] = await Promise.all([
      import(/* @vite-ignore */ `${base}view.js`) as Promise<{ View: typeof View }>,
      // The layout worker is built from dagre.js's text; without it Netron lays out on the page.
      fetch(`${base}dagre.js`).then((r) => (r.ok ? r.text() : undefined)).catch(() => undefined),
    ]);
    View = viewModule.View;
    host.layoutWorkerSource = dagre && /export\s+const\s*\{\s*layout\b/.test(dagre) ? dagre : undefined;
  } catch (e) {
    fail(`Netron failed to load: ${(e as Error).message}`);
    return;
  }
  const view = new View(host);
  await view.start(); // Netron reports its own start-up errors through host.message → fail()
  marks.started = performance.now();
  if (reported) return;
  const m = await model;
  if (m.type === 'model-error') {
    fail(`${m.name}: ${m.message}`);
    return;
  }
  try {
    const opened = await view.open(new BytesContext(host, m.name, await host.stream(m.bytes)));
    if (!opened) {
      fail(`Netron did not show ${m.name} (the layout was cancelled).`);
      return;
    }
    view.show(null);
  } catch (e) {
    fail(`Netron could not open ${m.name}: ${(e as Error)?.message ?? String(e)}`);
    return;
  }
  await new Promise((r) => requestAnimationFrame(() => r(undefined)));
  report(describeGraph(), true);
  const at = (t: number) => Math.round(t - marks.start);
  console.log(`ONNX Lab Netron host: Netron started at ${at(marks.started)} ms, bytes at ${at(modelArrived)} ms, rendered at ${at(performance.now())} ms`);
}

/**
 * Netron's `show()` replaces the body's classes, VS Code's theme class among them: put it back. And
 * Netron's dark rules (a style element of their own, see netron-html.ts) follow VS Code's theme
 * instead of the OS's colour scheme.
 */
function keepVsCodeThemeClass(): void {
  const body = document.body;
  let kinds = Array.from(body.classList).filter((c) => c.startsWith('vscode-'));
  const restore = () => {
    const now = Array.from(body.classList).filter((c) => c.startsWith('vscode-'));
    const kind = body.dataset.vscodeThemeKind;
    if (kind) kinds = [kind, ...now.filter((c) => c !== kind)];
    else if (now.length) kinds = now;
    const missing = kinds.filter((c) => !body.classList.contains(c));
    if (missing.length) body.classList.add(...missing);
    const dark = document.getElementById('netron-dark-scheme') as HTMLStyleElement | null;
    const theme = kind ?? kinds[0];
    if (dark && theme) {
      const media = theme === 'vscode-dark' || theme === 'vscode-high-contrast' ? 'all' : 'not all';
      if (dark.media !== media) dark.media = media;
    }
  };
  new MutationObserver(restore).observe(body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  restore();
}

vscode.postMessage({ type: 'ready' });
run().catch((e) => fail(`Netron failed: ${(e as Error)?.message ?? String(e)}`));
