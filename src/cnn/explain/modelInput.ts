// One image for a model: [H, W, C] or [1, H, W, C], checked against the model's input shape.
import * as tf from '@tensorflow/tfjs';
import { ExplainError } from './errors';

/** Adds the batch axis when missing; the result is a new tensor or `input` itself (caller does not dispose). */
export function asBatch(method: string, model: tf.LayersModel, input: tf.Tensor): tf.Tensor4D {
  const expected = model.inputs[0].shape;
  if (expected.length !== 4)
    throw new ExplainError(
      method,
      `model "${model.name}" takes rank-${expected.length} input; explanations need images [H, W, C]`,
    );
  const batch = input.rank === 3 ? input.expandDims(0) : input;
  if (batch.rank !== 4 || batch.shape[0] !== 1) {
    throw new ExplainError(
      method,
      `input of shape [${input.shape.join(', ')}] must be one image [H, W, C] or [1, H, W, C]`,
    );
  }
  const mismatch = expected.slice(1).some((d, i) => d !== null && d !== batch.shape[i + 1]);
  if (mismatch)
    throw new ExplainError(
      method,
      `input [${input.shape.join(', ')}] does not fit the model's input [${expected.join(', ')}]`,
    );
  return batch as tf.Tensor4D;
}

/** Output class to explain: `classIndex` if given, else the predicted one (the only unit for sigmoid). */
export function resolveClass(method: string, output: tf.Tensor, classIndex: number | undefined): number {
  const units = output.shape[output.rank - 1];
  if (classIndex === undefined) return units === 1 ? 0 : (output.reshape([-1]).argMax().dataSync()[0] as number);
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= units) {
    throw new ExplainError(method, `classIndex ${classIndex} is outside the model's ${units} output units`);
  }
  return classIndex;
}

/** Sum over the batch of output unit `classIndex`: the scalar whose gradient explains that class. */
export function classScore(output: tf.Tensor, classIndex: number): tf.Scalar {
  const units = output.shape[output.rank - 1];
  return output.reshape([-1, units]).slice([0, classIndex], [-1, 1]).sum();
}
