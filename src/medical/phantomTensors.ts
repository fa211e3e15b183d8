// The synthetic CT phantom as training tensors, straight from memory (no files): the embedded default
// dataset, so demos and tests train on a fresh machine without a download. One example per slice.
import * as tf from '@tensorflow/tfjs';
import { splitByPatient, type SplitFractions, type SplitName } from './datasets/split';
import { generatePhantom, sliceHasNodule, type PhantomCase, type PhantomOptions } from './phantom';

export interface PhantomTensorOptions extends PhantomOptions {
  /** 'unit' (default): HU −1000 … 400 mapped to [0, 1] and clipped; 'hu': raw Hounsfield units. */
  scale?: 'unit' | 'hu';
}

export interface PhantomTensors {
  /** [cases × slices, rows, columns, 1] float32. */
  images: tf.Tensor4D;
  /** [cases × slices, rows, columns, 1] float32, 1 inside a nodule. */
  masks: tf.Tensor4D;
  /** [cases × slices] float32, 1 when the slice shows a nodule. */
  labels: tf.Tensor1D;
  /** Case of each example, for splits by patient. */
  caseOfExample: Int32Array;
  cases: PhantomCase[];
  dispose(): void;
}

const UNIT_LOW = -1000;
const UNIT_HIGH = 400;

export function phantomTensors(count: number, options: PhantomTensorOptions = {}): PhantomTensors {
  const cases = generatePhantom(count, options);
  const { rows, columns, slices } = cases[0] ?? { rows: 0, columns: 0, slices: 0 };
  const n = count * slices;
  const size = rows * columns;
  const pixels = new Float32Array(n * size);
  const masks = new Float32Array(n * size);
  const labels = new Float32Array(n);
  const caseOfExample = new Int32Array(n);
  cases.forEach((phantom, c) => {
    for (let z = 0; z < slices; z++) {
      const example = c * slices + z;
      for (let i = 0; i < size; i++) {
        const hu = phantom.hu[z * size + i];
        pixels[example * size + i] =
          options.scale === 'hu' ? hu : Math.min(1, Math.max(0, (hu - UNIT_LOW) / (UNIT_HIGH - UNIT_LOW)));
        masks[example * size + i] = phantom.mask[z * size + i];
      }
      labels[example] = sliceHasNodule(phantom, z) ? 1 : 0;
      caseOfExample[example] = c;
    }
  });
  const images = tf.tensor4d(pixels, [n, rows, columns, 1]);
  const maskTensor = tf.tensor4d(masks, [n, rows, columns, 1]);
  const labelTensor = tf.tensor1d(labels);
  return {
    images,
    masks: maskTensor,
    labels: labelTensor,
    caseOfExample,
    cases,
    dispose: () => tf.dispose([images, maskTensor, labelTensor]),
  };
}

export interface PhantomSplit {
  images: tf.Tensor4D;
  masks: tf.Tensor4D;
  labels: tf.Tensor1D;
  /** Case of each example of this split. */
  caseOfExample: Int32Array;
}

/** Train/validation/test tensors with every case (= patient) in exactly one split. The caller disposes
 *  the returned tensors; `tensors` stay valid. */
export function splitPhantomTensors(
  tensors: PhantomTensors,
  fractions?: SplitFractions,
  seed = 1,
): Record<SplitName, PhantomSplit> {
  const splits = splitByPatient(Array.from(tensors.caseOfExample, String), fractions, seed);
  const pick = (name: SplitName): PhantomSplit => {
    const indices = splits.flatMap((s, i) => (s === name ? [i] : []));
    const at = tf.tensor1d(indices, 'int32');
    const split = {
      images: tf.gather(tensors.images, at) as tf.Tensor4D,
      masks: tf.gather(tensors.masks, at) as tf.Tensor4D,
      labels: tf.gather(tensors.labels, at) as tf.Tensor1D,
      caseOfExample: Int32Array.from(indices, (i) => tensors.caseOfExample[i]),
    };
    at.dispose();
    return split;
  };
  return { train: pick('train'), val: pick('val'), test: pick('test') };
}
