// Notebook renderer for ONNX Lab's vendor mime types (package.json `notebookRenderer`).
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import { MIME } from '../protocol/mime';
import type { ModelSummary } from '../protocol/model-summary';
import type { RendererMessage } from '../protocol/renderer';
import { ModelSummaryView } from './components/model-summary-view';

type Draw = (item: OutputItem, element: HTMLElement) => HTMLElement;

const DRAW: Record<string, Draw> = {
  [MIME.modelSummary]: (item, element) => {
    const view = new ModelSummaryView();
    view.summary = item.json() as ModelSummary;
    element.replaceChildren(view);
    return view;
  },
};

export const activate: ActivationFunction = (context) => ({
  async renderOutputItem(item, element) {
    const draw = DRAW[item.mime];
    if (!draw) {
      element.textContent = `ONNX Lab cannot draw ${item.mime}`;
      return;
    }
    try {
      const view = draw(item, element);
      // With messaging on, the extension learns what was drawn (integration tests assert on it).
      if (context.postMessage && view instanceof ModelSummaryView) {
        await view.updateComplete;
        context.postMessage({ type: 'rendered', outputId: item.id, mime: item.mime, text: view.shadowRoot?.textContent ?? '' } satisfies RendererMessage);
      }
    } catch (e) {
      element.textContent = `ONNX Lab could not draw this output: ${(e as Error).message}`;
    }
  },
  disposeOutputItem(id) {
    // Elements are replaced on re-render; nothing global to free.
    void id;
  },
});
