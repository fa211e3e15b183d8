// Conv2D's input gradient as one forward convolution on the backend's fast kernel: the wasm backend's own
// is naive and the cpu backend's a loop over every element.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import {
  convInfo,
  outputGradientPadding,
  rotatedFilter,
  spreadOnInputGrid,
  spreadOutputGradient,
} from './convGeometry';
import type { ConvAttrs } from './convGeometry';
import { KernelCalls } from './kernelCalls';
import type { KernelArgs, RadnbKernel } from './kernelTypes';

/**
 * dx = the output gradient, spread onto the input grid, convolved with the rotated, transposed filter. The
 * border goes to the convolution as explicit padding (no padded copy) unless part of it must be cropped.
 */
function conv2DBackpropInput(args: KernelArgs, backendName: string): TensorInfo {
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const info = convInfo('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs, false);
  const c = new KernelCalls(args.backend, backendName);
  const [rows, cols] = outputGradientPadding(info, dy.shape[1], dy.shape[2]);
  const padsOnly = [...rows, ...cols].every((amount) => amount >= 0);
  const spread = padsOnly ? spreadOnInputGrid(c, dy, info) : spreadOutputGradient(c, dy, info);
  const swapped = rotatedFilter(args.backend, filter, true);
  const dx = c.run(
    'Conv2D',
    { x: spread, filter: swapped },
    {
      strides: [1, 1],
      pad: padsOnly ? [[0, 0], rows, cols, [0, 0]] : 'valid',
      dataFormat: 'NHWC',
      dilations: [info.dilationHeight, info.dilationWidth],
    },
  );
  c.free(spread, swapped);
  return dx;
}

export const conv2DBackpropInputKernel: RadnbKernel = {
  kernelName: 'Conv2DBackpropInput',
  backends: ['wasm', 'cpu'],
  kernelFuncFor: (backendName) => (args) => conv2DBackpropInput(args, backendName),
};
