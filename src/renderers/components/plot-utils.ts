/** Helpers shared by the time-based canvas views: tick choice, number formatting, colormaps, theme colours. */

/** Tick positions for [lo, hi] at a 1-2-5 step giving at most `maxTicks` ticks. */
export function niceTicks(lo: number, hi: number, maxTicks: number): { step: number; ticks: number[] } {
  const span = hi - lo;
  if (!(span > 0) || maxTicks < 1) return { step: 0, ticks: [] };
  const raw = span / maxTicks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = mag;
  for (const m of [1, 2, 5, 10]) {
    step = m * mag;
    if (step >= raw) break;
  }
  const ticks: number[] = [];
  // Multiplying (not accumulating) keeps tick values clean of rounding drift.
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) ticks.push(k * step);
  return { step, ticks };
}

/** A time label whose precision follows the tick step: "1:05", "12.5 s", "1.234 s", "250 ms". */
export function formatTime(t: number, step: number): string {
  const digits = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
  if (Math.abs(t) >= 60) {
    // Clock form past a minute; fractional seconds as the step needs them ("29:59.80").
    const whole = Math.floor(t + 1e-9);
    const h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60);
    const sec = (t - h * 3600 - m * 60).toFixed(digits).padStart(digits ? digits + 3 : 2, '0');
    return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
  }
  if (step < 0.01 && Math.abs(t) < 1) return `${(t * 1000).toFixed(Math.max(0, digits - 3))} ms`;
  return `${t.toFixed(digits)} s`;
}

/** A time readout at sample precision for a given rate ("12.345 s", "1:02.500"). */
export function formatSeconds(t: number, digits = 3): string {
  if (Math.abs(t) < 60) return `${t.toFixed(digits)} s`;
  const m = Math.floor(t / 60);
  return `${m}:${(t - m * 60).toFixed(digits).padStart(digits + 3, '0')}`;
}

export function formatHz(hz: number): string {
  if (hz >= 1000) return `${+(hz / 1000).toFixed(hz >= 10000 ? 1 : 2)} kHz`;
  return `${Math.round(hz)} Hz`;
}

export { COLORMAPS, colormapLut, type ColormapName } from '../../protocol/colormaps';

/** CSS colour of a LUT entry, for legends. */
export function lutCss(lut: Uint32Array, i: number): string {
  const v = lut[Math.max(0, Math.min(255, Math.round(i)))];
  return `rgb(${v & 255},${(v >> 8) & 255},${(v >> 16) & 255})`;
}

/** A theme colour: the VS Code variable on the element, else a fallback (canvas cannot resolve var()). */
export function themeColor(el: Element, variable: string, fallback: string): string {
  const v = getComputedStyle(el).getPropertyValue(variable).trim();
  return v || fallback;
}
