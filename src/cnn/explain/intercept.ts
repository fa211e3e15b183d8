// Reading and replacing what one layer outputs while the whole model runs. A sub-model cut at the layer
// would only work for top-level layers of functional graphs; swapping the layer's `call` for one pass
// works for sequential, functional and nested models alike. The original `call` always comes back.
import * as tf from '@tensorflow/tfjs';
import { ExplainError } from './errors';

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

function withCall<T>(method: string, layer: tf.layers.Layer, replace: (original: Call) => Call, fn: () => T): T {
  // A layer applied at several places of the graph (shared weights) has no single output to explain.
  if (layer.inboundNodes.length > 1) {
    throw new ExplainError(
      method,
      `layer "${layer.name}" is applied ${layer.inboundNodes.length} times in the model; choose a layer used once`,
    );
  }
  const target = layer as unknown as { call: Call };
  const own = Object.prototype.hasOwnProperty.call(target, 'call');
  const original = target.call;
  target.call = replace(original.bind(layer));
  try {
    return fn();
  } finally {
    if (own) target.call = original;
    else delete (target as Partial<typeof target>).call;
  }
}

function single(output: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(output) ? output[0] : output;
}

/** The model's output for `batch`, and what `layer` output on the way (the caller disposes both). */
export function runRecording(
  method: string,
  model: tf.LayersModel,
  layer: tf.layers.Layer,
  batch: tf.Tensor,
): { output: tf.Tensor; activation: tf.Tensor } {
  let activation: tf.Tensor | undefined;
  const output = withCall(
    method,
    layer,
    (original) => (inputs, kwargs) => {
      const out = single(original(inputs, kwargs));
      activation = tf.keep(out.clone());
      return out;
    },
    () => tf.tidy(() => single(model.apply(batch, { training: false }) as tf.Tensor | tf.Tensor[])),
  );
  if (activation === undefined) {
    output.dispose();
    throw new ExplainError(method, `layer "${layer.name}" is not on the path from the model's input to its output`);
  }
  return { output, activation };
}

/** The model's output for `batch` when `layer` outputs `activation` instead of what it computes. */
export function runReplacing(
  method: string,
  model: tf.LayersModel,
  layer: tf.layers.Layer,
  batch: tf.Tensor,
  activation: tf.Tensor,
): tf.Tensor {
  return withCall(
    method,
    layer,
    // A clone: the executor disposes intermediate outputs once used, and `activation` is the caller's.
    () => () => activation.clone(),
    () => single(model.apply(batch, { training: false }) as tf.Tensor | tf.Tensor[]),
  );
}

/** Runs `fn` with the model's final softmax/sigmoid switched off, so gradients are taken of the class
 *  score (logit) as Grad-CAM and gradient saliency prescribe; saturated probabilities have none. */
export function withLogits<T>(model: tf.LayersModel, fn: () => T): T {
  const last = model.outputs[0].sourceLayer as unknown as {
    activation?: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor };
  };
  const activation = last.activation;
  if (activation === undefined || !['softmax', 'sigmoid'].includes(activation.getClassName().toLowerCase()))
    return fn();
  last.activation = { getClassName: () => 'linear', apply: (x: tf.Tensor) => x };
  try {
    return fn();
  } finally {
    last.activation = activation;
  }
}
