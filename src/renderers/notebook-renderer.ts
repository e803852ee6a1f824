// Notebook renderer for ONNX Lab's vendor mime types (package.json `notebookRenderer`).
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import { MIME } from '../protocol/mime';
import type { ModelSummary } from '../protocol/model-summary';
import type { RendererMessage } from '../protocol/renderer';
import { ModelSummaryView } from './components/model-summary-view';
import { decodeAudioPayload } from '../protocol/audio-payload';
import { AudioView } from './components/audio-view';
import { ValidationReportViewElement } from './components/validation-report-view';
import type { ValidationReportView } from '../protocol/validation-report';

type Draw = (item: OutputItem, element: HTMLElement) => HTMLElement;

const DRAW: Record<string, Draw> = {
  [MIME.modelSummary]: (item, element) => {
    const view = new ModelSummaryView();
    view.summary = item.json() as ModelSummary;
    element.replaceChildren(view);
    return view;
  },
  [MIME.waveform]: drawAudio,
  [MIME.spectrogram]: drawAudio,
  [MIME.validationReport]: (item, element) => {
    const view = new ValidationReportViewElement();
    view.report = item.json() as ValidationReportView;
    element.replaceChildren(view);
    return view;
  },
};

function drawAudio(item: OutputItem, element: HTMLElement): HTMLElement {
  const view = new AudioView();
  view.payload = decodeAudioPayload(item.data());
  element.replaceChildren(view);
  return view;
}

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
      if (context.postMessage && (view instanceof ModelSummaryView || view instanceof ValidationReportViewElement)) {
        await view.updateComplete;
        context.postMessage({ type: 'rendered', outputId: item.id, mime: item.mime, text: view.shadowRoot?.textContent ?? '' } satisfies RendererMessage);
      } else if (context.postMessage && view instanceof AudioView) {
        await view.drawn();
        // What a person reads: each view's accessible label (length, channels, bands).
        const text = [view.waveform, view.spectrogram].map((v) => v?.renderRoot.querySelector('.plot')?.getAttribute('aria-label') ?? '').filter(Boolean).join('\n');
        context.postMessage({ type: 'rendered', outputId: item.id, mime: item.mime, text } satisfies RendererMessage);
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
