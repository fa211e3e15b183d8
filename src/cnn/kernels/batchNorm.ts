// Per-channel batch-normalisation arithmetic shared by radnb's forward kernel (fusedBatchNorm.ts) and its
// gradient (batchNormGrad.ts): channels last, one statistic per channel, float32.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { SimdKernels } from './simd/simdKernels';

export interface BatchNormInputs {
  x: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
  offset?: TensorInfo;
  scale?: TensorInfo;
}

/** Whether the statistics are one per channel of x's last axis, all float32. */
export function perChannel({ x, mean, variance, offset, scale }: BatchNormInputs): boolean {
  const ch = x.shape[x.shape.length - 1];
  // absent scale and offset come as undefined from ops, as null from the gradient tape
  return (
    [x, mean, variance, offset, scale].every((t) => t == null || t.dtype === 'float32') &&
    [mean, variance, offset, scale].every((t) => t == null || (t.shape.length === 1 && t.shape[0] === ch))
  );
}

/** A per-channel input's values (`fill` when absent), read from the backend's memory. */
export function valuesOf(simd: SimdKernels, t: TensorInfo | null | undefined, ch: number, fill: number): Float32Array {
  return t == null ? new Float32Array(ch).fill(fill) : simd.readFloats(t);
}

/**
 * Per channel, r = 1 / √(variance + ε) (in float32 as tfjs' Rsqrt gives it), the scale s, and a = s · r: the
 * factor of the normalisation and of its input gradient.
 */
export function normalisingFactors(variance: Float32Array, s: Float32Array, epsilon: number) {
  const r = variance.map((v) => 1 / Math.sqrt(Math.fround(v + epsilon)));
  return { r, s, a: r.map((v, c) => v * s[c]) };
}

/** normalisingFactors of statistics in the backend's memory; a scale of 1 when absent. */
export function factorsOf(
  simd: SimdKernels,
  variance: TensorInfo,
  scale: TensorInfo | null | undefined,
  epsilon: number,
) {
  const v = simd.readFloats(variance);
  return normalisingFactors(v, valuesOf(simd, scale, v.length, 1), epsilon);
}
