// Colour maps as 256-entry RGBA lookup tables (one packed little-endian uint32 per level, ready for an
// ImageData's Uint32Array view). Shared by heat-map overlays and feature maps.

export type ColormapName = 'grey' | 'jet' | 'viridis' | 'hot' | 'inferno';
export const COLORMAPS: readonly ColormapName[] = ['grey', 'jet', 'viridis', 'hot', 'inferno'];

type Stops = [number, number, number][];

// Anchor colours sampled from matplotlib's maps at equal steps; linear interpolation between them.
const STOPS: Record<Exclude<ColormapName, 'grey' | 'jet' | 'hot'>, Stops> = {
  viridis: [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]],
  inferno: [[0, 0, 4], [27, 12, 65], [74, 12, 107], [120, 28, 109], [165, 44, 96], [207, 68, 70], [237, 105, 37], [251, 155, 6], [247, 209, 61], [252, 255, 164]],
};

const clamp255 = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

export const packRgba = (r: number, g: number, b: number, a = 255): number => ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;

function rgbAt(name: ColormapName, t: number): [number, number, number] {
  switch (name) {
    case 'grey':
      return [t * 255, t * 255, t * 255];
    case 'jet':
      return [3, 2, 1].map((peak) => 255 * Math.min(Math.max(1.5 - Math.abs(4 * t - peak), 0), 1)) as [number, number, number];
    case 'hot':
      return [255 * Math.min(1, 3 * t), 255 * Math.min(1, Math.max(0, 3 * t - 1)), 255 * Math.min(1, Math.max(0, 3 * t - 2))];
    default: {
      const stops = STOPS[name];
      const x = t * (stops.length - 1);
      const i = Math.min(Math.floor(x), stops.length - 2);
      const f = x - i;
      return [0, 1, 2].map((c) => stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f) as [number, number, number];
    }
  }
}

const cache = new Map<ColormapName, Uint32Array>();

export function colormapLut(name: ColormapName): Uint32Array {
  let lut = cache.get(name);
  if (!lut) {
    lut = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      const [r, g, b] = rgbAt(name, i / 255);
      lut[i] = packRgba(clamp255(r), clamp255(g), clamp255(b));
    }
    cache.set(name, lut);
  }
  return lut;
}

export function isColormapName(name: string | undefined): name is ColormapName {
  return COLORMAPS.includes(name as ColormapName);
}

/** Parses '#rgb' / '#rrggbb' (mask colours); other strings fall back to the given colour. */
export function parseHexColor(text: string | undefined, fallback: [number, number, number]): [number, number, number] {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text ?? '');
  if (!m) return fallback;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}
