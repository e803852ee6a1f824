import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { maxPoolFrames, type SpectrogramPart } from '../../protocol/audio-payload';
import { COLORMAPS, colormapLut, formatHz, formatSeconds, lutCss, niceTicks, themeColor, type ColormapName } from './plot-utils';
import { TimeView, type PlotRect } from './time-view';

/** Frames per tile; a tile is one canvas of TILE columns × display rows. */
const TILE = 512;
/** Each overview level keeps the max of this many columns of the level below. */
const LEVEL_FACTOR = 4;

interface Level {
  factor: number;
  cols: number;
  /** Bin-major [bins, cols], in the payload's storage type (u16 levels stay quantised: max commutes with it). */
  data: Float32Array | Uint16Array;
}

/**
 * A spectrogram (any core preset or a linear STFT) drawn from canvas tiles: each level of a max-pooled
 * overview pyramid is cut into tiles of TILE columns that are colour-mapped only when first seen, so
 * a long input costs a few overview tiles at first paint and zooming only maps what comes into view.
 */
export class SpectrogramView extends TimeView {
  static override properties = {
    ...TimeView.properties,
    data: { attribute: false },
    colormap: { type: String },
    floor: { type: Number },
    ceiling: { type: Number },
    frequencyAxis: { type: String, attribute: 'frequency-axis' },
  };

  declare data: SpectrogramPart | undefined;
  declare colormap: ColormapName;
  /** Values at or below floor get the first colour, at or above ceiling the last. */
  declare floor: number;
  declare ceiling: number;
  /** 'native': rows as the payload spaces them (mel or linear); 'log': a linear spectrogram on a log-Hz axis. */
  declare frequencyAxis: 'native' | 'log';

  private levels: Level[] = [];
  private tiles = new Map<string, HTMLCanvasElement>();
  private tileKey = '';
  /** Display row (0 = top) → source bin. */
  private rowSrc: Int32Array = new Int32Array(0);
  private levelSource?: SpectrogramPart;

  constructor() {
    super();
    this.colormap = 'viridis';
    this.floor = NaN;
    this.ceiling = NaN;
    this.frequencyAxis = 'native';
    this.plotHeight = 200;
  }

  get duration(): number {
    const h = this.data?.header;
    return h ? h.audioSeconds ?? h.frames * h.hopSeconds : 0;
  }

  protected get minSpan(): number {
    const h = this.data?.header;
    // Down to ~32 px per frame.
    return h ? (this.plotRect().w / 32) * h.hopSeconds : 1;
  }

  protected get label(): string {
    const h = this.data?.header;
    if (!h) return 'Spectrogram (no data)';
    return `${h.scale === 'mel' ? 'Mel spectrogram' : 'Spectrogram'}${h.title ? ` of ${h.title}` : ''}: ${h.bins} ${h.scale === 'mel' ? 'mel bands' : 'bins'}, ${h.frames} frames, ${formatSeconds(this.duration)}, values in ${h.unit}`;
  }

  /** Effective colour range (defaults: the top 80 dB for dB values, else the data range). */
  get range(): { lo: number; hi: number } {
    const h = this.data?.header;
    if (!h) return { lo: 0, hi: 1 };
    const hi = Number.isFinite(this.ceiling) ? this.ceiling : h.max;
    const lo = Number.isFinite(this.floor) ? this.floor : h.unit === 'dB' ? Math.max(h.min, hi - 80) : h.min;
    return { lo, hi: hi > lo ? hi : lo + 1e-6 };
  }

  protected override renderToolbar(): TemplateResult {
    const h = this.data?.header;
    const lut = colormapLut(this.colormap);
    const gradient = `linear-gradient(to right, ${[0, 64, 128, 192, 255].map((i) => lutCss(lut, i)).join(', ')})`;
    const { lo, hi } = this.range;
    const num = (v: number) => +v.toFixed(2);
    return html`
      ${h?.title ? html`<span class="title">${h.title}</span>` : nothing}
      <label class="muted">Colormap <select class="colormap" aria-label="Colormap" @change=${(e: Event) => (this.colormap = (e.target as HTMLSelectElement).value as ColormapName)}>
        ${COLORMAPS.map((c) => html`<option value=${c} ?selected=${c === this.colormap}>${c}</option>`)}</select></label>
      <label class="muted">Range <input class="floor" type="number" step="1" aria-label=${`Colour floor (${h?.unit ?? ''})`} .value=${String(num(lo))}
        @change=${(e: Event) => (this.floor = parseFloat((e.target as HTMLInputElement).value))} /></label>
      <span class="colorbar" aria-hidden="true" style="display:inline-block;width:80px;height:10px;background:${gradient}"></span>
      <input class="ceiling" type="number" step="1" aria-label=${`Colour ceiling (${h?.unit ?? ''})`} .value=${String(num(hi))}
        @change=${(e: Event) => (this.ceiling = parseFloat((e.target as HTMLInputElement).value))} />
      <span class="muted">${h?.unit ?? ''}</span>
      ${h?.scale === 'linear'
        ? html`<label class="muted">Axis <select class="axis" aria-label="Frequency axis" @change=${(e: Event) => (this.frequencyAxis = (e.target as HTMLSelectElement).value as 'native' | 'log')}>
            <option value="native" ?selected=${this.frequencyAxis === 'native'}>linear</option><option value="log" ?selected=${this.frequencyAxis === 'log'}>log</option></select></label>`
        : nothing}
      <button class="zoom-in" @click=${() => this.zoom(0.5, this.cursor)} aria-label="Zoom in" title="Zoom in (+)">+</button>
      <button class="zoom-out" @click=${() => this.zoom(2, this.cursor)} aria-label="Zoom out" title="Zoom out (−)">−</button>
      <button class="fit" @click=${() => this.fit()} title="Show all (0)">Fit</button>
      <span class="muted">${h ? `${h.preset ? `${h.preset} · ` : ''}${h.bins} ${h.scale === 'mel' ? 'mels' : 'bins'} · hop ${+(h.hopSeconds * 1000).toFixed(2)} ms` : ''}</span>
    `;
  }

  override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('data') && this.data !== this.levelSource) {
      this.levelSource = this.data;
      this.levels = [];
      this.tiles.clear();
      this.tileKey = '';
    }
  }

  /** Level 0 is the data as stored; level k keeps the max of LEVEL_FACTOR^k frames, built from the finest level already made. */
  private level(k: number): Level {
    const part = this.data!;
    const h = part.header;
    if (!this.levels[0]) {
      this.levels[0] = { factor: 1, cols: h.frames, data: part.values };
      // The kernel's overview is a level of its own: long views start from it instead of the full data.
      const f = h.overviewFactor ?? 1;
      const lv = Math.round(Math.log(f) / Math.log(LEVEL_FACTOR));
      if (part.overview && f > 1 && LEVEL_FACTOR ** lv === f) this.levels[lv] = { factor: f, cols: Math.ceil(h.frames / f), data: part.overview };
    }
    if (this.levels[k]) return this.levels[k];
    let from = k - 1;
    while (!this.levels[from]) from--;
    const prev = this.levels[from];
    const F = LEVEL_FACTOR ** (k - from);
    const cols = Math.ceil(prev.cols / F);
    const data = maxPoolFrames(prev.data, h.bins, prev.cols, F);
    return (this.levels[k] = { factor: prev.factor * F, cols, data });
  }

  /** Stored value → colour index (0-255) for the current range; u16 data uses a 65536-entry table. */
  private colourIndex(): (v: number) => number {
    const h = this.data!.header;
    const { lo, hi } = this.range;
    if (h.valueFormat === 'u16') {
      const table = new Uint8Array(65536);
      const q = (h.max - h.min) / 65535, k = 255 / (hi - lo);
      for (let i = 0; i < 65536; i++) {
        const c = (h.min + i * q - lo) * k;
        table[i] = c < 0 ? 0 : c > 255 ? 255 : c | 0;
      }
      return (v) => table[v];
    }
    const k = 255 / (hi - lo);
    return (v) => {
      const c = (v - lo) * k;
      return c < 0 ? 0 : c > 255 ? 255 : c | 0;
    };
  }

  /** The value (in the header's unit) of bin b at frame t. */
  valueAt(b: number, t: number): number {
    const part = this.data!;
    const h = part.header;
    const v = part.values[b * h.frames + t];
    return h.valueFormat === 'u16' ? h.min + (v * (h.max - h.min)) / 65535 : v;
  }

  /** Which source bin each display row shows (top row first). */
  private rowMap(): Int32Array {
    const part = this.data!;
    const bins = part.header.bins;
    if (this.frequencyAxis === 'log' && part.header.scale === 'linear' && bins > 2) {
      const rows = Math.min(512, bins);
      const f = part.binHz;
      const lo = Math.max(f[1] > 0 ? f[1] : 1, 20), hi = f[bins - 1];
      const map = new Int32Array(rows);
      for (let y = 0; y < rows; y++) {
        const hz = lo * (hi / lo) ** (1 - (y + 0.5) / rows);
        map[y] = Math.max(0, Math.min(bins - 1, Math.round(this.binOfHz(hz))));
      }
      return map;
    }
    const map = new Int32Array(bins);
    for (let y = 0; y < bins; y++) map[y] = bins - 1 - y;
    return map;
  }

  /** Fractional bin index of a frequency (piecewise linear between bin centres). */
  binOfHz(hz: number): number {
    const f = this.data!.binHz;
    const n = f.length;
    if (hz <= f[0]) return 0;
    if (hz >= f[n - 1]) return n - 1;
    let lo = 0, hi = n - 1;
    while (hi - lo > 1) {
      const m = (lo + hi) >> 1;
      if (f[m] <= hz) lo = m;
      else hi = m;
    }
    return lo + (hz - f[lo]) / (f[hi] - f[lo] || 1);
  }

  /** Display y fraction (0 top .. 1 bottom) of a frequency. */
  private yFracOfHz(hz: number): number {
    const part = this.data!;
    const bins = part.header.bins;
    if (this.frequencyAxis === 'log' && part.header.scale === 'linear' && bins > 2) {
      const f = part.binHz;
      const lo = Math.max(f[1] > 0 ? f[1] : 1, 20), hi = f[bins - 1];
      return 1 - Math.log(hz / lo) / Math.log(hi / lo);
    }
    return 1 - (this.binOfHz(hz) + 0.5) / bins;
  }

  private tile(level: number, index: number): HTMLCanvasElement {
    const key = `${level}:${index}`;
    let canvas = this.tiles.get(key);
    if (canvas) return canvas;
    const L = this.level(level);
    const rows = this.rowSrc;
    const c0 = index * TILE, w = Math.min(TILE, L.cols - c0);
    canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = rows.length;
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(w, rows.length);
    const px = new Uint32Array(img.data.buffer);
    const lut = colormapLut(this.colormap);
    const colour = this.colourIndex();
    for (let y = 0; y < rows.length; y++) {
      const src = rows[y] * L.cols + c0, dst = y * w;
      for (let x = 0; x < w; x++) px[dst + x] = lut[colour(L.data[src + x])];
    }
    ctx.putImageData(img, 0, 0);
    this.tiles.set(key, canvas);
    return canvas;
  }

  protected drawPlot(ctx: CanvasRenderingContext2D, r: PlotRect, dpr: number): void {
    const part = this.data!;
    const h = part.header;
    const { lo, hi } = this.range;
    const key = `${this.colormap}/${lo}/${hi}/${this.frequencyAxis}`;
    if (key !== this.tileKey) {
      this.tiles.clear();
      this.tileKey = key;
      this.rowSrc = this.rowMap();
    }
    // Coarsest level that still has at least one column per device pixel.
    const framesPerPx = (this.viewEnd - this.viewStart) / h.hopSeconds / (r.w * dpr);
    let level = 0;
    while (framesPerPx >= LEVEL_FACTOR ** (level + 1) && Math.ceil(h.frames / LEVEL_FACTOR ** (level + 1)) > 1) level++;
    const L = this.level(level);
    const colSec = h.hopSeconds * L.factor;
    const origin = h.t0 - h.hopSeconds / 2;
    const c0 = Math.max(0, Math.floor((this.viewStart - origin) / colSec));
    const c1 = Math.min(L.cols, Math.ceil((this.viewEnd - origin) / colSec));
    ctx.fillStyle = lutCss(colormapLut(this.colormap), 0);
    ctx.fillRect(r.x, r.y, r.w, r.h);
    // Smoothing only when columns are squeezed; zoomed in, frames stay crisp blocks.
    ctx.imageSmoothingEnabled = (c1 - c0) > r.w * dpr;
    for (let t = Math.floor(c0 / TILE); t * TILE < c1; t++) {
      const tile = this.tile(level, t);
      const s0 = Math.max(c0, t * TILE), s1 = Math.min(c1, t * TILE + tile.width);
      const x0 = this.timeToX(origin + s0 * colSec), x1 = this.timeToX(origin + s1 * colSec);
      ctx.drawImage(tile, s0 - t * TILE, 0, s1 - s0, tile.height, x0, r.y, x1 - x0, r.h);
    }
  }

  protected override drawGutter(ctx: CanvasRenderingContext2D, r: PlotRect): void {
    const part = this.data;
    if (!part) return;
    const h = part.header;
    const fg = themeColor(this, '--vscode-descriptionForeground', '#666');
    ctx.font = `10px ${themeColor(this, '--vscode-font-family', 'system-ui, sans-serif')}`;
    ctx.fillStyle = fg;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const fmin = part.binHz[0], fmax = part.binHz[h.bins - 1];
    let candidates: number[];
    if (h.scale === 'linear' && this.frequencyAxis === 'native') {
      candidates = niceTicks(fmin, fmax, Math.max(2, Math.floor(r.h / 28))).ticks;
    } else {
      candidates = [];
      for (let d = 10; d <= 100000; d *= 10) for (const m of [1, 2, 5]) candidates.push(m * d);
    }
    let lastY = Infinity;
    for (const hz of candidates) {
      if (hz < fmin || hz > fmax) continue;
      const frac = this.yFracOfHz(hz);
      // The log axis starts above 0 Hz: ticks below its lowest row are left out.
      if (frac < 0 || frac > 1) continue;
      const y = r.y + frac * r.h;
      if (lastY - y < 16) continue;
      lastY = y;
      ctx.fillRect(r.x - 4, Math.round(y), 4, 1);
      ctx.fillText(formatHz(hz), r.x - 6, y);
    }
    ctx.save();
    ctx.translate(8, r.y + r.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(h.scale === 'mel' ? 'Hz (mel)' : this.frequencyAxis === 'log' ? 'Hz (log)' : 'Hz', 0, 0);
    ctx.restore();
    ctx.textAlign = 'start';
    ctx.textBaseline = 'alphabetic';
  }

  protected describePoint(t: number, y: number): string {
    const part = this.data;
    if (!part) return '';
    const h = part.header;
    const frame = Math.max(0, Math.min(h.frames - 1, Math.round((t - h.t0) / h.hopSeconds)));
    const rows = this.rowSrc.length ? this.rowSrc : this.rowMap();
    const bin = rows[Math.max(0, Math.min(rows.length - 1, Math.floor(y * rows.length)))];
    const v = this.valueAt(bin, frame);
    return `t ${formatSeconds(t)} · frame ${frame} · ${h.scale === 'mel' ? 'mel' : 'bin'} ${bin} (${formatHz(part.binHz[bin])}) · ${v.toFixed(2)} ${h.unit}`;
  }
}

if (!customElements.get('onnx-spectrogram')) customElements.define('onnx-spectrogram', SpectrogramView);
