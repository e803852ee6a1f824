/** Colormaps shared by the renderers (canvas) and the kernel (PNG fallbacks), so both draw the same colours. */

export type ColormapName = 'viridis' | 'magma' | 'gray';
export const COLORMAPS: ColormapName[] = ['viridis', 'magma', 'gray'];

// Ten evenly spaced stops of each perceptual map; interpolating them in sRGB stays within a few
// levels of the full 256-entry tables, which is below what a spectrogram shows.
const STOPS: Record<Exclude<ColormapName, 'gray'>, string[]> = {
  viridis: ['440154', '482878', '3e4989', '31688e', '26828e', '1f9e89', '35b779', '6ece58', 'b5de2b', 'fde725'],
  magma: ['000004', '180f3d', '440f76', '721f81', '9e2f7f', 'cd4071', 'f1605d', 'fd9668', 'feca8d', 'fcfdbf'],
};

const lutCache = new Map<ColormapName, Uint32Array>();

/** 256 colours as little-endian RGBA words (ready to write into an ImageData through a Uint32Array view). */
export function colormapLut(name: ColormapName): Uint32Array {
  let lut = lutCache.get(name);
  if (lut) return lut;
  lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r: number, g: number, b: number;
    if (name === 'gray') {
      r = g = b = i;
    } else {
      const stops = STOPS[name];
      const x = (i / 255) * (stops.length - 1);
      const k = Math.min(stops.length - 2, Math.floor(x));
      const f = x - k;
      const c0 = parseInt(stops[k], 16), c1 = parseInt(stops[k + 1], 16);
      const mix = (sh: number) => Math.round(((c0 >> sh) & 255) * (1 - f) + ((c1 >> sh) & 255) * f);
      r = mix(16); g = mix(8); b = mix(0);
    }
    lut[i] = (255 << 24) | (b << 16) | (g << 8) | r;
  }
  lutCache.set(name, lut);
  return lut;
}

