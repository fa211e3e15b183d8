// Add on wasm when one operand is a bias ([C] against a tensor whose last axis is C, every layer's bias while
// training): one SIMD pass instead of the shipped kernel's element-at-a-time broadcasting.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { shippedKernel } from './kernelCalls';
import { simdKernelsOf } from './simd/simdKernels';

/** Whether `bias` is a float32 vector (leading 1s allowed) as long as the last axis of float32 `x`, and smaller than it. */
function isBiasOf(bias: TensorInfo, x: TensorInfo): boolean {
  const ch = x.shape[x.shape.length - 1];
  return (
    ch > 0 &&
    x.dtype === 'float32' &&
    bias.dtype === 'float32' &&
    x.shape.length >= 2 &&
    bias.shape.length <= x.shape.length &&
    bias.shape.slice(0, -1).every((d) => d === 1) &&
    bias.shape[bias.shape.length - 1] === ch &&
    x.shape.slice(0, -1).some((d) => d > 1)
  );
}

function biasAddFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const fallback = shippedKernel('Add', backendName, shipped);
  return (args) => {
    const { a, b } = args.inputs;
    const [x, bias] = isBiasOf(b, a) ? [a, b] : isBiasOf(a, b) ? [b, a] : [undefined, undefined];
    const simd = x !== undefined ? simdKernelsOf(args.backend) : undefined;
    if (simd !== undefined && x !== undefined && bias !== undefined) return simd.addBias(x, bias);
    return fallback(args);
  };
}

export const biasAddKernel: RadnbKernel = { kernelName: 'Add', backends: ['wasm'], kernelFuncFor: biasAddFor };
