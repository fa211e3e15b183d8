// Identity (tf.clone, and every gradient that passes a tensor through) without a copy: tensors are immutable,
// so the output can share the input's buffer, as on the cpu and WebGL backends; the wasm backend copies it.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { shippedKernel } from './kernelCalls';

function sharedIdentityFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const forStrings = shippedKernel('Identity', backendName, shipped);
  return (args) => {
    const { x } = args.inputs;
    // strings live outside the heap: the shipped kernel handles them
    if (x.dtype === 'string') return forStrings(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

export const identityKernel: RadnbKernel = {
  kernelName: 'Identity',
  backends: ['wasm'],
  kernelFuncFor: sharedIdentityFor,
};
