import * as vscode from 'vscode';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { netronPageHtml, parseNetronIndex, type NetronBundle } from './netron-html';
import type { RenderedViews } from './rendered-events';

export const NETRON_VIEW_TYPE = 'onnxLab.netron';
export const OPEN_IN_NETRON_COMMAND = 'onnxLab.openInNetron';

// Copy of src/renderers/netron/messages.ts (the walls keep src/extension from importing src/renderers).
type ToNetronView =
  | { type: 'model'; name: string; bytes: Uint8Array }
  | { type: 'model-error'; name: string; message: string }
  | { type: 'fetched'; id: number; bytes?: Uint8Array; error?: string };
type FromNetronView =
  | { type: 'ready' }
  | { type: 'fetch'; id: number; file: string }
  | { type: 'rendered'; text: string; ok: boolean; ms: number; pageMs: number }
  | { type: 'open-inspector' }
  | { type: 'open-url'; url: string };

/**
 * "Open in Netron": the real Netron viewer (bundled from the pinned PyPI package) in a webview,
 * driven by ONNX Lab's own host (src/renderers/netron). The model's bytes come from VS Code's file
 * system (remote workspaces too); files beside it (external data) are read on Netron's request.
 */
export class NetronPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly netronDir: vscode.Uri;
  private readonly webviewDir: vscode.Uri;
  private readonly log = vscode.window.createOutputChannel('ONNX Lab: Netron', { log: true });

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly rendered: RenderedViews,
    /** Opens ONNX Lab's own inspector on a model (the fallback when Netron cannot show it). */
    private readonly openInspector: (uri: vscode.Uri) => Thenable<unknown>,
  ) {
    this.netronDir = vscode.Uri.joinPath(extensionUri, 'dist', 'netron');
    this.webviewDir = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  }

  /** Opens (or reveals) Netron on the model at `uri`. */
  async open(uri: vscode.Uri): Promise<vscode.WebviewPanel> {
    const key = uri.toString();
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const name = path.posix.basename(uri.path);
    const panel = vscode.window.createWebviewPanel(NETRON_VIEW_TYPE, `Netron: ${name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [this.webviewDir, this.netronDir],
    });
    this.panels.set(key, panel);
    const t0 = Date.now();
    const { webview } = panel;
    const post = (m: ToNetronView) => webview.postMessage(m);
    const subscription = webview.onDidReceiveMessage(async (m: FromNetronView) => {
      switch (m?.type) {
        case 'ready':
          return post(await this.readModel(uri, name));
        case 'fetch':
          return post({ type: 'fetched', id: m.id, ...(await this.readBeside(uri, m.file)) });
        case 'rendered':
          this.log.info(`${name}: ${m.ok ? 'rendered' : 'not rendered'} ${m.ms} ms after the bytes arrived, ${m.pageMs} ms after the page's script started, ${Date.now() - t0} ms after the panel opened`);
          this.rendered.report({ view: 'netron', uri: key, text: m.text });
          return;
        case 'open-inspector':
          return this.openInspector(uri);
        case 'open-url':
          // Netron's links (operator docs, its repository) open outside, after VS Code asks; never in the webview.
          if (/^https?:\/\//i.test(m.url)) return vscode.env.openExternal(vscode.Uri.parse(m.url, true));
          return;
      }
    });
    panel.onDidDispose(() => {
      subscription.dispose();
      this.panels.delete(key);
    });
    webview.html = this.html(webview, name, await this.bundle());
    return panel;
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.log.dispose();
  }

  private async readModel(uri: vscode.Uri, name: string): Promise<ToNetronView> {
    try {
      return { type: 'model', name, bytes: plainBytes(await vscode.workspace.fs.readFile(uri)) };
    } catch (e) {
      return { type: 'model-error', name, message: (e as Error).message };
    }
  }

  /** A file Netron asks for beside the model (external data): relative to the model's folder, never outside it. */
  private async readBeside(model: vscode.Uri, file: string): Promise<{ bytes?: Uint8Array; error?: string }> {
    const parts = String(file).split(/[\\/]+/).filter((p) => p && p !== '.');
    if (!parts.length || /^[a-z]+:/i.test(file) || file.startsWith('/') || file.startsWith('\\') || parts.includes('..')) {
      return { error: `'${file}' is not a path beside the model.` };
    }
    const target = vscode.Uri.joinPath(model, '..', ...parts);
    try {
      return { bytes: plainBytes(await vscode.workspace.fs.readFile(target)) };
    } catch (e) {
      return { error: e instanceof vscode.FileSystemError && e.code === 'FileNotFound' ? 'File not found.' : (e as Error).message };
    }
  }

  /** Netron's page parts from dist/netron/index.html, or undefined when Netron is not bundled. */
  private async bundle(): Promise<NetronBundle | undefined> {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(this.netronDir, 'view.js'));
      const text = async (file: string) => new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.netronDir, file)));
      return parseNetronIndex(await text('index.html'), await text('grapher.css'));
    } catch {
      return undefined;
    }
  }

  private html(webview: vscode.Webview, name: string, netron: NetronBundle | undefined): string {
    return netronPageHtml({
      nonce: randomBytes(16).toString('base64'),
      cspSource: webview.cspSource,
      hostScript: webview.asWebviewUri(vscode.Uri.joinPath(this.webviewDir, 'netron-host.js')).toString(),
      netronBase: `${webview.asWebviewUri(this.netronDir).toString().replace(/\/$/, '')}/`,
      name,
      netron,
    });
  }
}

/** A plain Uint8Array over exactly these bytes (a Node Buffer would reach the webview as JSON). */
function plainBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return new Uint8Array(bytes.buffer);
  return new Uint8Array(bytes); // a slice of a shared (pooled) buffer: copy into an ArrayBuffer of its own
}

/** Registers the panel and the "Open in Netron" command. */
export function registerNetron(extensionUri: vscode.Uri, rendered: RenderedViews, inspectorViewType: string): vscode.Disposable[] {
  const panels = new NetronPanels(extensionUri, rendered, (uri) => vscode.commands.executeCommand('vscode.openWith', uri, inspectorViewType));
  return [
    panels,
    vscode.commands.registerCommand(OPEN_IN_NETRON_COMMAND, async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : activeModelUri();
      if (!target) return vscode.window.showErrorMessage('ONNX Lab: choose an .onnx file to open in Netron.');
      await panels.open(target);
    }),
  ];
}

/** The model shown in the active tab (the .onnx inspector or a text editor), if any. */
function activeModelUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) return input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}
