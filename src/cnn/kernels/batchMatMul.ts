// BatchMatMul on wasm: dense products by the SIMD product (matMul.ts); batched ones by the shipped kernel,
// with a transposed operand transposed explicitly first (the shipped kernel's transposed path is a slow loop).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelCalls, shippedKernel } from './kernelCalls';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { type ProductAttrs, simdProduct, swapLastAxes } from './matMul';
import { SimdKernels, simdKernelsOf } from './simd/simdKernels';

function batchMatMulFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const plain = shippedKernel('BatchMatMul', backendName, shipped);
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as ProductAttrs;
    const c = new KernelCalls(args.backend, backendName);
    const { a, b } = args.inputs;
    const simd = SimdKernels.handlesMatMul(a, b) ? simdKernelsOf(args.backend) : undefined;
    if (simd !== undefined) return simdProduct(c, simd, a, b, { transposeA, transposeB });
    if (!transposeA && !transposeB) return plain(args);
    const plainA = transposeA ? swapLastAxes(c, a) : c.retain(a);
    const plainB = transposeB ? swapLastAxes(c, b) : c.retain(b);
    const out = plain({
      inputs: { a: plainA, b: plainB },
      backend: args.backend,
      attrs: { transposeA: false, transposeB: false },
    });
    c.free(plainA, plainB);
    return out;
  };
}

export const batchMatMulKernel: RadnbKernel = {
  kernelName: 'BatchMatMul',
  backends: ['wasm'],
  kernelFuncFor: batchMatMulFor,
};
