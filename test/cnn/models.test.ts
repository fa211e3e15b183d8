// The model builders: architecture (shapes, parameter counts checked against the published networks),
// option errors, and that every model trains on wasm (its gradients — incl. transposed convolutions,
// batch norm, residual adds — all exist there).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import { ModelOptionsError, dncnn, resnet18, smallCnn, unet2d } from '../../src/cnn/models';

function trainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.read().size, 0);
}

/** Training loss of the first and last of 20 Adam steps on one fixed batch: a model whose gradients flow fits it. */
async function fitsOneBatch(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  loss: string,
): Promise<[number, number]> {
  model.compile({ optimizer: tf.train.adam(0.01), loss });
  const history = await model.fit(x, y, { epochs: 20, batchSize: x.shape[0], verbose: 0, shuffle: false });
  const losses = history.history.loss as number[];
  return [losses[0], losses[losses.length - 1]];
}

describe('model builders', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('smallCnn: conv+pool blocks, dense head, sigmoid or softmax output; same seed, same weights', () => {
    const binary = smallCnn({ inputShape: [32, 32, 1], seed: 1 });
    assert.deepEqual(binary.outputs[0].shape, [null, 1]);
    assert.deepEqual(binary.layers.filter((l) => l.getClassName() === 'Conv2D').length, 3);
    const again = smallCnn({ inputShape: [32, 32, 1], seed: 1 });
    assert.deepEqual(binary.getWeights()[0].dataSync(), again.getWeights()[0].dataSync());
    const multi = smallCnn({ inputShape: [28, 28, 3], classes: 4, filters: [8], head: 'average', denseUnits: 0 });
    assert.deepEqual(multi.outputs[0].shape, [null, 4]);
    const probs = tf.tidy(() => (multi.predict(tf.ones([2, 28, 28, 3])) as tf.Tensor).sum(1).dataSync());
    assert.ok(Math.abs(probs[0] - 1) < 1e-5);
    tf.dispose([binary, again, multi].flatMap((m) => m.getWeights()));
  });

  it('resnet18 at width 64 has the 11,689,512 trainable parameters of the original (ImageNet head)', () => {
    const model = resnet18({ inputShape: [224, 224, 3], classes: 1000 });
    assert.equal(trainableParams(model), 11_689_512);
    assert.deepEqual(model.outputs[0].shape, [null, 1000]);
    tf.dispose(model.getWeights());
  });

  it('dncnn with 17 layers and 64 filters has the paper’s 556 k parameters and returns an image', () => {
    const model = dncnn({ inputShape: [40, 40, 1] });
    assert.equal(trainableParams(model), 556_097);
    assert.deepEqual(model.outputs[0].shape, [null, 40, 40, 1]);
    tf.dispose(model.getWeights());
  });

  it('unet2d maps an image to a per-pixel mask and rejects sizes the pooling cannot halve', () => {
    const model = unet2d({ inputShape: [64, 64, 1], classes: 3, depth: 3, baseFilters: 4 });
    assert.deepEqual(model.outputs[0].shape, [null, 64, 64, 3]);
    assert.throws(
      () => unet2d({ inputShape: [100, 100, 1], depth: 4 }),
      (err: Error) => err instanceof ModelOptionsError && /100×100 is not divisible by 16/.test(err.message),
    );
    assert.throws(() => smallCnn({ inputShape: [28, 28] }), ModelOptionsError);
    assert.throws(() => resnet18({ inputShape: [28, 28, 1], classes: 0 }), /classes must be a positive integer/);
    tf.dispose(model.getWeights());
  });

  it('every model trains on wasm (its loss on a fixed batch falls)', async () => {
    const image = tf.randomUniform([4, 32, 32, 1], 0, 1, 'float32', 3);
    const labels = tf.tensor2d([[0], [1], [0], [1]]);
    const masks = image.greater(0.5).toFloat();
    const cases: Array<[string, tf.LayersModel, tf.Tensor, string]> = [
      ['smallCnn', smallCnn({ inputShape: [32, 32, 1], seed: 1, dropout: 0 }), labels, 'binaryCrossentropy'],
      ['resnet18', resnet18({ inputShape: [32, 32, 1], width: 8, seed: 2 }), labels, 'binaryCrossentropy'],
      ['unet2d', unet2d({ inputShape: [32, 32, 1], depth: 2, baseFilters: 4, seed: 3 }), masks, 'binaryCrossentropy'],
      ['dncnn', dncnn({ inputShape: [32, 32, 1], depth: 4, filters: 8, seed: 4 }), image, 'meanSquaredError'],
    ];
    for (const [name, model, target, loss] of cases) {
      const noisy =
        name === 'dncnn' ? tf.tidy(() => image.add(tf.randomNormal(image.shape, 0, 0.1, 'float32', 5))) : image;
      const [lossBefore, lossAfter] = await fitsOneBatch(model, noisy, target, loss);
      assert.ok(lossAfter < lossBefore * 0.9, `${name}: loss ${lossBefore} → ${lossAfter}`);
    }
  });
});
