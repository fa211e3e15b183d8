// Relu on wasm in radnb's SIMD module: the shipped kernel runs on XNNPACK's pool, whose worker sleeps during a
// step that radnb's kernels otherwise run alone, and waking it costs more than the ReLU. The numbers are the cpu
// backend's (Math.max: NaN stays NaN, −0 becomes +0).
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
