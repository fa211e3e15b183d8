// Conv2D and FusedConv2D on wasm by radnb's Winograd kernels (3×3, stride 1: most layers of the radiology CNNs
// and every input gradient) and a direct convolution for layers with at most 4 input channels, on radnb's threads
// so that XNNPACK's spinning pool stays idle during a step. Other shapes go to the shipped kernel.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { convInfo } from './convGeometry';
import { shippedKernel } from './kernelCalls';
import type { ConvAttrs } from './convGeometry';
import { SimdKernels, simdKernelsOf } from './simd/simdKernels';
import type { FusedOutput } from './simd/simdKernels';

/** The convolution by the Winograd or the direct kernel, or undefined when neither applies. */
function simdConvolution(args: KernelArgs, fused: FusedOutput): TensorInfo | undefined {
  const { x, filter } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs;
  if (attrs.dataFormat === 'NCHW') return undefined;
  const info = convInfo('Conv2D', x.shape, filter.shape, attrs, false);
  const operands = fused.bias === undefined ? [x, filter] : [x, filter, fused.bias];
  const simd = simdKernelsOf(args.backend);
  if (simd === undefined) return undefined;
  if (SimdKernels.handlesWinograd(info, ...operands)) return simd.winogradConv2d(x, filter, info, fused);
  return SimdKernels.handlesDirect(info, ...operands) ? simd.directConv2d(x, filter, info, fused) : undefined;
}

function conv2dFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const fallback = shippedKernel('Conv2D', backendName, shipped);
  return (args) => simdConvolution(args, {}) ?? fallback(args);
}

function fusedConv2dFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const fallback = shippedKernel('FusedConv2D', backendName, shipped);
  return (args) => {
    const { bias, preluActivationWeights } = args.inputs;
    const { activation } = args.attrs as unknown as { activation?: string };
    // a [co] bias (or none) and no activation or ReLU; PReLU, leaky ReLU, ELU… stay with the shipped kernel
    const co = args.inputs.filter.shape[3];
    const plainBias = bias === undefined || (bias.shape.length === 1 && bias.shape[0] === co);
    const supported =
      preluActivationWeights === undefined &&
      plainBias &&
      (activation === undefined || activation === 'linear' || activation === 'relu');
    return (supported ? simdConvolution(args, { bias, relu: activation === 'relu' }) : undefined) ?? fallback(args);
  };
}

export const conv2DKernel: RadnbKernel = { kernelName: 'Conv2D', backends: ['wasm'], kernelFuncFor: conv2dFor };
export const fusedConv2DKernel: RadnbKernel = {
  kernelName: 'FusedConv2D',
  backends: ['wasm'],
  kernelFuncFor: fusedConv2dFor,
};
