// Script of the .onnx editor webview: receives the summary from the extension and draws it.
import type { FromModelEditor, ToModelEditor } from '../protocol/model-summary';
import { ModelSummaryView } from './components/model-summary-view';

declare function acquireVsCodeApi(): { postMessage(m: FromModelEditor): void };

const vscode = acquireVsCodeApi();
const view = new ModelSummaryView();
view.onCopy = (text) => vscode.postMessage({ type: 'copy', text });
view.onOpenInNetron = () => vscode.postMessage({ type: 'open-in-netron' });
document.getElementById('root')!.replaceChildren(view);

window.addEventListener('message', async (event: MessageEvent<ToModelEditor>) => {
  const m = event.data;
  if (m.type === 'summary') view.summary = m.summary;
  else if (m.type === 'error') view.error = `${m.file}: ${m.message}`;
  else return;
  await view.updateComplete;
  // Tests (and screen readers' hosts) learn what the user sees from the rendered text.
  vscode.postMessage({ type: 'rendered', text: view.shadowRoot?.textContent ?? '' });
});
vscode.postMessage({ type: 'ready' });
