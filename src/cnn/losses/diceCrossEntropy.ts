// Dice + binary cross-entropy, the segmentation loss of MONAI's DiceCELoss: the Dice term scores overlap however
// small the structure is next to the image, the cross-entropy term keeps every pixel's gradient smooth early on.
import * as tf from '@tensorflow/tfjs';

/**
 * Soft Dice loss over the whole batch (smoothed by 1, so a batch without foreground still has a defined loss)
 * plus the mean binary cross-entropy of sigmoid probabilities `predicted` against the 0/1 mask `truth`.
 * Use as `model.compile({ loss: diceCrossEntropy, … })`.
 */
export function diceCrossEntropy(truth: tf.Tensor, predicted: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = predicted.clipByValue(1e-6, 1 - 1e-6);
    const bce = truth
      .mul(p.log())
      .add(truth.neg().add(1).mul(p.neg().add(1).log()))
      .neg()
      .mean();
    const softDice = truth.mul(p).sum().mul(2).add(1).div(truth.sum().add(p.sum()).add(1));
    return bce.add(tf.scalar(1).sub(softDice)) as tf.Scalar;
  });
}
