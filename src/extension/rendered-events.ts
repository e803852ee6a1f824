import * as vscode from 'vscode';

/** What a webview reported it shows, so integration tests can assert on what the user sees. */
export interface RenderedView {
  /**
   * `model-editor`: the .onnx editor (uri = the model); `notebook-output`: a renderer output (uri = the output id);
   * `netron`: the "Open in Netron" panel (uri = the model; text = the graph inputs/outputs Netron drew, or the message it shows instead).
   */
  view: 'model-editor' | 'notebook-output' | 'validation-report' | 'netron';
  uri: string;
  text: string;
}

export class RenderedViews {
  private readonly emitter = new vscode.EventEmitter<RenderedView>();
  private readonly last = new Map<string, RenderedView>();
  readonly onDidRender = this.emitter.event;

  report(r: RenderedView): void {
    this.last.set(`${r.view}:${r.uri}`, r);
    this.emitter.fire(r);
  }

  /** Resolves with the latest render of `uri` in `view`, waiting up to `timeoutMs` for one. */
  waitFor(view: RenderedView['view'], uri: string, timeoutMs = 15000): Promise<RenderedView> {
    const seen = this.last.get(`${view}:${uri}`);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`no ${view} render of ${uri} within ${timeoutMs} ms`));
      }, timeoutMs);
      const sub = this.onDidRender((r) => {
        if (r.view === view && r.uri === uri) {
          clearTimeout(timer);
          sub.dispose();
          resolve(r);
        }
      });
    });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
