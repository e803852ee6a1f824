import { LitElement, html, css, nothing, type TemplateResult } from 'lit';
import type { CaseRow, OutputRow, ValidationReportView } from '../../protocol/validation-report';
import { themeStyles } from './theme';

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(2));
const dims = (t?: { dtype: string; dims: number[] }) => (t ? `${t.dtype} [${t.dims.join(', ')}]` : '—');

/**
 * A validation report: verdict, then one table per case with each output's errors against its
 * tolerances. Names come from models and goldens: text bindings only.
 */
export class ValidationReportViewElement extends LitElement {
  static override properties = { report: { attribute: false } };
  static override styles = [
    themeStyles,
    css`
      .verdict { font-weight: 600; font-size: 1.1em; margin: 4px 0 8px; }
      .pass { color: var(--vscode-testing-iconPassed, #388a34); }
      .fail, .missing, .error { color: var(--vscode-testing-iconFailed, #c72e0f); }
      .extra { color: var(--vscode-descriptionForeground, #777); }
      td.num { text-align: right; font-variant-numeric: tabular-nums; }
      h2 { display: flex; gap: 8px; align-items: baseline; }
    `,
  ];
  declare report: ValidationReportView | undefined;

  override render(): TemplateResult {
    const r = this.report;
    if (!r) return html`<p class="muted">No report.</p>`;
    return html`
      <div class="verdict ${r.status}" role="status">
        ${r.error ? html`Could not run: ${r.error}` : html`${r.status.toUpperCase()}: ${r.counts.pass} passed, ${r.counts.fail} failed, ${r.counts.error} could not run`}
      </div>
      <div class="muted">model <span class="mono">${r.model}</span> · golden <span class="mono">${r.golden}</span> · ${(r.ms / 1000).toFixed(2)} s</div>
      ${r.cases.map((c) => this.caseTable(c))}
    `;
  }

  private caseTable(c: CaseRow): TemplateResult {
    return html`<h2><span class=${c.status}>${c.status.toUpperCase()}</span> <span class="mono">${c.name}</span> <span class="muted">${c.ms.toFixed(1)} ms</span></h2>
      ${c.error ? html`<div class="error" role="alert">${c.error}</div>` : nothing}
      ${c.outputs.length
        ? html`<table aria-label=${`Outputs of ${c.name}`}>
            <tr><th>Output</th><th>Result</th><th>Actual</th><th>Golden</th><th>max abs</th><th>max rel</th><th>cosine</th><th>mismatch</th><th>atol / rtol</th><th>passes with atol ≥</th></tr>
            ${c.outputs.map((o) => this.outputRow(o))}
          </table>`
        : nothing}`;
  }

  private outputRow(o: OutputRow): TemplateResult {
    return html`<tr title=${o.reason ?? ''}>
      <td class="mono">${o.name}</td><td class=${o.status}>${o.status}${o.reason && o.status !== 'pass' ? html`<div class="muted">${o.reason}</div>` : nothing}</td>
      <td class="mono">${dims(o.actual)}</td><td class="mono">${dims(o.golden)}</td>
      <td class="num">${fmt(o.maxAbsError)}</td><td class="num">${fmt(o.maxRelError)}</td><td class="num">${fmt(o.cosine)}</td>
      <td class="num">${o.mismatches} (${o.mismatchPct.toFixed(o.mismatchPct && o.mismatchPct < 0.1 ? 3 : 1)}%)</td>
      <td class="num">${fmt(o.tolerance.atol)} / ${fmt(o.tolerance.rtol)}</td><td class="num">${fmt(o.minAtol)}</td>
    </tr>`;
  }
}

if (!customElements.get('onnx-validation-report')) customElements.define('onnx-validation-report', ValidationReportViewElement);
