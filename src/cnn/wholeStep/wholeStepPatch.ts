// Makes model.fit, fitDataset, trainOnBatch (through tfjs-layers' train function) and predict run the
// whole-step path on wasm where it applies: a model of the layers layerGraph.ts plans, one float32 input and
// output, a single loss, no tape recording (a prediction inside tf.grad must stay differentiable). Everything
// else — other backends, layers, shapes — runs tfjs' own path, as before.
import * as tf from '@tensorflow/tfjs';
import { tapeRecording } from '../kernels/gradientInstaller';
import type { RadnbPatch } from '../kernels/kernelTypes';
import { simdKernelsActive, simdKernelsOf } from '../kernels/simd/simdKernels';
import type { SimdKernels } from '../kernels/simd/simdKernels';
import { planOf } from './layerGraph';
import type { LayerPlan } from './layerGraph';
import { coversTrainableWeights, predictBatch, trainStep } from './wholeStep';
import type { CompiledModel } from './wholeStep';

type TrainFunction = (data: tf.Tensor[]) => tf.Scalar[];
/** tfjs-layers' model with the internals the patch replaces or reads (private in its types). */
type ModelInternals = CompiledModel & {
  makeTrainFunction(): TrainFunction;
  predictLoop(ins: tf.Tensor | tf.Tensor[], batchSize?: number, verbose?: boolean): tf.Tensor | tf.Tensor[];
};

/**
 * 'auto' trains every model the path plans and predicts with it where its maps stay at least
 * PREDICT_MIN_MAP pixels a side; 'always' predicts with it everywhere; 'off' leaves every model to tfjs.
 */
export type WholeStepUse = 'auto' | 'always' | 'off';

/**
 * Prediction has no backward pass to share the path's fixed cost per layer call with, and on small maps each call
 * does little arithmetic: below this side (a ResNet's last stages, a 28² classifier after two poolings) tfjs'
 * layer-by-layer prediction is the faster (an empirical cut-off; the figures are in bench/HISTORY.md).
 */
export const PREDICT_MIN_MAP = 8;

let wholeStepMode: WholeStepUse = 'auto';

/**
 * How the process uses the whole-step path ('auto' by default). 'off' trains and predicts every model layer by
 * layer through tfjs, as a comparison (benchmark profiles, numerics tests) or to rule the path out; 'always'
 * is for tests of its predictions.
 */
export function useWholeStepPath(how: WholeStepUse): void {
  wholeStepMode = how;
}

/** Each model's plan, or why it has none; read once (a model's layers do not change once built). */
const plans = new WeakMap<tf.LayersModel, LayerPlan | string>();

/** Why the whole-step path does not train or run `model` on wasm, or undefined when it does. */
export function wholeStepUnavailable(model: tf.LayersModel): string | undefined {
  let entry = plans.get(model);
  if (entry === undefined) {
    entry = planOf(model);
    plans.set(model, entry);
  }
  return typeof entry === 'string' ? entry : undefined;
}

/** The plan and kernels when the path runs `model` on the input `x` now. */
function pathFor(
  model: tf.LayersModel,
  x: tf.Tensor | tf.Tensor[] | undefined,
): { plan: LayerPlan; simd: SimdKernels } | undefined {
  if (wholeStepMode === 'off' || !simdKernelsActive() || tapeRecording() || wholeStepUnavailable(model) !== undefined)
    return undefined;
  const plan = plans.get(model) as LayerPlan;
  const input = Array.isArray(x) ? (x.length === 1 ? x[0] : undefined) : x;
  const fits =
    input instanceof tf.Tensor &&
    input.dtype === 'float32' &&
    input.rank === plan.inputShape.length + 1 &&
    plan.inputShape.every((d, i) => d === input.shape[i + 1]);
  return fits ? { plan, simd: simdKernelsOf(tf.engine().backend)! } : undefined;
}

/** Whether `predict` runs the whole step for a model of this plan (training does whenever there is a plan). */
export function wholeStepPredicts(plan: LayerPlan): boolean {
  return wholeStepMode === 'always' || (wholeStepMode === 'auto' && plan.smallestMap >= PREDICT_MIN_MAP);
}

let installed = false;

function installWholeStep(): void {
  if (installed) return;
  installed = true;
  const prototype = tf.LayersModel.prototype as unknown as ModelInternals;
  const shippedTrainFunction = prototype.makeTrainFunction;
  prototype.makeTrainFunction = function (this: ModelInternals) {
    const shipped = shippedTrainFunction.call(this);
    const model = this as unknown as tf.LayersModel;
    return (data) => {
      // data: the input, the target, then (class weights) the examples' weights
      const path = pathFor(model, data[0]);
      if (path === undefined || this.lossFunctions.length !== 1 || !coversTrainableWeights(this, path.plan))
        return shipped(data);
      return trainStep(this, path.plan, path.simd, data[0], data[1], data[2] ?? undefined);
    };
  };
  const shippedPredictLoop = prototype.predictLoop;
  prototype.predictLoop = function (this: ModelInternals, ins, batchSize = 32, verbose = false) {
    const path = pathFor(this as unknown as tf.LayersModel, ins);
    const x = Array.isArray(ins) ? ins[0] : ins;
    if (path === undefined || !wholeStepPredicts(path.plan) || verbose || x.shape[0] === 0)
      return shippedPredictLoop.call(this, ins, batchSize, verbose);
    // as tfjs' predictLoop: batch by batch, the outputs concatenated
    return tf.tidy(() => {
      const count = x.shape[0];
      const outputs: tf.Tensor[] = [];
      for (let start = 0; start < count; start += batchSize) {
        const batch = count <= batchSize ? x : x.slice(start, Math.min(batchSize, count - start));
        outputs.push(predictBatch(path.plan, path.simd, batch));
      }
      return outputs.length === 1 ? outputs[0] : tf.concat(outputs, 0);
    });
  };
}

export const wholeStepPatch: RadnbPatch = {
  name: 'LayersModel training step and predict',
  backends: ['wasm'],
  install: installWholeStep,
};
