// Conv2D and FusedConv2D (convolution + bias + activation, what layers run when not training) on wasm
// by radnb's Winograd kernels (F(4×4, 3×3), or F(2×2, 3×3) for small images) for 3×3 filters with stride 1 —
// most layers of the radiology CNNs, and every input gradient of one (a convolution too): 4× (2.25×) fewer
// multiplications than XNNPACK's direct convolution — and by a direct convolution for layers with at most
// 4 input channels (an image's first layer), on radnb's threads: XNNPACK's pool then stays idle during a
// step, and its workers, which spin after each of its operations, leave the cores to radnb's. Everything
// else (other shapes, other activations, NCHW) goes to the shipped kernel.
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
    const supported = preluActivationWeights === undefined && plainBias && (activation === undefined || activation === 'linear' || activation === 'relu');
    return (supported ? simdConvolution(args, { bias, relu: activation === 'relu' }) : undefined) ?? fallback(args);
  };
}

export const conv2DKernel: RadnbKernel = { kernelName: 'Conv2D', backends: ['wasm'], kernelFuncFor: conv2dFor };
export const fusedConv2DKernel: RadnbKernel = { kernelName: 'FusedConv2D', backends: ['wasm'], kernelFuncFor: fusedConv2dFor };
