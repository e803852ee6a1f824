import { LitElement, html, css, nothing, type TemplateResult } from 'lit';
import type { Dim, ModelSummary, ValueSummary } from '../../protocol/model-summary';
import { themeStyles } from './theme';

/**
 * The summary of an ONNX model: inputs, outputs, opsets, metadata, ops. Every string from the model
 * is untrusted and goes through lit's text bindings, never into markup.
 */
export class ModelSummaryView extends LitElement {
  static override properties = {
    summary: { attribute: false },
    error: { attribute: false },
    filter: { state: true },
  };
  static override styles = [
    themeStyles,
    css`
      header { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
      header h1 { font-size: 1.3em; margin: 0 8px 0 0; word-break: break-all; }
      .facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
      .shape { white-space: nowrap; }
      .sym { color: var(--vscode-symbolIcon-variableForeground, #75beff); }
    `,
  ];

  declare summary: ModelSummary | undefined;
  declare error: string | undefined;
  declare filter: string;
  /** Called with the JSON text when the user asks to copy it (a webview routes it to the host's clipboard). */
  onCopy: (text: string) => void = (text) => void navigator.clipboard?.writeText(text);
  /** Set where the host can open the model in Netron (the .onnx editor): shows an "Open in Netron" button. */
  onOpenInNetron: (() => void) | undefined;

  constructor() {
    super();
    this.filter = '';
  }

  override render(): TemplateResult {
    if (this.error) return html`<div class="error" role="alert">${this.error}</div>`;
    const s = this.summary;
    if (!s) return html`<p class="muted">Reading model…</p>`;
    const match = (...texts: (string | undefined)[]) =>
      !this.filter || texts.some((t) => t?.toLowerCase().includes(this.filter.toLowerCase()));
    const metadata = Object.entries(s.metadata).filter(([k, v]) => match(k, v));
    const ops = s.opHistogram.filter(({ op }) => match(op));
    return html`
      <header>
        <h1>${s.file ? basename(s.file) : s.graphName || 'ONNX model'}</h1>
        <input type="search" placeholder="Filter names, metadata, ops" aria-label="Filter"
          .value=${this.filter} @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} />
        <button @click=${() => this.onCopy(JSON.stringify(s, null, 2))} title="Copy the summary as JSON">Copy as JSON</button>
        ${this.onOpenInNetron
          ? html`<button @click=${() => this.onOpenInNetron?.()} title="Show the graph in Netron, bundled with ONNX Lab">Open in Netron</button>`
          : nothing}
      </header>
      <div class="facts">
        <span class="muted">Producer</span><span>${s.producerName || '—'} ${s.producerVersion}</span>
        <span class="muted">IR version</span><span>${s.irVersion}</span>
        <span class="muted">Opsets</span><span>${s.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}</span>
        <span class="muted">Graph</span><span>${s.graphName} · ${s.nodeCount} nodes · ${formatCount(s.parameters.count)} parameters</span>
        ${s.docString ? html`<span class="muted">Doc</span><span>${s.docString}</span>` : nothing}
      </div>
      ${this.tensorTable('Inputs', s.inputs.filter((t) => match(t.name, t.type)))}
      ${this.tensorTable('Outputs', s.outputs.filter((t) => match(t.name, t.type)))}
      <h2>Metadata</h2>
      ${metadata.length
        ? html`<table aria-label="Metadata"><tr><th>Key</th><th>Value</th></tr>
            ${metadata.map(([k, v]) => html`<tr><td class="mono">${k}</td><td class="mono">${v}</td></tr>`)}</table>`
        : html`<p class="muted">No metadata_props.</p>`}
      <h2>Operators</h2>
      <table aria-label="Operators"><tr><th>Op</th><th>Count</th></tr>
        ${ops.map(({ op, count }) => html`<tr><td class="mono">${op}</td><td>${count}</td></tr>`)}</table>
    `;
  }

  private tensorTable(title: string, tensors: ValueSummary[]): TemplateResult {
    return html`<h2>${title}</h2>
      <table aria-label=${title}><tr><th>Name</th><th>Type</th><th>Shape</th></tr>
        ${tensors.map((t) => html`<tr><td class="mono">${t.name}</td><td class="mono">${t.elemType ?? t.type}</td><td class="mono shape">${shapeTemplate(t.shape)}</td></tr>`)}
      </table>`;
  }
}

function shapeTemplate(shape: Dim[] | null): TemplateResult {
  if (!shape) return html`<span class="muted">unknown</span>`;
  return html`[${shape.map((d, i) => html`${i ? ', ' : ''}${typeof d === 'string' ? html`<span class="sym">${d}</span>` : d ?? '?'}`)}]`;
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

if (!customElements.get('onnx-model-summary')) customElements.define('onnx-model-summary', ModelSummaryView);
