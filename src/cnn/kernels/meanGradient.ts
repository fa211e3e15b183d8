// Mean's gradient as dy / n broadcast to x's shape. tfjs writes it (dy · ones(x.shape)) / n: a full-size Fill,
// product and division where one Tile does — and batch normalisation takes two means of every activation
// (its batch mean and variance) in each training step. The numbers are the same: dy · 1 is dy exactly.
import * as tf from '@tensorflow/tfjs';
import { backend_util, util } from '@tensorflow/tfjs-core';
import { gradientInstaller } from './gradientInstaller';
import type { RadnbPatch } from './kernelTypes';

const useBroadcastMeanGradient = gradientInstaller({
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape);
    const reduceSize = util.sizeFromShape(backend_util.computeOutAndReduceShapes(x.shape, axes)[1]);
    const keptShape = x.shape.map((size, axis) => (axes.includes(axis) ? 1 : size));
    return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, keptShape), reduceSize), x.shape) };
  },
});

export const meanGradientPatch: RadnbPatch = { name: 'Mean gradient', backends: ['wasm', 'cpu'], install: useBroadcastMeanGradient };
