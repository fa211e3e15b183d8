// Registers radnb's composed convolution gradients for a backend, replacing what it ships: the wasm
// backend has no filter gradients at all (it cannot train a CNN as shipped) and a naive input gradient;
// the cpu backend's gradients are per-element loops (~60× slower than a matrix product).
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  conv2DBackpropFilter,
  conv2DBackpropInput,
  depthwiseConv2dNativeBackpropFilter,
  depthwiseConv2dNativeBackpropInput,
} from './convGradients';
import type { KernelArgs } from './convGradients';

type ComposedKernel = (args: KernelArgs, backendName: string) => TensorInfo;

const GRADIENT_KERNELS: Record<string, ComposedKernel> = {
  Conv2DBackpropFilter: conv2DBackpropFilter,
  Conv2DBackpropInput: conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dNativeBackpropInput,
};

/** Backends whose own convolution gradients radnb replaces (the others ship fast native ones). */
export const COMPOSED_GRADIENT_BACKENDS: readonly string[] = ['wasm', 'cpu'];

/** Registers the composed gradient kernels for `backendName`; returns the kernel names it registered. */
export function registerGradientKernels(backendName: string): string[] {
  return Object.entries(GRADIENT_KERNELS).map(([kernelName, composed]) => {
    if (getKernel(kernelName, backendName) !== undefined) unregisterKernel(kernelName, backendName);
    const kernelFunc = ((args: KernelArgs) => composed(args, backendName)) as unknown as KernelFunc;
    registerKernel({ kernelName, backendName, kernelFunc });
    return kernelName;
  });
}
