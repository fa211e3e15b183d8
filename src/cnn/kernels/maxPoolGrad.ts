// Max-pool gradient as one loop over tensor memory, each window's gradient to its first maximum (row-major, as the
// cpu backend). The wasm backend's own is slow and wrong for overlapping windows with 'same' padding (see
// test/cnn/kernels/poolAndMatMul.test.ts); no composition of wasm kernels is as fast as one pass.
import { backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { loopKernel } from './hostArrays';
import { simdKernelsOf } from './simd/simdKernels';

export interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPoolGrad(args: KernelArgs, backendName: string): TensorInfo {
  const { dy, input } = args.inputs;
  const attrs = args.attrs as unknown as PoolAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  // wasm: the same search in SIMD, four channels at a time, on XNNPACK's thread count
  const simd =
    backendName === 'wasm' && input.dtype === 'float32' && dy.dtype === 'float32'
      ? simdKernelsOf(args.backend)
      : undefined;
  if (simd !== undefined) return simd.maxPoolGrad(input, dy, info);
  const fill = tilesExactly(info) ? tilingMaxPoolGrad(info) : generalMaxPoolGrad(info);
  return loopKernel(args.backend, [input, dy], input.shape, ([xs, dys], dx) => fill(xs, dys, dx));
}

type PoolGradFill = (xs: Float32Array, dys: Float32Array, dx: Float32Array) => void;

/** Windows side by side with no gap, overlap or padding (2×2 pooling with stride 2 on even sides). */
function tilesExactly(info: backend_util.Conv2DInfo): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth, inHeight, inWidth } = info;
  return (
    filterHeight === strideHeight &&
    filterWidth === strideWidth &&
    outHeight * strideHeight === inHeight &&
    outWidth * strideWidth === inWidth &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0
  );
}

/**
 * Tiling windows, all channels of a window at once: every tap is one contiguous run of channels, so the
 * loops stream memory in order, unlike the per-channel search below. Taps are visited in
 * row-major order and only a strictly larger value wins, so the first maximum receives the gradient.
 */
function tilingMaxPoolGrad(info: backend_util.Conv2DInfo): PoolGradFill {
  const { batchSize, outHeight, outWidth, inWidth, inChannels: ch, filterHeight, filterWidth } = info;
  const bestValue = new Float32Array(ch);
  const bestAt = new Int32Array(ch);
  const rowStride = inWidth * ch;
  return (xs, dys, dx) => {
    let dyAt = 0;
    for (let b = 0; b < batchSize; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const rowStart = (b * outHeight + oh) * filterHeight * rowStride;
        for (let ow = 0; ow < outWidth; ow++) {
          const windowStart = rowStart + ow * filterWidth * ch;
          for (let c = 0; c < ch; c++) {
            bestValue[c] = xs[windowStart + c];
            bestAt[c] = windowStart + c;
          }
          for (let h = 0; h < filterHeight; h++) {
            for (let w = h === 0 ? 1 : 0; w < filterWidth; w++) {
              const tap = windowStart + h * rowStride + w * ch;
              for (let c = 0; c < ch; c++) {
                const v = xs[tap + c];
                if (v > bestValue[c]) {
                  bestValue[c] = v;
                  bestAt[c] = tap + c;
                }
              }
            }
          }
          for (let c = 0; c < ch; c++) dx[bestAt[c]] = dys[dyAt + c];
          dyAt += ch;
        }
      }
    }
  };
}

/** Any window shape, stride and padding: each window's gradient goes to its first maximum. */
function generalMaxPoolGrad(info: backend_util.Conv2DInfo): PoolGradFill {
  const {
    batchSize,
    inHeight,
    inWidth,
    outHeight,
    outWidth,
    inChannels: ch,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
  } = info;
  const { top, left } = info.padInfo;
  return (xs, dys, dx) => {
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
  };
}

export const maxPoolGradKernel: RadnbKernel = {
  kernelName: 'MaxPoolGrad',
  backends: ['wasm', 'cpu'],
  kernelFuncFor: (backendName) => (args) => maxPoolGrad(args, backendName),
};
