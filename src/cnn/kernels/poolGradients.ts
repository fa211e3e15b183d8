// Max-pool gradient as one loop over tensor memory: each window's gradient goes to its first maximum
// (row-major, as tfjs' cpu backend does). Replaces the wasm backend's MaxPoolGrad, which is slow and
// wrong for overlapping windows with 'same' padding (it disagrees with the definition; see
// test/cnn/poolAndMatMulKernels.test.ts), and beats any composition of wasm kernels (strided slices
// and inner-axis concats are slow there).
import { backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './convGradients';
import { loopKernel } from './hostArrays';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function maxPoolGrad(args: KernelArgs): TensorInfo {
  const { dy, input } = args.inputs;
  const attrs = args.attrs as unknown as PoolAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, outHeight, outWidth, inChannels: ch, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  return loopKernel(args.backend, [input, dy], input.shape, ([xs, dys], dx) => {
    for (let b = 0; b < batchSize; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const h0 = Math.max(0, oh * strideHeight - top);
        const h1 = Math.min(inHeight, oh * strideHeight - top + filterHeight);
        for (let ow = 0; ow < outWidth; ow++) {
          const w0 = Math.max(0, ow * strideWidth - left);
          const w1 = Math.min(inWidth, ow * strideWidth - left + filterWidth);
          const dyBase = ((b * outHeight + oh) * outWidth + ow) * ch;
          for (let c = 0; c < ch; c++) {
            let best = -1;
            let bestValue = -Infinity;
            for (let h = h0; h < h1; h++) {
              for (let w = w0; w < w1; w++) {
                const at = ((b * inHeight + h) * inWidth + w) * ch + c;
                if (xs[at] > bestValue) {
                  bestValue = xs[at];
                  best = at;
                }
              }
            }
            if (best >= 0) dx[best] += dys[dyBase + c];
          }
        }
      }
    }
  });
}
