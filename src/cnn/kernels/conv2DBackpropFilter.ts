// Conv2D's filter gradient: the wasm backend ships none (it cannot train a CNN as shipped) and the cpu
// backend's is a loop over every element. Here a SIMD pass on wasm, else a convolution on the backend's own
// fast kernel.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { convInfo, paddedInput } from './convGeometry';
import type { ConvAttrs } from './convGeometry';
import { KernelCalls } from './kernelCalls';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { SimdKernels, simdKernelsOf } from './simd/simdKernels';

/**
 * dW[kh,kw,ci,co] = Σ_b,oh,ow xpad[b, oh·s + kh·d, ow·s + kw·d, ci] · dy[b,oh,ow,co]: itself a convolution
 * once batch and channels swap places — input xpad as [ci, h, w, b], filter dy as [oh, ow, b, co], with
 * the forward stride as dilation and the forward dilation as stride — so it runs on the backend's fast
 * (XNNPACK) convolution rather than an im2col matrix product.
 */
function conv2DBackpropFilter(args: KernelArgs, backendName: string): TensorInfo {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = convInfo('Conv2DBackpropFilter', x.shape, attrs.filterShape, attrs, false);
  // wasm: one cache-blocked SIMD pass over the tensors in place
  const simd = backendName === 'wasm' && SimdKernels.handlesFilterGrad(x, dy) ? simdKernelsOf(args.backend) : undefined;
  if (simd !== undefined)
    return SimdKernels.handlesWinograd(info, x, dy)
      ? simd.winogradFilterGrad(x, dy, info)
      : simd.conv2dFilterGrad(x, dy, info);
  const c = new KernelCalls(args.backend, backendName);
  const padded = paddedInput(c, x, info);
  const channelsFirst = c.transpose(padded, [3, 1, 2, 0]);
  const dyAsFilter = c.transpose(dy, [1, 2, 0, 3]);
  const dwChannelsFirst = c.run(
    'Conv2D',
    { x: channelsFirst, filter: dyAsFilter },
    {
      strides: [info.dilationHeight, info.dilationWidth],
      pad: 'valid',
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
    },
  );
  const dw = c.transpose(dwChannelsFirst, [1, 2, 0, 3]);
  c.free(padded, channelsFirst, dyAsFilter, dwChannelsFirst);
  return dw;
}

export const conv2DBackpropFilterKernel: RadnbKernel = {
  kernelName: 'Conv2DBackpropFilter',
  backends: ['wasm', 'cpu'],
  kernelFuncFor: (backendName) => (args) => conv2DBackpropFilter(args, backendName),
};
