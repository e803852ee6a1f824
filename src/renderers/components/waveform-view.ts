import { html, nothing, type TemplateResult } from 'lit';
import { sampleScale, type WaveformPart } from '../../protocol/audio-payload';
import { formatSeconds, themeColor } from './plot-utils';
import { TimeView, type PlotRect } from './time-view';

const CHANNEL_GAP = 6;

/**
 * A waveform of every channel: min/max envelopes from the payload's pyramid (cost per draw follows the
 * canvas width, not the length), sample lines and dots when zoomed in, amplitude and time axes, and
 * playback through WebAudio with a moving cursor.
 */
export class WaveformView extends TimeView {
  static override properties = {
    ...TimeView.properties,
    data: { attribute: false },
    playing: { state: true },
    playbackNote: { state: true },
  };

  declare data: WaveformPart | undefined;
  declare playing: boolean;
  declare playbackNote: string;

  private audio?: { ctx: AudioContext; buffer: AudioBuffer };
  private source?: AudioBufferSourceNode;
  private playFrom = 0;
  private playStartedAt = 0;
  private playEnd = 0;
  private raf = 0;

  constructor() {
    super();
    this.playing = false;
    this.playbackNote = '';
    this.plotHeight = 0;
  }

  override get duration(): number {
    const h = this.data?.header;
    return h ? h.frames / h.sampleRate : 0;
  }

  protected get minSpan(): number {
    const h = this.data?.header;
    if (!h) return 1;
    // Zooming stops at ~24 px per sample (or at the finest envelope when samples were left out).
    const px = this.plotRect().w;
    return h.hasSamples ? px / 24 / h.sampleRate : (px * h.pyramidBase) / h.sampleRate / 2;
  }

  protected override get contentHeight(): number {
    if (this.plotHeight > 0) return this.plotHeight;
    const n = this.data?.header.channels ?? 1;
    return n === 1 ? 140 : n * 90 + (n - 1) * CHANNEL_GAP;
  }

  protected get label(): string {
    const h = this.data?.header;
    if (!h) return 'Waveform (no data)';
    return `Waveform${h.title ? ` of ${h.title}` : ''}: ${formatSeconds(this.duration)}, ${h.channels} channel${h.channels === 1 ? '' : 's'}, ${h.sampleRate} Hz`;
  }

  protected override renderToolbar(): TemplateResult {
    const h = this.data?.header;
    return html`
      ${h?.title ? html`<span class="title">${h.title}</span>` : nothing}
      <button class="play" aria-pressed=${this.playing ? 'true' : 'false'} ?disabled=${!h?.hasSamples} @click=${() => this.togglePlay()}
        title="Play from the cursor, or the selection (Space)">${this.playing ? 'Pause' : this.selection ? 'Play selection' : 'Play'}</button>
      <button class="zoom-in" @click=${() => this.zoom(0.5, this.cursor)} title="Zoom in (+)" aria-label="Zoom in">+</button>
      <button class="zoom-out" @click=${() => this.zoom(2, this.cursor)} title="Zoom out (−)" aria-label="Zoom out">−</button>
      <button class="fit" @click=${() => this.fit()} title="Show all (0)">Fit</button>
      <span class="muted">${h ? `${h.sampleRate} Hz · ${h.channels} ch · ${formatSeconds(this.duration)}` : ''}</span>
      <span class="muted playback-note" role="status">${this.playbackNote}</span>
    `;
  }

  protected override onKey(e: KeyboardEvent): void {
    if (e.key === ' ') {
      e.preventDefault();
      this.togglePlay();
      return;
    }
    super.onKey(e);
  }

  /** Channel band c: top and height in CSS pixels. */
  private band(r: PlotRect, c: number, n: number): { top: number; h: number } {
    const h = (r.h - (n - 1) * CHANNEL_GAP) / n;
    return { top: r.y + c * (h + CHANNEL_GAP), h };
  }

  protected drawPlot(ctx: CanvasRenderingContext2D, r: PlotRect, dpr: number): void {
    const part = this.data!;
    const h = part.header;
    const n = h.channels;
    const wave = themeColor(this, '--vscode-charts-blue', '#3794ff');
    const grid = themeColor(this, '--vscode-editorWidget-border', '#c8c8c8');
    const scale = sampleScale(h);
    const cols = Math.max(1, Math.round(r.w * dpr));
    // Samples per device pixel decides between envelope, sample line and sample dots.
    const spp = ((this.viewEnd - this.viewStart) * h.sampleRate) / cols;
    const first = this.viewStart * h.sampleRate;
    for (let c = 0; c < n; c++) {
      const b = this.band(r, c, n);
      const mid = b.top + b.h / 2;
      const yOf = (v: number) => mid - v * scale * (b.h / 2);
      // Amplitude grid (the labels are drawn in the gutter by drawGutter).
      ctx.fillStyle = grid;
      for (const v of [-1, -0.5, 0, 0.5, 1]) ctx.fillRect(r.x, Math.round(mid - v * (b.h / 2)), r.w, v === 0 ? 1 : 0.5);
      ctx.fillStyle = wave;
      ctx.strokeStyle = wave;
      if (spp >= 1 && (spp >= h.pyramidBase || !h.hasSamples) && h.levels > 0) {
        this.drawEnvelope(ctx, r, dpr, c, cols, spp, first, yOf);
      } else if (h.hasSamples) {
        this.drawSamples(ctx, c, spp, yOf, dpr);
      }
    }
  }

  protected override drawGutter(ctx: CanvasRenderingContext2D, r: PlotRect): void {
    const h = this.data?.header;
    if (!h) return;
    const fg = themeColor(this, '--vscode-descriptionForeground', '#666');
    ctx.font = `10px ${themeColor(this, '--vscode-font-family', 'system-ui, sans-serif')}`;
    ctx.fillStyle = fg;
    for (let c = 0; c < h.channels; c++) {
      const b = this.band(r, c, h.channels);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (const v of b.h >= 70 ? [1, 0.5, 0, -0.5, -1] : [1, 0, -1]) {
        const y = b.top + b.h / 2 - v * (b.h / 2);
        ctx.fillText(v === 0 ? '0' : v.toFixed(1), r.x - 6, Math.min(b.top + b.h - 5, Math.max(b.top + 5, y)));
      }
      if (h.channels > 1) {
        ctx.textAlign = 'left';
        ctx.fillText(`ch ${c + 1}`, 2, b.top + b.h / 2);
      }
    }
    ctx.textAlign = 'start';
    ctx.textBaseline = 'alphabetic';
  }

  private drawEnvelope(
    ctx: CanvasRenderingContext2D, r: PlotRect, dpr: number, c: number, cols: number, spp: number, first: number, yOf: (v: number) => number,
  ): void {
    const h = this.data!.header;
    // The coarsest level whose blocks are no wider than a pixel: 1 to 4 blocks are read per column.
    let level = 0, block = h.pyramidBase;
    while (level + 1 < h.levels && block * h.pyramidFactor <= spp) {
      level++;
      block *= h.pyramidFactor;
    }
    const env = this.data!.envelopes[level][c];
    const nb = env.length >> 1;
    const px = 1 / dpr;
    for (let x = 0; x < cols; x++) {
      const s0 = first + x * spp, s1 = s0 + spp;
      let b0 = Math.floor(s0 / block);
      const b1 = Math.min(nb, Math.max(b0 + 1, Math.ceil(s1 / block)));
      if (b0 >= nb || s1 <= 0) continue;
      if (b0 < 0) b0 = 0;
      let lo = env[2 * b0], hi = env[2 * b0 + 1];
      for (let k = b0 + 1; k < b1; k++) {
        if (env[2 * k] < lo) lo = env[2 * k];
        if (env[2 * k + 1] > hi) hi = env[2 * k + 1];
      }
      const yTop = yOf(hi), yBot = yOf(lo);
      ctx.fillRect(r.x + x * px, yTop, px, Math.max(px, yBot - yTop));
    }
  }

  /** Below 16 samples per pixel: a line through the samples, and a dot on each once they are ≥ 4 px apart. */
  private drawSamples(ctx: CanvasRenderingContext2D, c: number, spp: number, yOf: (v: number) => number, dpr: number): void {
    const h = this.data!.header;
    const s = this.data!.samples[c];
    const i0 = Math.max(0, Math.floor(this.viewStart * h.sampleRate) - 1);
    const i1 = Math.min(s.length, Math.ceil(this.viewEnd * h.sampleRate) + 2);
    const xOf = (i: number) => this.timeToX(i / h.sampleRate);
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = i0; i < i1; i++) {
      if (i === i0) ctx.moveTo(xOf(i), yOf(s[i]));
      else ctx.lineTo(xOf(i), yOf(s[i]));
    }
    ctx.stroke();
    // Individual samples become dots once each has several pixels of its own.
    if (spp * dpr < 0.25) {
      const rad = Math.min(3, 0.5 / (spp * dpr) / 2);
      ctx.beginPath();
      for (let i = i0; i < i1; i++) {
        ctx.moveTo(xOf(i) + rad, yOf(s[i]));
        ctx.arc(xOf(i), yOf(s[i]), rad, 0, Math.PI * 2);
      }
      ctx.fill();
    }
  }

  protected describePoint(t: number, y: number): string {
    const h = this.data?.header;
    if (!h) return '';
    const i = Math.min(h.frames - 1, Math.max(0, Math.round(t * h.sampleRate)));
    const r = this.plotRect();
    const n = h.channels;
    const bandH = (r.h - (n - 1) * CHANNEL_GAP) / n;
    const c = Math.min(n - 1, Math.max(0, Math.floor((y * r.h) / (bandH + CHANNEL_GAP))));
    const v = h.hasSamples ? this.data!.samples[c][i] * sampleScale(h) : undefined;
    return `t ${formatSeconds(t)} · sample ${i}${n > 1 ? ` · ch ${c + 1}` : ''}${v !== undefined ? ` · ${v.toFixed(4)}` : ''}`;
  }

  /** Starts playback of [from, to) (default: the selection, else from the cursor to the end). */
  async play(from?: number, to?: number): Promise<void> {
    const part = this.data;
    if (!part) return;
    if (!part.header.hasSamples) {
      this.playbackNote = 'Playback needs the samples, which this output left out.';
      return;
    }
    this.stop();
    const start = from ?? this.selection?.start ?? (this.cursor !== undefined && this.cursor < this.duration ? this.cursor : 0);
    const end = to ?? this.selection?.end ?? this.duration;
    try {
      const a = this.ensureAudio();
      if (a.ctx.state === 'suspended') await a.ctx.resume();
      const src = a.ctx.createBufferSource();
      src.buffer = a.buffer;
      src.connect(a.ctx.destination);
      src.onended = () => {
        if (this.source === src) this.finish();
      };
      src.start(0, start, Math.max(0, end - start));
      this.source = src;
      this.playFrom = start;
      this.playEnd = end;
      this.playStartedAt = a.ctx.currentTime;
      this.playing = true;
      this.playbackNote = '';
      this.dispatchEvent(new CustomEvent('play-state', { detail: { playing: true, from: start, to: end } }));
      const tick = () => {
        if (!this.playing || !this.audio) return;
        const t = Math.min(this.playEnd, this.playFrom + (this.audio.ctx.currentTime - this.playStartedAt));
        this.setCursor(t);
        // Follow the cursor: page the window when it leaves the view.
        if (t > this.viewEnd) this.setView(t, t + (this.viewEnd - this.viewStart));
        this.raf = requestAnimationFrame(tick);
      };
      this.raf = requestAnimationFrame(tick);
    } catch (e) {
      this.playing = false;
      this.playbackNote = `Playback is not available here (${(e as Error).message}).`;
    }
  }

  /** Stops playback, leaving the cursor where it got to. */
  stop(): void {
    if (!this.source) return;
    const src = this.source;
    this.source = undefined;
    try {
      src.stop();
    } catch {
      // already ended
    }
    this.finish();
  }

  togglePlay(): void {
    if (this.playing) this.stop();
    else void this.play();
  }

  private finish(): void {
    cancelAnimationFrame(this.raf);
    this.source = undefined;
    if (this.playing) {
      this.playing = false;
      this.dispatchEvent(new CustomEvent('play-state', { detail: { playing: false } }));
    }
  }

  private ensureAudio(): { ctx: AudioContext; buffer: AudioBuffer } {
    if (this.audio) return this.audio;
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) throw new Error('no WebAudio');
    const part = this.data!;
    const h = part.header;
    const ctx = new Ctor();
    // AudioBuffer takes float samples at the file's rate; WebAudio resamples to the device.
    const buffer = ctx.createBuffer(h.channels, Math.max(1, h.frames), h.sampleRate);
    const scale = sampleScale(h);
    part.samples.forEach((s, c) => {
      if (s instanceof Float32Array) buffer.copyToChannel(s as Float32Array<ArrayBuffer>, c);
      else {
        const f = new Float32Array(s.length);
        for (let i = 0; i < s.length; i++) f[i] = s[i] * scale;
        buffer.copyToChannel(f, c);
      }
    });
    this.audio = { ctx, buffer };
    return this.audio;
  }

  override disconnectedCallback(): void {
    this.stop();
    void this.audio?.ctx.close();
    this.audio = undefined;
    super.disconnectedCallback();
  }
}

if (!customElements.get('onnx-waveform')) customElements.define('onnx-waveform', WaveformView);
