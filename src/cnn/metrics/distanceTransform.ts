// Exact Euclidean distance transform on a 2-D/3-D grid with anisotropic spacing (Felzenszwalb &
// Huttenlocher 2012: the squared distance is separable, one lower-envelope pass per axis), so surface
// distances cost O(voxels) instead of O(surface²).

/** Squared distance, along one line of `n` samples spaced `spacing` apart, to the nearest sample whose
 *  f is finite (f = current squared distance). Writes the result over f. */
function transformLine(
  f: Float64Array,
  n: number,
  spacing: number,
  hull: Int32Array,
  boundaries: Float64Array,
  out: Float64Array,
): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue;
    const xq = q * spacing;
    // Where q's parabola overtakes the hull's last one; drop hull parabolas it hides entirely.
    let s = -Infinity;
    while (k >= 0) {
      const xv = hull[k] * spacing;
      s = (f[q] + xq * xq - (f[hull[k]] + xv * xv)) / (2 * (xq - xv));
      if (s > boundaries[k]) break;
      k--;
    }
    if (k < 0) s = -Infinity;
    k++;
    hull[k] = q;
    boundaries[k] = s;
  }
  if (k < 0) return;
  let j = 0;
  for (let q = 0; q < n; q++) {
    const xq = q * spacing;
    while (j < k && boundaries[j + 1] < xq) j++;
    const d = xq - hull[j] * spacing;
    out[q] = d * d + f[hull[j]];
  }
  f.set(out.subarray(0, n));
}

/** Euclidean distance from every grid point to the nearest point where `features` is true.
 *  `shape` is row-major (last axis fastest); `spacing` gives the physical step of each axis. */
export function distanceToFeatures(
  features: Uint8Array,
  shape: readonly number[],
  spacing: readonly number[],
): Float64Array {
  const dist = Float64Array.from(features, (v) => (v ? 0 : Infinity));
  const longest = Math.max(...shape);
  const line = new Float64Array(longest);
  const out = new Float64Array(longest);
  const hull = new Int32Array(longest);
  const boundaries = new Float64Array(longest + 1);
  shape.forEach((n, axis) => {
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const lines = dist.length / n;
    for (let l = 0; l < lines; l++) {
      const base = Math.floor(l / stride) * stride * n + (l % stride);
      for (let i = 0; i < n; i++) line[i] = dist[base + i * stride];
      transformLine(line, n, spacing[axis], hull, boundaries, out);
      for (let i = 0; i < n; i++) dist[base + i * stride] = line[i];
    }
  });
  return dist.map(Math.sqrt);
}
