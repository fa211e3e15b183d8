// FusedBatchNorm on wasm as one SIMD pass (channel_affine) for per-channel statistics; tfjs' wasm kernel
// recomputes a square root per element. Other layouts go to the shipped kernel.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type BatchNormInputs, factorsOf, perChannel, valuesOf } from './batchNorm';
import { shippedKernel } from './kernelCalls';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { simdKernelsOf } from './simd/simdKernels';

function batchNormFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const fallback = shippedKernel('FusedBatchNorm', backendName, shipped);
  return (args) => {
    const inputs = args.inputs as unknown as BatchNormInputs;
    const simd = perChannel(inputs) ? simdKernelsOf(args.backend) : undefined;
    if (simd === undefined) return fallback(args);
    const { a } = factorsOf(simd, inputs.variance, inputs.scale, args.attrs?.varianceEpsilon as number);
    return simd.channelAffine(inputs.x, simd.readFloats(inputs.mean), a, valuesOf(simd, inputs.offset, a.length, 0));
  };
}

export const fusedBatchNormKernel: RadnbKernel = {
  kernelName: 'FusedBatchNorm',
  backends: ['wasm'],
  kernelFuncFor: batchNormFor,
};
