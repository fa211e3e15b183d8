// A whole training step (forward, loss, backward, optimizer update) or inference of a planned model on wasm: the
// layers' kernels called directly on backend tensors, the loss and the final activation by tfjs (so any loss
// function and metric works), the update by the model's own optimizer (radnb's fused Adam on wasm).
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { SimdKernels } from '../kernels/simd/simdKernels';
import type { LayerPlan } from './layerGraph';
import { StepRun } from './stepRun';

/** The parts of a compiled tfjs-layers model a training step uses (tfjs' own names). */
export interface CompiledModel {
  optimizer: tf.Optimizer;
  lossFunctions: Array<(yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor>;
  metricsTensors: Array<[(yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor, number]>;
  collectedTrainableWeights: Array<{ read(): tf.Variable }>;
}

interface ForwardState {
  values: Map<number, TensorInfo>;
  saved: unknown[];
}

function runForward(run: StepRun, plan: LayerPlan, x: TensorInfo): ForwardState {
  const values = new Map<number, TensorInfo>([[plan.input, x]]);
  const saved = plan.nodes.map((node) => {
    const step = node.op.forward(
      run,
      node.inputs.map((id) => values.get(id)!),
    );
    values.set(node.output, run.keep(step.output));
    return step.saved;
  });
  return { values, saved };
}

/** The tensors a gradient must reach: those computed from a variable the run wants. */
function tensorsNeedingGradients(run: StepRun, plan: LayerPlan): Set<number> {
  const needing = new Set<number>();
  for (const node of plan.nodes) {
    if (node.op.variables.some((v) => run.wants(v)) || node.inputs.some((id) => needing.has(id)))
      needing.add(node.output);
  }
  return needing;
}

/** Backpropagates `dOutput` (the caller keeps its reference) through the plan; the weight gradients land in the run. */
function runBackward(run: StepRun, plan: LayerPlan, state: ForwardState, dOutput: TensorInfo): void {
  const needing = tensorsNeedingGradients(run, plan);
  const gradients = new Map<number, TensorInfo>([[plan.output, run.calls.retain(dOutput)]]);
  try {
    for (let i = plan.nodes.length - 1; i >= 0; i--) {
      const node = plan.nodes[i];
      const dy = gradients.get(node.output);
      if (dy === undefined) continue;
      gradients.delete(node.output);
      let dxs: Array<TensorInfo | undefined>;
      try {
        const inputs = node.inputs.map((id) => state.values.get(id)!);
        dxs = node.op.backward(run, {
          dy,
          inputs,
          output: state.values.get(node.output)!,
          saved: state.saved[i],
          needs: node.inputs.map((id) => needing.has(id)),
        });
      } finally {
        run.free(dy);
      }
      node.inputs.forEach((id, k) => {
        const dx = dxs[k];
        if (dx === undefined) return;
        const earlier = gradients.get(id);
        if (earlier === undefined) {
          gradients.set(id, dx);
          return;
        }
        // a tensor several layers read: its gradients summed
        gradients.set(id, run.simd.addElements(earlier, dx));
        run.free(earlier, dx);
      });
    }
  } finally {
    for (const left of gradients.values()) run.free(left);
  }
}

/**
 * Whether every trainable weight of the model is one the plan's layers compute a gradient for: true of every
 * plan layerGraph.ts reads today, checked so that an op which forgets a weight falls back rather than freezes it.
 */
export function coversTrainableWeights(model: CompiledModel, plan: LayerPlan): boolean {
  const covered = new Set(plan.nodes.flatMap((n) => n.op.variables.map((v) => v.name)));
  return model.collectedTrainableWeights.every((w) => covered.has(w.read().name));
}

/**
 * One training step on a batch, as tfjs-layers' train function: returns the batch's loss and metrics (scalars
 * the caller disposes) after updating the weights. `sampleWeight` weighs each example's loss (class weights).
 */
export function trainStep(
  model: CompiledModel,
  plan: LayerPlan,
  simd: SimdKernels,
  x: tf.Tensor,
  y: tf.Tensor,
  sampleWeight?: tf.Tensor,
): tf.Scalar[] {
  // as tfjs' train function: a variable set trainable = false after compiling keeps its value and its slot
  const variables = model.collectedTrainableWeights.map((w) => w.read());
  const trained = variables.filter((v) => v.trainable).map((v) => v.name);
  const run = new StepRun(simd, tf.engine().backend, true, new Set(trained));
  try {
    const state = runForward(run, plan, x);
    const z = run.toEngine(state.values.get(plan.output)!);
    const output = (t: tf.Tensor) => (plan.head ? plan.head(t) : t);
    const { loss, metrics, gradient } = tf.tidy(() => {
      // as tfjs' makeTrainFunction: the loss per example, weighted, averaged; metrics averaged
      const lossOf = (t: tf.Tensor) => {
        const perExample = model.lossFunctions[0](y, output(t));
        return tf.mean(sampleWeight === undefined ? perExample : tf.mul(perExample, sampleWeight)) as tf.Scalar;
      };
      const { value, grad } = tf.valueAndGrad(lossOf)(z);
      const predicted = output(z);
      return {
        loss: value,
        metrics: model.metricsTensors.map(([metric]) => tf.mean(metric(y, predicted)) as tf.Scalar),
        gradient: grad,
      };
    });
    try {
      runBackward(run, plan, state, gradient);
    } finally {
      gradient.dispose();
    }
    const gradients = run.takeGradients(variables.map((v) => v.name));
    try {
      // tfjs' minimize also hands a frozen variable's slot over with a null gradient (which optimizers skip)
      model.optimizer.applyGradients(gradients as Parameters<tf.Optimizer['applyGradients']>[0]);
    } finally {
      tf.dispose(gradients.flatMap((g) => g.tensor ?? []));
    }
    return [loss, ...metrics];
  } finally {
    run.finish();
  }
}

/** The model's output for a batch `x` (inference: moving statistics, no dropout). */
export function predictBatch(plan: LayerPlan, simd: SimdKernels, x: tf.Tensor): tf.Tensor {
  const run = new StepRun(simd, tf.engine().backend, false, new Set());
  let z: TensorInfo | undefined;
  try {
    z = runForward(run, plan, x).values.get(plan.output)!;
  } finally {
    run.finish(z);
  }
  const out = tf.engine().makeTensorFromTensorInfo(z);
  if (plan.head === undefined) return out;
  const activated = tf.tidy(() => plan.head!(out));
  out.dispose();
  return activated;
}
