// The depthwise convolution's filter gradient, one product and sum per filter tap on the backend's kernels
// instead of the shipped per-element loops.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { convInfo, paddedInput, tapSlice } from './convGeometry';
import type { ConvAttrs } from './convGeometry';
import { KernelCalls } from './kernelCalls';
import type { KernelArgs, RadnbKernel } from './kernelTypes';

/** Depthwise dW[kh,kw,c,m] = Σ over batch and positions of x[tap(kh,kw)][c] · dy[c·M + m]. */
function depthwiseConv2dNativeBackpropFilter(args: KernelArgs, backendName: string): TensorInfo {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = convInfo('DepthwiseConv2dNativeBackpropFilter', x.shape, attrs.filterShape, attrs, true);
  const c = new KernelCalls(args.backend, backendName);
  const [kh, kw, inChannels, multiplier] = attrs.filterShape;
  const [b, oh, ow] = dy.shape;
  const padded = paddedInput(c, x, info);
  const dy5 = c.reshape(dy, [b, oh, ow, inChannels, multiplier]);
  const taps: TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const tap = tapSlice(c, padded, info, i, j);
      const tap5 = c.reshape(tap, [b, oh, ow, inChannels, 1]);
      const product = c.run('Multiply', { a: tap5, b: dy5 });
      const summed = c.run('Sum', { x: product }, { axis: [0, 1, 2], keepDims: false });
      taps.push(c.reshape(summed, [1, inChannels, multiplier]));
      c.free(tap, tap5, product, summed);
    }
  }
  const stacked = c.concat(taps, 0);
  const dw = c.reshape(stacked, [kh, kw, inChannels, multiplier]);
  c.free(padded, dy5, stacked, ...taps);
  return dw;
}

export const depthwiseConv2dNativeBackpropFilterKernel: RadnbKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backends: ['wasm', 'cpu'],
  kernelFuncFor: (backendName) => (args) => depthwiseConv2dNativeBackpropFilter(args, backendName),
};
