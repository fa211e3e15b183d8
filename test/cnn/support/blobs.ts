// A tiny synthetic radiology task: noisy greyscale images with or without a faint bright blob (a
// "nodule") at a random place. Deterministic for a seed.
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../../src/common/random';

export function blobImages(
  n: number,
  size: number,
  seed: number,
  contrast = 0.6,
): { x: tf.Tensor4D; y: tf.Tensor2D; labels: number[] } {
  const random = seededRandom(seed);
  const pixels = new Float32Array(n * size * size);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const present = i % 2;
    labels.push(present);
    const cx = 4 + random() * (size - 8);
    const cy = 4 + random() * (size - 8);
    const radius = 2 + random() * 2;
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const noise = (random() + random() + random() - 1.5) * 0.3;
        const blob = present ? contrast * Math.exp(-((r - cy) ** 2 + (c - cx) ** 2) / (2 * radius ** 2)) : 0;
        pixels[(i * size + r) * size + c] = 0.3 + noise + blob;
      }
    }
  }
  return { x: tf.tensor4d(pixels, [n, size, size, 1]), y: tf.tensor2d(labels, [n, 1]), labels };
}

/** ROC AUC as the Mann–Whitney probability that a positive scores above a negative (ties count ½). */
export function rocAuc(scores: ArrayLike<number>, labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  labels.forEach((li, i) => {
    if (li !== 1) return;
    labels.forEach((lj, j) => {
      if (lj !== 0) return;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return wins / pairs;
}
