// Batch normalisation on wasm in radnb's SIMD module. While training, a BatchNormalization layer is the
// moments of its input and one FusedBatchNorm kernel; tfjs' wasm kernel recomputes a square root per element,
// and its gradient is five full-size products and differences, each then summed per channel — in a CNN
// with batch norm after every convolution that was a third of a training step. Here the forward pass is
// one pass (channel_affine), and the gradient ('RadnbBatchNormGrad') two: the per-channel sums, then the
// input gradient; the mean, variance, scale and offset gradients are per-channel arithmetic on the sums.
// Per-channel statistics (the layers' case, channels last) only; everything else runs tfjs' formula.
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './convGradients';
import { gradientInstaller, tapeRecording } from './gradientInstaller';
import { shippedKernel } from './kernelCalls';
import { simdKernelsActive, simdKernelsOf } from './simd/simdKernels';
import type { SimdKernels } from './simd/simdKernels';

export const BATCH_NORM_GRAD = 'RadnbBatchNormGrad';

interface BatchNormInputs {
  x: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
  offset?: TensorInfo;
  scale?: TensorInfo;
}

/** Whether the statistics are one per channel of x's last axis, all float32. */
function perChannel({ x, mean, variance, offset, scale }: BatchNormInputs): boolean {
  const ch = x.shape[x.shape.length - 1];
  // absent scale and offset come as undefined from ops, as null from the gradient tape
  return [x, mean, variance, offset, scale].every((t) => t == null || t.dtype === 'float32')
    && [mean, variance, offset, scale].every((t) => t == null || (t.shape.length === 1 && t.shape[0] === ch));
}

/** A per-channel input's values (`fill` when absent), read from the backend's memory. */
function valuesOf(simd: SimdKernels, t: TensorInfo | null | undefined, ch: number, fill: number): Float32Array {
  return t == null ? new Float32Array(ch).fill(fill) : simd.readFloats(t);
}

/**
 * Per channel, r = 1 / √(variance + ε) (in float32 as tfjs' Rsqrt gives it), the scale s (1 when absent), and
 * a = s · r: the factor of the normalisation and of its input gradient.
 */
function factorsOf(simd: SimdKernels, variance: TensorInfo, scale: TensorInfo | null | undefined, epsilon: number) {
  const r = simd.readFloats(variance).map((v) => 1 / Math.sqrt(Math.fround(v + epsilon)));
  const s = valuesOf(simd, scale, r.length, 1);
  return { r, s, a: r.map((v, c) => v * s[c]) };
}

export function batchNormFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const fallback = shippedKernel('FusedBatchNorm', backendName, shipped);
  return (args) => {
    const inputs = args.inputs as unknown as BatchNormInputs;
    const simd = perChannel(inputs) ? simdKernelsOf(args.backend) : undefined;
    if (simd === undefined) return fallback(args);
    const { a } = factorsOf(simd, inputs.variance, inputs.scale, args.attrs?.varianceEpsilon as number);
    return simd.channelAffine(inputs.x, simd.readFloats(inputs.mean), a, valuesOf(simd, inputs.offset, a.length, 0));
  };
}

/** [dx, dMean, dVariance, dScale, dOffset] of a per-channel batch normalisation, from dy and what it saved. */
export function batchNormGrad(args: KernelArgs): TensorInfo[] {
  const { dy, x, mean, variance, scale } = args.inputs as unknown as BatchNormInputs & { dy: TensorInfo };
  const simd = simdKernelsOf(args.backend);
  if (simd === undefined) throw new Error(`radnb ${BATCH_NORM_GRAD}: the SIMD kernels cannot run on this backend`);
  const { r, s, a } = factorsOf(simd, variance, scale, args.attrs?.varianceEpsilon as number);
  const ch = r.length;
  const sums = simd.batchNormSums(dy, x, simd.readFloats(mean));
  const sumDy = sums.subarray(0, ch);
  const sumDyCentred = sums.subarray(ch);
  const zeros = new Float32Array(ch);
  const dx = simd.channelAffine(dy, zeros, a, zeros);
  const vectors = [
    sumDy.map((d, c) => -r[c] * s[c] * d),
    sumDyCentred.map((d, c) => -0.5 * r[c] ** 3 * s[c] * d),
    sumDyCentred.map((d, c) => r[c] * d),
    sumDy,
  ];
  return [dx, ...vectors.map((v) => simd.vectorOutput(v))];
}

/** tfjs' gradient formula in its order of operations, broadcasting the statistics over x (any backend, any layout). */
function composedGradients(dy: tf.Tensor, [x, mean, variance, scale]: tf.Tensor[], epsilon: number) {
  const axes = backend_util.getReductionAxes(mean.shape, x.shape);
  const reduce = (t: tf.Tensor) => tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, mean.shape);
  const r = tf.rsqrt(tf.add(variance, epsilon));
  // made once for the three gradients that use them, as tfjs does
  const centred = tf.sub(x, mean);
  const dyTimesScale = tf.mul(dy, scale ?? 1);
  return {
    x: () => tf.mul(tf.mul(dy, r), scale ?? 1),
    mean: () => reduce(tf.mul(tf.mul(r, -1), dyTimesScale)),
    variance: () => reduce(tf.mul(tf.mul(tf.mul(tf.mul(tf.mul(r, r), r), -0.5), centred), dyTimesScale)),
    scale: () => reduce(tf.mul(dy, tf.mul(centred, r))),
    offset: () => reduce(dy),
  };
}

/** Makes FusedBatchNorm's gradient one 'RadnbBatchNormGrad' kernel where the SIMD kernels run and apply. */
export const useFusedBatchNormGradient = gradientInstaller({
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const epsilon = attrs.varianceEpsilon as number;
    const [x, mean, variance, scale] = saved;
    if (tapeRecording() || !simdKernelsActive() || !perChannel({ x, mean, variance, scale })) return composedGradients(dy as tf.Tensor, saved, epsilon);
    // one kernel call gives all five, made here: tfjs runs each input's gradient in a tidy of its own, which
    // would dispose the other four if the first of them made the call
    const grads = tf.engine().runKernel(BATCH_NORM_GRAD, { dy, x, mean, variance, ...(scale ? { scale } : {}) } as tf.NamedTensorMap, { varianceEpsilon: epsilon }) as tf.Tensor[];
    const grad = (k: number) => () => grads[k];
    return { x: grad(0), mean: grad(1), variance: grad(2), scale: grad(3), offset: grad(4) };
  },
});
