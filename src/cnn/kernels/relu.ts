// Relu on wasm in radnb's SIMD module. The shipped kernel runs XNNPACK's clamp on XNNPACK's thread pool, and
// in a training step, where radnb's kernels do everything else, that pool's worker is asleep: waking it cost
// ~0.2 ms for a dense layer's 32 × 64 activations. The numbers are the cpu backend's (Math.max: NaN stays NaN,
// −0 becomes +0). Other dtypes: the shipped kernel.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { shippedKernel } from './kernelCalls';
import { simdKernelsOf } from './simd/simdKernels';

function reluFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const fallback = shippedKernel('Relu', backendName, shipped);
  return (args) => {
    const { x } = args.inputs;
    const simd = x.dtype === 'float32' ? simdKernelsOf(args.backend) : undefined;
    return simd?.relu(x) ?? fallback(args);
  };
}

export const reluKernel: RadnbKernel = { kernelName: 'Relu', backends: ['wasm'], kernelFuncFor: reluFor };
