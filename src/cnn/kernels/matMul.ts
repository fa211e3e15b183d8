// Matrix products on wasm. Dense layers (no batch): radnb's SIMD product, which reads a transposed A in
// place — XNNPACK repacks B as "weights" on every call, which costs more than the product for a layer's
// 4 MB of weights (and 0.6 ms for a one-unit layer's 32×64 · 32×1 weight gradient). Batched products: the
// shipped BatchMatMul runs a transposed operand through a slow generic loop (3–8× slower than its XNNPACK
// path), so operands are transposed explicitly first.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './convGradients';
import { KernelCalls, shippedKernel } from './kernelCalls';
import { SimdKernels, simdKernelsOf } from './simd/simdKernels';

function swapLastAxes(c: KernelCalls, x: TensorInfo): TensorInfo {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return c.transpose(x, perm);
}

export function batchMatMulFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const plain = shippedKernel('BatchMatMul', backendName, shipped);
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const c = new KernelCalls(args.backend, backendName);
    const { a, b } = args.inputs;
    const simd = SimdKernels.handlesMatMul(a, b) ? simdKernelsOf(args.backend) : undefined;
    if (simd !== undefined) {
      const leadingOnes = Math.max(a.shape.length, b.shape.length) - 2;
      if (!transposeB) return simd.matMul(a, b, transposeA, leadingOnes);
      // A·Bᵀ = (B·Aᵀ)ᵀ: B's rows are then read in order, and Aᵀ (small in dense layers) is the operand read by rows
      const aT = transposeA ? c.retain(a) : swapLastAxes(c, a);
      const product = simd.matMul(b, aT, false, leadingOnes);
      const out = swapLastAxes(c, product);
      c.free(aT, product);
      return out;
    }
    if (!transposeA && !transposeB) return plain(args);
    const plainA = transposeA ? swapLastAxes(c, a) : c.retain(a);
    const plainB = transposeB ? swapLastAxes(c, b) : c.retain(b);
    const out = plain({ inputs: { a: plainA, b: plainB }, backend: args.backend, attrs: { transposeA: false, transposeB: false } });
    c.free(plainA, plainB);
    return out;
  };
}
