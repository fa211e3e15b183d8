// Tile as block copies: tfjs' batch-norm gradient tiles per-channel statistics over whole activations, and the
// wasm backend's Tile computes an index per element. The input is placed once, then each axis is filled by
// doubling copies of what is there (copyWithin is a memmove).
import { util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { loopKernel } from './hostArrays';
import { shippedKernel } from './kernelCalls';

/** Writes `x` (of `shape`) tiled `reps` times along each axis into `out`. */
export function tileInto(x: Float32Array, shape: number[], reps: number[], out: Float32Array): void {
  const outShape = shape.map((n, i) => n * reps[i]);
  const outStrides = [...util.computeStrides(outShape), 1]; // tfjs leaves out the last axis' stride
  const rank = shape.length;
  if (x.length === 0) return;
  // every index over the leading axes < `axes` within the input's extent, as an offset into `out`
  const corners = (axes: number): number[] => {
    let offsets = [0];
    for (let a = 0; a < axes; a++)
      offsets = offsets.flatMap((o) => Array.from({ length: shape[a] }, (_, i) => o + i * outStrides[a]));
    return offsets;
  };
  // 1. the input at the start of each of its rows in the output
  const row = rank === 0 ? 1 : shape[rank - 1];
  corners(Math.max(0, rank - 1)).forEach((offset, r) => out.set(x.subarray(r * row, (r + 1) * row), offset));
  // 2. from the last axis to the first, repeat the filled block along that axis
  for (let a = rank - 1; a >= 0; a--) {
    if (reps[a] === 1) continue;
    const block = shape[a] * outStrides[a];
    const total = block * reps[a];
    for (const offset of corners(a)) {
      for (let filled = block; filled < total; filled *= 2)
        out.copyWithin(offset + filled, offset, offset + Math.min(filled, total - filled));
    }
  }
}

/** radnb's Tile for float32 tensors; other dtypes go to the backend's own kernel. */
function tileFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const fallback = shippedKernel('Tile', backendName, shipped);
  return (args) => {
    const { x } = args.inputs;
    const { reps } = args.attrs as unknown as { reps: number[] };
    if (x.dtype !== 'float32') return fallback(args);
    const outShape = x.shape.map((n, i) => n * reps[i]);
    return loopKernel(args.backend, [x], outShape, ([values], out) => tileInto(values, x.shape, reps, out));
  };
}

export const tileKernel: RadnbKernel = { kernelName: 'Tile', backends: ['wasm', 'cpu'], kernelFuncFor: tileFor };
