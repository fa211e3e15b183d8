// FusedBatchNorm's gradient on wasm as one kernel ('RadnbBatchNormGrad', two SIMD passes: the per-channel sums,
// then the input gradient) where tfjs' formula makes five full-size products and differences, each then summed
// per channel. Under a recording tape, on other backends or layouts: tfjs' formula.
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { type BatchNormInputs, factorsOf, perChannel } from './batchNorm';
import { gradientInstaller, tapeRecording } from './gradientInstaller';
import type { KernelArgs, RadnbKernel, RadnbPatch } from './kernelTypes';
import { simdKernelsActive, simdKernelsOf } from './simd/simdKernels';

export const BATCH_NORM_GRAD = 'RadnbBatchNormGrad';

/** [dx, dMean, dVariance, dScale, dOffset] of a per-channel batch normalisation, from dy and what it saved. */
function batchNormGrad(args: KernelArgs): TensorInfo[] {
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
const useFusedBatchNormGradient = gradientInstaller({
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const epsilon = attrs.varianceEpsilon as number;
    const [x, mean, variance, scale] = saved;
    if (tapeRecording() || !simdKernelsActive() || !perChannel({ x, mean, variance, scale }))
      return composedGradients(dy as tf.Tensor, saved, epsilon);
    // one kernel call gives all five, made here: tfjs runs each input's gradient in a tidy of its own, which
    // would dispose the other four if the first of them made the call
    const grads = tf
      .engine()
      .runKernel(BATCH_NORM_GRAD, { dy, x, mean, variance, ...(scale ? { scale } : {}) } as tf.NamedTensorMap, {
        varianceEpsilon: epsilon,
      }) as tf.Tensor[];
    const grad = (k: number) => () => grads[k];
    return { x: grad(0), mean: grad(1), variance: grad(2), scale: grad(3), offset: grad(4) };
  },
});

export const batchNormGradKernel: RadnbKernel = {
  kernelName: BATCH_NORM_GRAD,
  backends: ['wasm'],
  kernelFuncFor: () => batchNormGrad,
};
export const batchNormGradientPatch: RadnbPatch = {
  name: 'FusedBatchNorm gradient',
  backends: ['wasm'],
  install: useFusedBatchNormGradient,
};
