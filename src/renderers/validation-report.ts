// Script of the validation report webview: draws the report the extension posts.
import type { ValidationReportView } from '../protocol/validation-report';
import { ValidationReportViewElement } from './components/validation-report-view';

declare function acquireVsCodeApi(): { postMessage(m: { type: 'ready' } | { type: 'rendered'; text: string }): void };

const vscode = acquireVsCodeApi();
const view = new ValidationReportViewElement();
document.getElementById('root')!.replaceChildren(view);
window.addEventListener('message', async (event: MessageEvent<{ type: 'report'; report: ValidationReportView }>) => {
  if (event.data?.type !== 'report') return;
  view.report = event.data.report;
  await view.updateComplete;
  vscode.postMessage({ type: 'rendered', text: view.shadowRoot?.textContent ?? '' });
});
vscode.postMessage({ type: 'ready' });
