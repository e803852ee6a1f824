import { LitElement, html, css, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Region } from '../../protocol/audio-payload';
import { themeStyles } from './theme';
import { formatSeconds, formatTime, niceTicks, themeColor } from './plot-utils';

export interface Selection {
  start: number;
  end: number;
}

/** Pixel rectangle of the plot inside the canvas, in CSS pixels. */
export interface PlotRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const GUTTER_LEFT = 56;
const GUTTER_RIGHT = 10;
const AXIS_HEIGHT = 22;
const TOP = 4;

/**
 * Base of the time-based canvas views (waveform, spectrogram): a visible time window with wheel,
 * drag and keyboard pan/zoom, a cursor, a selection, region overlays and a time axis. Subclasses
 * draw the plot and say what lies under the pointer. Views emit `view-change`, `cursor-change` and
 * `selection-change` so a container can keep several of them in step.
 */
export abstract class TimeView extends LitElement {
  static override properties = {
    viewStart: { attribute: false },
    viewEnd: { attribute: false },
    cursor: { attribute: false },
    selection: { attribute: false },
    regions: { attribute: false },
    readout: { state: true },
    plotHeight: { type: Number, attribute: 'plot-height' },
  };

  static override styles = [
    themeStyles,
    css`
      .toolbar { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin-bottom: 4px; min-height: 24px; }
      .toolbar .title { font-weight: 600; margin-right: 6px; }
      .toolbar button { padding: 2px 8px; }
      .toolbar button[aria-pressed='true'] { outline: 1px solid var(--vscode-focusBorder, #007fd4); }
      .toolbar select, .toolbar input[type='number'] {
        background: var(--vscode-dropdown-background, #fff); color: var(--vscode-dropdown-foreground, inherit);
        border: 1px solid var(--vscode-dropdown-border, #ccc); padding: 1px 4px;
      }
      .toolbar input[type='number'] { width: 5em; }
      .plot { position: relative; outline: none; border: 1px solid transparent; cursor: crosshair; touch-action: none; }
      .plot:focus-visible { border-color: var(--vscode-focusBorder, #007fd4); }
      canvas { display: block; width: 100%; }
      .status { display: flex; gap: 16px; flex-wrap: wrap; min-height: 1.4em; font-variant-numeric: tabular-nums; }
      .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
      .regions { margin: 2px 0 0; padding: 0; list-style: none; display: flex; gap: 10px; flex-wrap: wrap; font-size: 0.9em; }
    `,
  ];

  declare viewStart: number;
  declare viewEnd: number;
  declare cursor: number | undefined;
  declare selection: Selection | undefined;
  declare regions: Region[];
  declare readout: string;
  declare plotHeight: number;

  /** Milliseconds the last draw took, and how many draws happened (tests and the bench read these). */
  lastDrawMs = 0;
  firstDrawMs = 0;
  drawCount = 0;

  private canvas?: HTMLCanvasElement;
  private drawQueued = 0;
  private drag?: { x0: number; t0: number; mode: 'select' | 'pan'; start: number; end: number; moved: boolean; id: number };
  private resize?: ResizeObserver;
  private cssWidth = 0;

  constructor() {
    super();
    this.viewStart = 0;
    this.viewEnd = 0;
    this.regions = [];
    this.readout = '';
    this.plotHeight = 160;
  }

  /** Total length in seconds. */
  abstract get duration(): number;
  /** Smallest visible span in seconds (e.g. a few dozen samples). */
  protected abstract get minSpan(): number;
  /** Accessible name of the plot. */
  protected abstract get label(): string;
  /** Draws the data into `r` for the window [viewStart, viewEnd]. */
  protected abstract drawPlot(ctx: CanvasRenderingContext2D, r: PlotRect, dpr: number): void;
  /** Text for what lies at time t and plot-relative y (0..1 from the top). */
  protected abstract describePoint(t: number, y: number): string;
  /** Draws axis labels left of the plot (outside its clip). */
  protected drawGutter(ctx: CanvasRenderingContext2D, r: PlotRect): void {
    void ctx;
    void r;
  }
  protected renderToolbar(): TemplateResult | typeof nothing {
    return nothing;
  }
  protected get hasData(): boolean {
    return this.duration > 0;
  }
  /** Plot height in CSS pixels (subclasses may size by channel count). */
  protected get contentHeight(): number {
    return this.plotHeight;
  }

  override render(): TemplateResult {
    const sel = this.selection;
    return html`
      <div class="toolbar">${this.renderToolbar()}</div>
      <div class="plot" tabindex="0" role="application" aria-roledescription="time plot" aria-label=${this.label}
        aria-describedby="keys"
        @pointerdown=${this.onPointerDown} @pointermove=${this.onPointerMove} @pointerup=${this.onPointerUp}
        @pointercancel=${this.onPointerUp} @pointerleave=${this.onPointerLeave} @wheel=${this.onWheel} @keydown=${this.onKey}>
        <canvas style=${`height: ${TOP + this.contentHeight + AXIS_HEIGHT}px`}></canvas>
      </div>
      <span id="keys" class="sr-only">Left and Right arrows pan, plus and minus zoom, 0 shows all, Home and End move the cursor,
        Shift with arrows extends the selection, Escape clears it. Drag to select, Shift-drag to pan, Ctrl-wheel to zoom.</span>
      <div class="status">
        <span class="view mono">${this.hasData ? `View ${formatSeconds(this.viewStart)} – ${formatSeconds(this.viewEnd)}` : ''}</span>
        <span class="selection mono" aria-live="polite">${sel ? `Selection ${formatSeconds(sel.start)} – ${formatSeconds(sel.end)} (${formatSeconds(sel.end - sel.start)})` : ''}</span>
        <span class="readout mono">${this.readout}</span>
      </div>
      ${this.regions.length
        ? html`<ul class="regions" aria-label="Regions">${this.regions.map((r) => html`<li><span class="mono">${formatSeconds(r.start, 2)}${r.end !== undefined && r.end > r.start ? ` – ${formatSeconds(r.end, 2)}` : ''}</span> ${r.label ?? ''}</li>`)}</ul>`
        : nothing}
    `;
  }

  override firstUpdated(): void {
    this.canvas = this.renderRoot.querySelector('canvas')!;
    this.resize = new ResizeObserver(() => {
      const w = this.canvas?.clientWidth ?? 0;
      if (w && w !== this.cssWidth) this.requestDraw();
    });
    this.resize.observe(this.canvas);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    cancelAnimationFrame(this.drawQueued);
  }

  override willUpdate(changed: PropertyValues): void {
    // Before rendering, so a new view does not cost a second update (and a second draw before the first paint).
    if (!(this.viewEnd > this.viewStart) && this.hasData) {
      this.viewStart = 0;
      this.viewEnd = this.duration;
    }
    void changed;
  }

  override updated(changed: PropertyValues): void {
    // The first draw is synchronous so the output paints in the frame it was attached; later ones are coalesced.
    if (this.drawCount === 0) this.draw();
    else if ([...changed.keys()].some((k) => k !== 'readout')) this.requestDraw();
  }

  requestDraw(): void {
    if (this.drawQueued) return;
    this.drawQueued = requestAnimationFrame(() => {
      this.drawQueued = 0;
      this.draw();
    });
  }

  /** Plot rectangle in CSS pixels for the current canvas width. */
  protected plotRect(): PlotRect {
    const w = Math.max(50, this.cssWidth - GUTTER_LEFT - GUTTER_RIGHT);
    return { x: GUTTER_LEFT, y: TOP, w, h: this.contentHeight };
  }

  timeToX(t: number): number {
    const r = this.plotRect();
    return r.x + ((t - this.viewStart) / (this.viewEnd - this.viewStart)) * r.w;
  }

  xToTime(x: number): number {
    const r = this.plotRect();
    return this.viewStart + ((x - r.x) / r.w) * (this.viewEnd - this.viewStart);
  }

  /** Draws now (canvas sizing, plot, overlays, axis). */
  draw(): void {
    const canvas = this.canvas;
    if (!canvas) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    this.cssWidth = canvas.clientWidth || this.clientWidth || 800;
    const cssHeight = TOP + this.contentHeight + AXIS_HEIGHT;
    const W = Math.round(this.cssWidth * dpr), H = Math.round(cssHeight * dpr);
    // The CSS height comes from the template, so layout is settled before any view draws (one layout, not one per view).
    if (canvas.width !== W || canvas.height !== H) {
      canvas.width = W;
      canvas.height = H;
    }
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const r = this.plotRect();
    if (this.hasData && this.viewEnd > this.viewStart) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(r.x, r.y, r.w, r.h);
      ctx.clip();
      this.drawPlot(ctx, r, dpr);
      this.drawOverlays(ctx, r);
      ctx.restore();
      this.drawGutter(ctx, r);
      this.drawTimeAxis(ctx, r);
    }
    this.lastDrawMs = performance.now() - t0;
    if (!this.drawCount) this.firstDrawMs = this.lastDrawMs;
    this.drawCount++;
    this.dispatchEvent(new CustomEvent('drawn', { detail: { ms: this.lastDrawMs } }));
  }

  private drawOverlays(ctx: CanvasRenderingContext2D, r: PlotRect): void {
    const accent = themeColor(this, '--vscode-focusBorder', '#007fd4');
    const fg = themeColor(this, '--vscode-foreground', '#1f1f1f');
    ctx.font = `11px ${themeColor(this, '--vscode-font-family', 'system-ui, sans-serif')}`;
    ctx.textBaseline = 'top';
    for (const reg of this.regions) {
      const x0 = this.timeToX(reg.start);
      const color = reg.color ?? accent;
      if (reg.end !== undefined && reg.end > reg.start) {
        const x1 = this.timeToX(reg.end);
        if (x1 < r.x || x0 > r.x + r.w) continue;
        ctx.globalAlpha = 0.18;
        ctx.fillStyle = color;
        ctx.fillRect(x0, r.y, x1 - x0, r.h);
        ctx.globalAlpha = 1;
      } else if (x0 < r.x || x0 > r.x + r.w) continue;
      ctx.fillStyle = color;
      ctx.fillRect(Math.round(x0), r.y, 1, r.h);
      // Canvas text is inert: a label from a model can never become markup here.
      if (reg.label) {
        ctx.fillStyle = fg;
        ctx.fillText(reg.label, x0 + 3, r.y + 2, 200);
      }
    }
    const sel = this.selection;
    if (sel) {
      const x0 = this.timeToX(sel.start), x1 = this.timeToX(sel.end);
      ctx.globalAlpha = 0.25;
      ctx.fillStyle = themeColor(this, '--vscode-editor-selectionBackground', '#add6ff');
      ctx.fillRect(x0, r.y, Math.max(1, x1 - x0), r.h);
      ctx.globalAlpha = 1;
    }
    if (this.cursor !== undefined) {
      const x = this.timeToX(this.cursor);
      ctx.fillStyle = themeColor(this, '--vscode-editorCursor-foreground', '#d00000');
      ctx.fillRect(Math.round(x) - 0.5, r.y, 1.5, r.h);
    }
  }

  private drawTimeAxis(ctx: CanvasRenderingContext2D, r: PlotRect): void {
    const fg = themeColor(this, '--vscode-descriptionForeground', '#666');
    const { step, ticks } = niceTicks(this.viewStart, this.viewEnd, Math.max(2, Math.floor(r.w / 90)));
    const y = r.y + r.h;
    ctx.strokeStyle = fg;
    ctx.fillStyle = fg;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(r.x, y + 0.5);
    ctx.lineTo(r.x + r.w, y + 0.5);
    ctx.stroke();
    ctx.font = `11px ${themeColor(this, '--vscode-font-family', 'system-ui, sans-serif')}`;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'center';
    for (const t of ticks) {
      const x = Math.round(this.timeToX(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x, y + 4);
      ctx.stroke();
      ctx.fillText(formatTime(t, step), x, y + 6);
    }
    ctx.textAlign = 'start';
  }

  /** Sets the window, clamped to the data and the zoom limits; `emit` tells linked views. */
  setView(start: number, end: number, emit = true): void {
    const dur = this.duration;
    let span = Math.min(dur, Math.max(this.minSpan, end - start));
    if (!(span > 0)) return;
    if (end - start < span) {
      const mid = (start + end) / 2;
      start = mid - span / 2;
    }
    start = Math.max(0, Math.min(dur - span, start));
    span = Math.min(span, dur - start);
    if (start === this.viewStart && start + span === this.viewEnd) return;
    this.viewStart = start;
    this.viewEnd = start + span;
    // What was under the pointer has moved; the next pointer move fills the readout again.
    this.readout = '';
    if (emit) this.dispatchEvent(new CustomEvent('view-change', { detail: { start: this.viewStart, end: this.viewEnd }, bubbles: true, composed: true }));
  }

  /** Zooms by `factor` (< 1 zooms in) keeping time `at` under the same pixel. */
  zoom(factor: number, at = (this.viewStart + this.viewEnd) / 2): void {
    const a = (at - this.viewStart) / (this.viewEnd - this.viewStart);
    const span = Math.min(this.duration, Math.max(this.minSpan, (this.viewEnd - this.viewStart) * factor));
    this.setView(at - a * span, at - a * span + span);
  }

  pan(fraction: number): void {
    const span = this.viewEnd - this.viewStart;
    this.setView(this.viewStart + fraction * span, this.viewEnd + fraction * span);
  }

  fit(): void {
    this.setView(0, this.duration);
  }

  setCursor(t: number | undefined, emit = true): void {
    this.cursor = t === undefined ? undefined : Math.max(0, Math.min(this.duration, t));
    if (emit) this.dispatchEvent(new CustomEvent('cursor-change', { detail: { time: this.cursor }, bubbles: true, composed: true }));
  }

  setSelection(sel: Selection | undefined, emit = true): void {
    this.selection = sel && sel.end > sel.start ? sel : undefined;
    if (emit) this.dispatchEvent(new CustomEvent('selection-change', { detail: this.selection ?? null, bubbles: true, composed: true }));
  }

  private localX(e: PointerEvent | WheelEvent): number {
    return e.clientX - this.canvas!.getBoundingClientRect().left;
  }

  private onPointerDown(e: PointerEvent): void {
    if (!this.hasData || e.button !== 0) return;
    const x = this.localX(e);
    const mode = e.shiftKey || e.altKey ? 'pan' : 'select';
    this.drag = { x0: x, t0: this.xToTime(x), mode, start: this.viewStart, end: this.viewEnd, moved: false, id: e.pointerId };
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    (e.currentTarget as HTMLElement).focus();
  }

  private onPointerMove(e: PointerEvent): void {
    if (!this.hasData) return;
    const x = this.localX(e);
    const d = this.drag;
    if (d) {
      if (Math.abs(x - d.x0) > 3) d.moved = true;
      if (!d.moved) return;
      if (d.mode === 'pan') {
        const dt = ((x - d.x0) / this.plotRect().w) * (d.end - d.start);
        this.setView(d.start - dt, d.end - dt);
      } else {
        const t = Math.max(0, Math.min(this.duration, this.xToTime(x)));
        this.setSelection({ start: Math.min(d.t0, t), end: Math.max(d.t0, t) });
      }
      return;
    }
    const r = this.plotRect();
    const y = e.clientY - this.canvas!.getBoundingClientRect().top;
    if (x < r.x || x > r.x + r.w || y < r.y || y > r.y + r.h) {
      this.readout = '';
      return;
    }
    this.readout = this.describePoint(this.xToTime(x), (y - r.y) / r.h);
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d || e.type === 'pointercancel') return;
    if (!d.moved) {
      this.setCursor(Math.max(0, Math.min(this.duration, d.t0)));
      if (this.selection) this.setSelection(undefined);
    }
  }

  private onPointerLeave(): void {
    if (!this.drag) this.readout = '';
  }

  private onWheel(e: WheelEvent): void {
    if (!this.hasData) return;
    const horizontal = Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey;
    // Plain vertical wheel scrolls the notebook unless the plot has focus (or Ctrl/⌘ is held).
    if (!horizontal && !(e.ctrlKey || e.metaKey || this.matches(':focus-within'))) return;
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    if (horizontal) {
      const dx = (e.shiftKey && !e.deltaX ? e.deltaY : e.deltaX) * unit;
      this.pan(dx / this.plotRect().w);
    } else {
      this.zoom(Math.exp(e.deltaY * unit * 0.002), this.xToTime(this.localX(e)));
    }
  }

  protected onKey(e: KeyboardEvent): void {
    if (!this.hasData) return;
    const span = this.viewEnd - this.viewStart;
    const step = span / this.plotRect().w;
    let handled = true;
    switch (e.key) {
      case 'ArrowLeft':
      case 'ArrowRight': {
        const dir = e.key === 'ArrowLeft' ? -1 : 1;
        if (e.shiftKey) {
          // Extend the selection from the cursor by one pixel's worth of time (ten with Ctrl).
          const anchor = this.selection ? (this.cursor === this.selection.start ? this.selection.end : this.selection.start) : (this.cursor ?? this.viewStart);
          const moving = (this.selection ? (this.cursor ?? anchor) : anchor) + dir * step * (e.ctrlKey ? 10 : 1);
          const t = Math.max(0, Math.min(this.duration, moving));
          this.setSelection({ start: Math.min(anchor, t), end: Math.max(anchor, t) });
          this.setCursor(t);
        } else this.pan(dir * 0.1);
        break;
      }
      case '+':
      case '=':
        this.zoom(0.5, this.cursor !== undefined && this.cursor >= this.viewStart && this.cursor <= this.viewEnd ? this.cursor : undefined);
        break;
      case '-':
      case '_':
        this.zoom(2, this.cursor !== undefined && this.cursor >= this.viewStart && this.cursor <= this.viewEnd ? this.cursor : undefined);
        break;
      case '0':
        this.fit();
        break;
      case 'Home':
        this.setCursor(0);
        this.setView(0, span);
        break;
      case 'End':
        this.setCursor(this.duration);
        this.setView(this.duration - span, this.duration);
        break;
      case 'Escape':
        this.setSelection(undefined);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }
}

/** Keeps views in step: window, cursor and selection changes of one are applied to the others. */
export function linkViews(views: TimeView[]): void {
  for (const v of views) {
    v.addEventListener('view-change', (e) => {
      const { start, end } = (e as CustomEvent).detail;
      for (const o of views) if (o !== v) o.setView(start, end, false);
    });
    v.addEventListener('cursor-change', (e) => {
      for (const o of views) if (o !== v) o.setCursor((e as CustomEvent).detail.time, false);
    });
    v.addEventListener('selection-change', (e) => {
      for (const o of views) if (o !== v) o.setSelection((e as CustomEvent).detail ?? undefined, false);
    });
  }
}
