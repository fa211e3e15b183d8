// Sum and Mean over the leading axes (every axis but the channels: bias gradients, batch-norm statistics) as
// XNNPACK's average pooling with one window as tall as the reduced axes; the wasm backend's reduction first
// transposes them to the end, and a product with a row of ones would repack the data on every call.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { KernelCalls, shippedKernel } from './kernelCalls';

/** The reduced axes when they are exactly 0 … k−1 for some k < rank; otherwise undefined. */
export function leadingAxes(axis: number | number[], rank: number): number | undefined {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort(
    (a, b) => a - b,
  );
  const isPrefix = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  return isPrefix ? axes.length : undefined;
}

function leadingAxesReduceFor(
  kind: 'Sum' | 'Mean',
): (backendName: string, shipped: KernelFunc | undefined) => (args: KernelArgs) => TensorInfo {
  return (backendName, shipped) => {
    const fallback = shippedKernel(kind, backendName, shipped);
    return (args) => {
      const { x } = args.inputs;
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
      const k = leadingAxes(axis, x.shape.length);
      if (x.dtype !== 'float32' || k === undefined) return fallback(args);
      const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
      const kept = x.shape.slice(k);
      const columns = kept.reduce((a, b) => a * b, 1);
      const c = new KernelCalls(args.backend, backendName);
      const image = c.reshape(x, [1, rows, 1, columns]);
      const mean = c.run('AvgPool', { x: image }, { filterSize: [rows, 1], strides: [rows, 1], pad: 'valid' });
      const scale = c.run('Fill', {}, { shape: [], value: rows, dtype: 'float32' });
      const reduced = kind === 'Sum' ? c.run('Multiply', { a: mean, b: scale }) : c.retain(mean);
      const out = c.reshape(reduced, keepDims ? [...x.shape.slice(0, k).map(() => 1), ...kept] : kept);
      c.free(image, mean, scale, reduced);
      return out;
    };
  };
}

export const sumKernel: RadnbKernel = {
  kernelName: 'Sum',
  backends: ['wasm'],
  kernelFuncFor: leadingAxesReduceFor('Sum'),
};
export const meanKernel: RadnbKernel = {
  kernelName: 'Mean',
  backends: ['wasm'],
  kernelFuncFor: leadingAxesReduceFor('Mean'),
};
