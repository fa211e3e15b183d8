// Explanations of radnb's own model builders on wasm (the kernel's usual backend): sequential with
// dropout, a functional ResNet with batch norm and residual adds, and a model nested inside another.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import { resnet18, smallCnn } from '../../src/cnn/models';
import { type Explanation, gradCam, listConvLayers, occlusion, sanityCheck, smoothGrad } from '../../src/cnn/explain';

function noLeak<T>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const result = fn();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  return result;
}

function isHeatmap(e: Explanation, size: number): void {
  assert.equal(e.values.length, size * size);
  assert.ok(e.values.every((v) => v >= 0 && v <= 1));
  assert.equal(Math.max(...e.values), 1, `${e.method} is all zero`);
}

describe('explaining the model builders on wasm', () => {
  let image: tf.Tensor3D;

  before(async () => {
    await initBackend({ prefer: 'wasm' });
    image = tf.randomUniform([32, 32, 1], 0, 1, 'float32', 5) as tf.Tensor3D;
  });

  it('smallCnn: Grad-CAM on its last conv, SmoothGrad and occlusion, without leaks', () => {
    const model = smallCnn({ inputShape: [32, 32, 1], filters: [8, 16], seed: 2 });
    const cam = noLeak(() => gradCam(model, image));
    assert.equal(cam.details.layer, 'conv2');
    isHeatmap(cam, 32);
    isHeatmap(
      noLeak(() => smoothGrad(model, image, { samples: 4 })),
      32,
    );
    isHeatmap(
      noLeak(() => occlusion(model, image, { patch: 8, stride: 8 })),
      32,
    );
    tf.dispose(model.getWeights());
  });

  it('resnet18 (batch norm, residual adds): Grad-CAM and the sanity check run and restore the weights', () => {
    const model = resnet18({ inputShape: [32, 32, 1], width: 4, stem: 'small', blocks: [1, 1, 1, 1], seed: 3 });
    const convs = listConvLayers(model);
    const cam = noLeak(() => gradCam(model, image));
    assert.equal(cam.details.layer, convs[convs.length - 1].name);
    isHeatmap(cam, 32);
    const before = model.getWeights().map((w) => w.dataSync().slice());
    const check = noLeak(() => sanityCheck(model, image, (m, x) => gradCam(m, x)));
    assert.equal(check.steps.length, model.layers.filter((l) => l.getWeights().some((w) => w.rank >= 2)).length);
    model.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), before[i]));
    tf.dispose(model.getWeights());
  });

  it('a conv layer inside a nested model is found and gives the same Grad-CAM as the inner model', () => {
    const inner = smallCnn({ inputShape: [32, 32, 1], filters: [8, 16], seed: 4, dropout: 0 });
    const input = tf.input({ shape: [32, 32, 1] });
    const outer = tf.model({ inputs: input, outputs: inner.apply(input) as tf.SymbolicTensor, name: 'wrapper' });
    const direct = gradCam(inner, image, { layer: 'conv1' });
    const nested = noLeak(() => gradCam(outer, image, { layer: 'conv1' }));
    nested.values.forEach((v, i) => assert.ok(Math.abs(v - direct.values[i]) < 1e-5));
    assert.equal(gradCam(outer, image).details.layer, 'conv2');
    tf.dispose(inner.getWeights());
  });

  it('a layer applied twice (shared weights) is refused with its name, leaving the model usable', () => {
    const input = tf.input({ shape: [32, 32, 1] });
    const shared = tf.layers.conv2d({ name: 'shared', filters: 1, kernelSize: 3, padding: 'same' });
    const head = tf.layers
      .dense({ units: 1 })
      .apply(tf.layers.flatten().apply(shared.apply(shared.apply(input)))) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: head });
    const tensors = tf.memory().numTensors;
    assert.throws(() => gradCam(model, image, { layer: 'shared' }), /layer "shared" is applied 2 times in the model/);
    assert.equal(tf.memory().numTensors, tensors, 'a refused explanation leaves no tensor behind');
    const after = tf.tidy(() => (model.predict(image.expandDims(0)) as tf.Tensor).dataSync());
    assert.equal(after.length, 1);
    tf.dispose(model.getWeights());
  });
});
