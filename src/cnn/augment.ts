// Data augmentation for training batches, as tensor ops: random flips, small rotations, zoom and shifts
// (one affine transform per image, applied to segmentation targets too), intensity/window jitter
// (contrast and brightness, i.e. window width and level) and Gaussian noise on the image only.
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../common/random';
import type { Random } from '../common/random';

export interface AugmentOptions {
  /** Mirror left–right with probability ½. Mind laterality: fine for many tasks, wrong for some. */
  flipHorizontal?: boolean;
  /** Mirror top–bottom with probability ½. */
  flipVertical?: boolean;
  /** Rotate by a uniform angle in ±rotateDegrees. */
  rotateDegrees?: number;
  /** Zoom by a uniform factor in 1 ± zoom (above 1 magnifies), about the image centre. */
  zoom?: number;
  /** Shift by a uniform fraction in ±translate of the image's height (rows) and width (columns). */
  translate?: number;
  /** Multiply by 1 ± scale (window width) and add ± shift (window level), uniform per image. */
  intensity?: { scale?: number; shift?: number };
  /** Standard deviation of added Gaussian noise, in image units. */
  noiseStd?: number;
}

export interface AugmentedBatch {
  x: tf.Tensor4D;
  /** The target moved like the image (segmentation masks); absent when none was given. */
  target?: tf.Tensor4D;
}

const uniform = (random: Random, max: number) => (2 * random() - 1) * max;

/** Per image: output pixel → input pixel, flips, rotation and zoom about the image centre, then a shift
 * ([a0 a1 a2 b0 b1 b2 0 0]). */
function geometricTransforms(
  n: number,
  height: number,
  width: number,
  options: AugmentOptions,
  random: Random,
): number[][] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return Array.from({ length: n }, () => {
    const fx = options.flipHorizontal && random() < 0.5 ? -1 : 1;
    const fy = options.flipVertical && random() < 0.5 ? -1 : 1;
    const angle = ((options.rotateDegrees ? uniform(random, options.rotateDegrees) : 0) * Math.PI) / 180;
    // the transform maps output to input, so magnifying by z samples the input 1/z as far from the centre
    const inverseZoom = 1 / (1 + (options.zoom ? uniform(random, options.zoom) : 0));
    const shiftX = options.translate ? uniform(random, options.translate) * width : 0;
    const shiftY = options.translate ? uniform(random, options.translate) * height : 0;
    const [cos, sin] = [Math.cos(angle) * inverseZoom, Math.sin(angle) * inverseZoom];
    const a = [cos * fx, -sin * fy];
    const b = [sin * fx, cos * fy];
    return [a[0], a[1], cx - a[0] * cx - a[1] * cy - shiftX, b[0], b[1], cy - b[0] * cx - b[1] * cy - shiftY, 0, 0];
  });
}

/** One augmented batch; the same seed gives the same result. Disposes nothing it was given. */
export function augment(x: tf.Tensor4D, options: AugmentOptions, seed: number, target?: tf.Tensor4D): AugmentedBatch {
  return tf.tidy(() => {
    const random = seededRandom(seed);
    const [n, height, width] = x.shape;
    let image: tf.Tensor4D = x;
    let moved: tf.Tensor4D | undefined = target;
    if (options.flipHorizontal || options.flipVertical || options.rotateDegrees || options.zoom || options.translate) {
      const transforms = tf.tensor2d(geometricTransforms(n, height, width, options, random));
      image = tf.image.transform(image, transforms, 'bilinear', 'nearest');
      if (moved !== undefined) moved = tf.image.transform(moved, transforms, 'nearest', 'nearest');
    }
    if (options.intensity) {
      const { scale = 0, shift = 0 } = options.intensity;
      const scales = tf.tensor4d(
        Array.from({ length: n }, () => 1 + uniform(random, scale)),
        [n, 1, 1, 1],
      );
      const shifts = tf.tensor4d(
        Array.from({ length: n }, () => uniform(random, shift)),
        [n, 1, 1, 1],
      );
      image = image.mul(scales).add(shifts);
    }
    if (options.noiseStd) {
      image = image.add(tf.randomNormal(image.shape, 0, options.noiseStd, 'float32', Math.floor(random() * 2 ** 31)));
    }
    // tidy keeps what is returned; hand back copies of untouched inputs so callers may dispose results freely
    return {
      x: image === x ? x.clone() : image,
      target: moved === undefined ? undefined : moved === target ? moved.clone() : moved,
    };
  });
}
