// The depthwise convolution's input gradient, composed from the backend's depthwise convolution (one per
// channel multiplier) instead of the shipped per-element loops.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { convInfo, rotatedFilter, spreadOutputGradient } from './convGeometry';
import type { ConvAttrs } from './convGeometry';
import { KernelCalls } from './kernelCalls';
import type { KernelArgs, RadnbKernel } from './kernelTypes';

/** Channel m of every input channel's multiplier group: [b, h, w, inChannels·M] → [b, h, w, inChannels]. */
function multiplierChannels(c: KernelCalls, dy: TensorInfo, m: number, multiplier: number): TensorInfo {
  if (multiplier === 1) return c.retain(dy);
  const [b, h, w, ch] = dy.shape;
  return c.stridedSlice(dy, [0, 0, 0, m], [b, h, w, ch], [1, 1, 1, multiplier]);
}

/** Depthwise dx: per channel multiplier m, a depthwise convolution of the spread gradient with filter m rotated. */
function depthwiseConv2dNativeBackpropInput(args: KernelArgs, backendName: string): TensorInfo {
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const info = convInfo('DepthwiseConv2dNativeBackpropInput', attrs.inputShape, filter.shape, attrs, true);
  const c = new KernelCalls(args.backend, backendName);
  const [fh, fw, inChannels, multiplier] = filter.shape;
  const rotated = rotatedFilter(args.backend, filter, false);
  let sum: TensorInfo | undefined;
  for (let m = 0; m < multiplier; m++) {
    const dym = multiplierChannels(c, dy, m, multiplier);
    const spread = spreadOutputGradient(c, dym, info);
    const fm = c.run('Slice', { x: rotated }, { begin: [0, 0, 0, m], size: [fh, fw, inChannels, 1] });
    const part = c.run(
      'DepthwiseConv2dNative',
      { x: spread, filter: fm },
      {
        strides: [1, 1],
        pad: 'valid',
        dilations: [info.dilationHeight, info.dilationWidth],
      },
    );
    c.free(dym, spread, fm);
    sum = c.accumulate(sum, part);
  }
  c.free(rotated);
  return sum!;
}

export const depthwiseConv2dNativeBackpropInputKernel: RadnbKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backends: ['wasm', 'cpu'],
  kernelFuncFor: (backendName) => (args) => depthwiseConv2dNativeBackpropInput(args, backendName),
};
