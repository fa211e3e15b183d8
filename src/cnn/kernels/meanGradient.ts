// Mean's gradient as dy / n broadcast to x's shape by one Tile; tfjs writes (dy · ones(x.shape)) / n, a full-size
// Fill, product and division, and batch normalisation takes two means per layer and step. Same numbers: dy · 1 is
// dy exactly.
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

export const meanGradientPatch: RadnbPatch = {
  name: 'Mean gradient',
  backends: ['wasm', 'cpu'],
  install: useBroadcastMeanGradient,
};
