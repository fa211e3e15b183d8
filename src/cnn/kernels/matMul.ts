// The product both matrix-product kernels (batchMatMul.ts, fusedMatMul.ts) run for dense layers: radnb's SIMD
// product, which reads a transposed operand in place where XNNPACK would repack the weights on every call.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelCalls } from './kernelCalls';
import type { SimdKernels } from './simd/simdKernels';

export function swapLastAxes(c: KernelCalls, x: TensorInfo): TensorInfo {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return c.transpose(x, perm);
}

export interface ProductAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** A dense product by the SIMD kernel (see SimdKernels.handlesMatMul). */
export function simdProduct(
  c: KernelCalls,
  simd: SimdKernels,
  a: TensorInfo,
  b: TensorInfo,
  { transposeA, transposeB }: ProductAttrs,
): TensorInfo {
  const leadingOnes = Math.max(a.shape.length, b.shape.length) - 2;
  if (!transposeB) return simd.matMul(a, b, transposeA, leadingOnes);
  // A·Bᵀ = (B·Aᵀ)ᵀ: B's rows are then read in order, and Aᵀ (small in dense layers) is the operand read by rows
  const aT = transposeA ? c.retain(a) : swapLastAxes(c, a);
  const product = simd.matMul(b, aT, false, leadingOnes);
  const out = swapLastAxes(c, product);
  c.free(aT, product);
  return out;
}
