// Adam's update of one variable as one kernel ('RadnbAdamStep') on wasm: tfjs' AdamOptimizer runs fourteen
// element-wise operations per variable and step. Same float32 operations in the same order, so the same numbers;
// the optimizer's state, weights and serialisation stay tfjs' own.
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs, RadnbKernel, RadnbPatch } from './kernelTypes';
import { simdKernelsActive, simdKernelsOf } from './simd/simdKernels';
import type { AdamScalars } from './simd/simdKernels';

export const ADAM_STEP = 'RadnbAdamStep';

function adamStep(args: KernelArgs): TensorInfo[] {
  const { value, m, v, gradient } = args.inputs;
  const simd = simdKernelsOf(args.backend);
  if (simd === undefined) throw new Error(`radnb ${ADAM_STEP}: the SIMD kernels cannot run on this backend`);
  return simd.adamStep(value, m, v, gradient, args.attrs as unknown as AdamScalars);
}

type Gradients = tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>;
interface Moment {
  originalName: string;
  variable: tf.Variable;
}
/** The fields of tfjs' AdamOptimizer the step reads and updates (its own names). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Moment[];
  accumulatedSecondMoment: Moment[];
  incrementIterations(): void;
}

let installed = false;

/** Routes AdamOptimizer.applyGradients through the fused kernel whenever the active backend has it. */
function useFusedAdam(): void {
  if (installed) return;
  installed = true;
  const prototype = tf.AdamOptimizer.prototype as unknown as { applyGradients(this: AdamState, g: Gradients): void };
  const shipped = prototype.applyGradients;
  prototype.applyGradients = function (this: AdamState, gradients: Gradients) {
    if (!simdKernelsActive() || !allFloat32(gradients)) return shipped.call(this, gradients);
    fusedApply(this, gradients);
  };
}

function allFloat32(gradients: Gradients): boolean {
  const tensors = Array.isArray(gradients) ? gradients.map((g) => g.tensor) : Object.values(gradients);
  return tensors.every((t) => t == null || t.dtype === 'float32');
}

/** tfjs' AdamOptimizer.applyGradients, with the per-variable arithmetic in one kernel. */
function fusedApply(adam: AdamState, gradients: Gradients): void {
  const entries = Array.isArray(gradients)
    ? gradients.map((g) => [g.name, g.tensor] as const)
    : Object.entries(gradients);
  tf.tidy(() => {
    // as tfjs: sub(1, accBeta) in float32
    const c1 = Math.fround(1 - adam.accBeta1.dataSync()[0]);
    const c2 = Math.fround(1 - adam.accBeta2.dataSync()[0]);
    const scalars: AdamScalars = {
      learningRate: adam.learningRate,
      beta1: adam.beta1,
      beta2: adam.beta2,
      epsilon: adam.epsilon,
      c1,
      c2,
    };
    entries.forEach(([name, gradient], i) => {
      const value = tf.engine().registeredVariables[name];
      adam.accumulatedFirstMoment[i] ??= {
        originalName: `${name}/m`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      adam.accumulatedSecondMoment[i] ??= {
        originalName: `${name}/v`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      if (gradient == null) return;
      const m = adam.accumulatedFirstMoment[i].variable;
      const v = adam.accumulatedSecondMoment[i].variable;
      const [newValue, newM, newV] = tf
        .engine()
        .runKernel(ADAM_STEP, { value, m, v, gradient }, scalars as never) as tf.Tensor[];
      m.assign(newM);
      v.assign(newV);
      value.assign(newValue);
    });
    adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
    adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
  });
  adam.incrementIterations();
}

export const adamStepKernel: RadnbKernel = { kernelName: ADAM_STEP, backends: ['wasm'], kernelFuncFor: () => adamStep };
export const fusedAdamPatch: RadnbPatch = {
  name: 'AdamOptimizer.applyGradients',
  backends: ['wasm'],
  install: useFusedAdam,
};
