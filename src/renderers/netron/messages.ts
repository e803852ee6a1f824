/**
 * Messages between the "Open in Netron" panel (src/extension/netron-panel.ts) and its webview.
 * The extension side keeps a copy of these types (the walls keep src/extension from importing
 * src/renderers); change both together.
 */

/** What the webview is sent. Bytes travel as Uint8Array (a Node Buffer would arrive as JSON). */
export type ToNetronView =
  | { type: 'model'; name: string; bytes: Uint8Array }
  | { type: 'model-error'; name: string; message: string }
  /** Answer to a `fetch` (external data beside the model): bytes, or why not. */
  | { type: 'fetched'; id: number; bytes?: Uint8Array; error?: string };

export type FromNetronView =
  | { type: 'ready' }
  | { type: 'fetch'; id: number; file: string }
  /**
   * What the view shows (for tests and logs): the graph's inputs/outputs as Netron drew them, or the
   * message shown instead; ms from the model's bytes arriving, pageMs from the host script starting.
   */
  | { type: 'rendered'; text: string; ok: boolean; ms: number; pageMs: number }
  | { type: 'open-inspector' }
  | { type: 'open-url'; url: string };
