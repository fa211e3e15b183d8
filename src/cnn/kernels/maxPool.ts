// MaxPool on wasm for windows side by side (2×2 pooling with stride 2, the CNNs' usual one) on radnb's threads,
// so that XNNPACK's pool stays idle during a step; each window picks its maximum as the gradient does.
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { shippedKernel } from './kernelCalls';
import type { PoolAttrs } from './maxPoolGrad';
import { SimdKernels, simdKernelsOf } from './simd/simdKernels';

function maxPoolFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const fallback = shippedKernel('MaxPool', backendName, shipped);
  return (args) => {
    const { x } = args.inputs;
    const attrs = args.attrs as unknown as PoolAttrs;
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterSize,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const simd = SimdKernels.handlesMaxPool(info, x) ? simdKernelsOf(args.backend) : undefined;
    return simd?.maxPool(x, info) ?? fallback(args);
  };
}

export const maxPoolKernel: RadnbKernel = { kernelName: 'MaxPool', backends: ['wasm'], kernelFuncFor: maxPoolFor };
