// Shared geometry of the composed convolution gradients: where each filter tap reads the input, and how
// the output gradient is spread back onto input positions. Only NHWC (channels last) is handled, as in
// the wasm backend's own convolutions.
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { loopKernel } from './hostArrays';
import type { KernelCalls } from './kernelCalls';

export type Conv2DInfo = backend_util.Conv2DInfo;

export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function convInfo(
  kernelName: string,
  inShape: number[],
  filterShape: number[],
  attrs: ConvAttrs,
  depthwise: boolean,
): Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw new Error(`radnb ${kernelName}: dataFormat 'NCHW' is not supported; use channels last (NHWC)`);
  }
  return backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
}

/** The input padded (or cropped) to exactly the rows and columns that the filter taps read. */
export function paddedInput(c: KernelCalls, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  const rows = info.effectiveFilterHeight + (info.outHeight - 1) * info.strideHeight;
  const cols = info.effectiveFilterWidth + (info.outWidth - 1) * info.strideWidth;
  const { top, left } = info.padInfo;
  return c.padOrCrop(x, [
    [0, 0],
    [top, rows - top - info.inHeight],
    [left, cols - left - info.inWidth],
    [0, 0],
  ]);
}

/** What filter tap (kh, kw) sees of the padded input: [batch, outHeight, outWidth, inChannels]. */
export function tapSlice(c: KernelCalls, padded: TensorInfo, info: Conv2DInfo, kh: number, kw: number): TensorInfo {
  const row = kh * info.dilationHeight;
  const col = kw * info.dilationWidth;
  return c.stridedSlice(
    padded,
    [0, row, col, 0],
    [
      padded.shape[0],
      row + (info.outHeight - 1) * info.strideHeight + 1,
      col + (info.outWidth - 1) * info.strideWidth + 1,
      padded.shape[3],
    ],
    [1, info.strideHeight, info.strideWidth, 1],
  );
}

/** Rows and columns to add around the spread output gradient (negative: to crop) for the input gradient. */
export function outputGradientPadding(info: Conv2DInfo, outH: number, outW: number): Array<[number, number]> {
  const top = info.effectiveFilterHeight - 1 - info.padInfo.top;
  const left = info.effectiveFilterWidth - 1 - info.padInfo.left;
  const bottom = info.inHeight + info.effectiveFilterHeight - 1 - top - outH * info.strideHeight;
  const right = info.inWidth + info.effectiveFilterWidth - 1 - left - outW * info.strideWidth;
  return [
    [top, bottom],
    [left, right],
  ];
}

/** The output gradient placed on the input grid: zeros between strided positions. */
export function spreadOnInputGrid(c: KernelCalls, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const [batch, outH, outW, channels] = dy.shape;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  if (sh === 1 && sw === 1) return c.retain(dy);
  // Zero insertion as a reshape + pad: [b, h, 1, w, 1, c] padded to [b, h, sh, w, sw, c]
  const split = c.reshape(dy, [batch, outH, 1, outW, 1, channels]);
  const gaps = c.padOrCrop(split, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const spread = c.reshape(gaps, [batch, outH * sh, outW * sw, channels]);
  c.free(split, gaps);
  return spread;
}

/**
 * The output gradient placed on the input grid and padded so that a stride-1 'valid' convolution with the
 * 180°-rotated filter yields the input gradient.
 */
export function spreadOutputGradient(c: KernelCalls, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const spread = spreadOnInputGrid(c, dy, info);
  const [rows, cols] = outputGradientPadding(info, dy.shape[1], dy.shape[2]);
  const padded = c.padOrCrop(spread, [[0, 0], rows, cols, [0, 0]]);
  c.free(spread);
  return padded;
}

/**
 * The filter [kh, kw, a, b] turned by 180° in its spatial axes — and, with `swapChannels`, as [kh, kw, b, a]:
 * the input gradient's filter — in one pass instead of the wasm backend's slow Reverse and a Transpose.
 */
export function rotatedFilter(backend: KernelBackend, filter: TensorInfo, swapChannels: boolean): TensorInfo {
  const [kh, kw, a, b] = filter.shape;
  return loopKernel(backend, [filter], swapChannels ? [kh, kw, b, a] : filter.shape, ([f], out) => {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const from = ((kh - 1 - i) * kw + (kw - 1 - j)) * a * b;
        const to = (i * kw + j) * a * b;
        if (!swapChannels) out.set(f.subarray(from, from + a * b), to);
        else for (let p = 0; p < a; p++) for (let q = 0; q < b; q++) out[to + q * a + p] = f[from + p * b + q];
      }
    }
  });
}
