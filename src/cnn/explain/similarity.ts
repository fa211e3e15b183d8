// How alike two heat-maps are: Spearman rank correlation (ties get their mean rank) and SSIM.
import { ssim } from '../metrics/imageQuality';

function ranks(values: Float32Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    for (let k = i; k <= j; k++) out[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's ρ. A constant map (e.g. an explanation that vanished after randomisation) has no ranking:
 *  ρ is then 1 if both maps are the same constant, else 0 — not NaN, which would read as "unknown". */
export function spearman(a: Float32Array, b: Float32Array): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (ra.length + 1) / 2;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < ra.length; i++) {
    cov += (ra[i] - mean) * (rb[i] - mean);
    va += (ra[i] - mean) ** 2;
    vb += (rb[i] - mean) ** 2;
  }
  if (va === 0 || vb === 0) return va === vb && a[0] === b[0] ? 1 : 0;
  return cov / Math.sqrt(va * vb);
}

/** SSIM of two [0, 1] heat-maps of height × width; NaN below the 11×11 window. */
export function heatmapSsim(a: Float32Array, b: Float32Array, height: number, width: number): number {
  if (height <= 10 || width <= 10) return NaN;
  return ssim(a, b, { shape: [height, width], dataRange: 1 });
}
