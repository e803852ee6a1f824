import { LitElement, html, css, nothing, type TemplateResult } from 'lit';
import type { AudioPayload, Region } from '../../protocol/audio-payload';
import { themeStyles } from './theme';
import { linkViews, type TimeView } from './time-view';
// Side-effect imports: they define <onnx-waveform> and <onnx-spectrogram> (the classes are only types here).
import './waveform-view';
import './spectrogram-view';
import type { WaveformView } from './waveform-view';
import type { SpectrogramView } from './spectrogram-view';

/**
 * A waveform above a spectrogram (either may be absent), sharing one time window, cursor and
 * selection. Space in the spectrogram plays through the waveform.
 */
export class AudioView extends LitElement {
  static override properties = {
    payload: { attribute: false },
    regions: { attribute: false },
  };
  static override styles = [themeStyles, css`:host { display: block; } onnx-spectrogram { margin-top: 6px; }`];

  declare payload: AudioPayload | undefined;
  declare regions: Region[] | undefined;

  override render(): TemplateResult {
    const p = this.payload;
    if (!p) return html`<p class="muted">No audio.</p>`;
    const regions = this.regions ?? p.waveform?.header.regions ?? p.spectrogram?.header.regions ?? [];
    return html`
      ${p.waveform ? html`<onnx-waveform .data=${p.waveform} .regions=${regions}></onnx-waveform>` : nothing}
      ${p.spectrogram
        ? html`<onnx-spectrogram .data=${p.spectrogram} .regions=${p.waveform ? [] : regions}
            @keydown=${(e: KeyboardEvent) => this.spectrogramKey(e)}></onnx-spectrogram>`
        : nothing}
    `;
  }

  get waveform(): WaveformView | null {
    return this.renderRoot.querySelector('onnx-waveform');
  }

  get spectrogram(): SpectrogramView | null {
    return this.renderRoot.querySelector('onnx-spectrogram');
  }

  /** Resolves when every child view has drawn once. */
  async drawn(): Promise<void> {
    await this.updateComplete;
    const views = [this.waveform, this.spectrogram].filter((v): v is WaveformView | SpectrogramView => !!v);
    await Promise.all(views.map((v) => v.updateComplete));
  }

  override firstUpdated(): void {
    const views = [this.waveform, this.spectrogram].filter((v) => !!v) as TimeView[];
    if (views.length > 1) linkViews(views);
  }

  private spectrogramKey(e: KeyboardEvent): void {
    if (e.key === ' ' && this.waveform) {
      e.preventDefault();
      this.waveform.togglePlay();
    }
  }
}

if (!customElements.get('onnx-audio-view')) customElements.define('onnx-audio-view', AudioView);
