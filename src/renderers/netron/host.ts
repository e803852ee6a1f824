/**
 * ONNX Lab's host for Netron's `view.View` inside a VS Code webview. Netron's view calls its host
 * for the page (window/document), modules, assets, options, workers, messages and telemetry; this
 * host answers from the files bundled in dist/netron and from the extension, and never touches the
 * network: no consent, telemetry or update checks, no navigation, no cookies.
 *
 * Netron is plain JavaScript without types; the shapes used here are the ones its view.js calls.
 */

/** Netron's `view.View` as far as this host uses it. */
export interface NetronView {
  start(): Promise<void>;
  open(context: unknown): Promise<unknown>;
  show(page: string | null): void;
}

/** The parts of the webview API the host needs (kept as callbacks so the host stays testable). */
export interface HostBridge {
  /** Asks the extension for a file beside the model (external data); relative to the model's folder. */
  fetchFile(file: string): Promise<Uint8Array>;
  openURL(url: string): void;
  /** Netron reported an error it shows to the user (its alert): the page shows ours instead. */
  alert(message: string): void;
  /** Shows (text) or clears (undefined) a notice with an optional action button; resolves when it is pressed. */
  notify(text: string | undefined, action?: string): Promise<void>;
  getState(): Record<string, unknown>;
  setState(state: Record<string, unknown>): void;
}

const MODULE_ID = /^[a-z0-9][a-z0-9-]*$/i;
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.json$/i;
/** Netron's base.js (streams, tensors). A constant: the walls check reads literal module names in require calls as packages. */
const BASE_MODULE = 'base';

export class WebviewNetronHost {
  /** Netron keys some behaviour on the host type ('Browser'/'Python' preload other formats, 'Electron' wires menus): ours is neither. */
  readonly type = 'ONNXLab';
  readonly window: Window = window;
  readonly document: Document = document;
  private workerUrl: string | undefined;
  private readonly assets = new Map<string, Promise<string>>();
  /** dagre.js's text, to build the layout worker from; undefined lays out on the page. Set before the view is made. */
  layoutWorkerSource: string | undefined;

  /** @param base URL of the dist/netron folder as the webview sees it, ending in '/'. */
  constructor(
    private readonly base: string,
    readonly version: string,
    private readonly bridge: HostBridge,
  ) {}

  environment(name: string): unknown {
    switch (name) {
      case 'name': return 'Netron';
      case 'menu': return false;
      case 'serial': return this.layoutWorkerSource === undefined;
      case 'platform': return /mac/i.test(navigator.platform) ? 'darwin' : 'linux';
      // 'packaged' makes Netron offer "Report" (an issue URL) on errors: not from inside ONNX Lab.
      case 'packaged': return false;
      case 'repository': return 'https://github.com/lutzroeder/netron';
      case 'agent': return '';
      default: return undefined;
    }
  }

  /** Netron's browser host runs consent, telemetry and update checks here; an embedded host has none. */
  async view(_view: NetronView): Promise<void> {}

  /** The model comes from the extension once the view has started (see main.ts), not from the URL. */
  async start(): Promise<void> {}

  /** Netron's modules (`./onnx`, `./onnx-proto`, ...) from dist/netron, as ES modules. */
  async require(id: string): Promise<unknown> {
    const name = id.replace(/^\.\//, '');
    if (!MODULE_ID.test(name)) throw new Error(`Invalid module '${id}'.`);
    return import(/* @vite-ignore */ `${this.base}${name}.js`);
  }

  /**
   * Netron's layout worker. A worker cannot start from a webview resource URL (another origin), so
   * the host builds one from dagre.js's text and a message loop of its own, as a blob module worker.
   */
  worker(id: string): Worker {
    if (id.replace(/^\.\//, '') !== 'worker' || this.layoutWorkerSource === undefined) {
      throw new Error(`Unsupported worker '${id}'.`);
    }
    if (!this.workerUrl) {
      const loop = `
;self.addEventListener('message', (e) => {
  const message = e.data;
  if (!message || message.type !== 'dagre.layout') {
    self.postMessage({ type: 'error', message: 'Unsupported message type.' });
    return;
  }
  try {
    layout(message.nodes, message.edges, message.layout, message.state);
    self.postMessage(message);
  } catch (error) {
    self.postMessage({ type: 'error', message: String(error && error.message || error) });
  }
});
`;
      this.workerUrl = URL.createObjectURL(new Blob([this.layoutWorkerSource, loop], { type: 'text/javascript' }));
    }
    return new Worker(this.workerUrl, { type: 'module', name: 'netron-layout' });
  }

  /** Netron's metadata files (onnx-metadata.json, ...) as text, from dist/netron; read once per page. */
  asset(file: string): Promise<string> {
    if (!ASSET_NAME.test(file)) return Promise.reject(new Error(`Invalid asset '${file}'.`));
    let text = this.assets.get(file);
    if (!text) {
      text = fetch(`${this.base}${file}`).then((response) => {
        if (!response.ok) throw new Error(`Asset '${file}' is not bundled.`);
        return response.text();
      });
      text.catch(() => this.assets.delete(file));
      this.assets.set(file, text);
    }
    return text;
  }

  /** Starts loading what opening an ONNX model needs (modules, the 5 MB operator metadata) while the bytes are on their way. */
  preloadOnnx(): void {
    for (const id of ['onnx', 'onnx-proto', 'protobuf']) this.require(id).catch(() => undefined);
    this.asset('onnx-metadata.json').catch(() => undefined);
  }

  /** Files beside the model (external data): asked of the extension. `base` is Netron's folder hint, unused: paths are relative to the model. */
  async fetch(file: string, encoding: string | null | undefined, _base?: string): Promise<unknown> {
    const bytes = await this.bridge.fetchFile(file);
    if (encoding) return new TextDecoder(encoding).decode(bytes);
    return this.stream(bytes);
  }

  /** A Netron `BinaryStream` over bytes (its base.js, the instance its view imports). */
  async stream(bytes: Uint8Array): Promise<unknown> {
    const netronBase = (await this.require(BASE_MODULE)) as { BinaryStream: new (b: Uint8Array) => unknown };
    return new netronBase.BinaryStream(bytes);
  }

  /**
   * Netron's notices: (text, alert=true, action) for errors, (text, null, 'Cancel') for a long layout,
   * and no arguments to clear a notice.
   */
  async message(text?: string, alert?: boolean | null, action?: string): Promise<number> {
    if (alert) {
      this.bridge.alert(text ?? 'Netron reported an error.');
      return 0;
    }
    await this.bridge.notify(text, action);
    return 0;
  }

  exception(error: unknown, fatal?: boolean): void {
    console.error(`Netron${fatal ? ' (fatal)' : ''}:`, error);
  }

  /** Netron's telemetry sink: dropped. */
  event(_name: string, _params?: unknown): void {}

  get(name: string): unknown {
    const options = this.bridge.getState().netron as Record<string, unknown> | undefined;
    return options?.[name];
  }

  set(name: string, value: unknown): void {
    const state = this.bridge.getState();
    this.bridge.setState({ ...state, netron: { ...(state.netron as object | undefined), [name]: value } });
  }

  delete(name: string): void {
    const state = this.bridge.getState();
    const netron = { ...(state.netron as Record<string, unknown> | undefined) };
    delete netron[name];
    this.bridge.setState({ ...state, netron });
  }

  /** Electron menu state: nothing to update here. */
  update(_values: unknown): void {}

  /** Menu commands (open, about, fullscreen, ...): the menu is hidden and the extension opens models. */
  async execute(_name: string): Promise<void> {}

  /** Never navigates the webview: the extension decides (http(s) links open outside, after VS Code asks). */
  openURL(url: string): void {
    this.bridge.openURL(String(url));
  }

  /** Saving tensors / exporting images is not offered in the embedded view (a null file name means "cancelled"). */
  async save(_name: string, _extension: string, _defaultPath: string): Promise<string | null> {
    return null;
  }

  async export(_file: string, _blob: Blob): Promise<void> {}
}

/**
 * What Netron's view opens: a named model over a stream of its bytes, with the host behind it for
 * assets, modules and files beside the model.
 */
export class BytesContext {
  constructor(
    private readonly host: WebviewNetronHost,
    readonly identifier: string,
    readonly stream: unknown,
  ) {}

  get name(): string {
    return this.identifier;
  }

  asset(file: string): Promise<string> {
    return this.host.asset(file);
  }

  fetch(file: string, encoding?: string | null, base?: string): Promise<unknown> {
    return this.host.fetch(file, encoding, base);
  }

  require(id: string): Promise<unknown> {
    return this.host.require(id);
  }

  error(error: unknown, fatal?: boolean): void {
    this.host.exception(error, fatal);
  }
}
