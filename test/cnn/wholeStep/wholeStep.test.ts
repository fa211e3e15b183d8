// The whole-step path (src/cnn/wholeStep) trains and predicts with the numbers of tfjs' own path: for models
// made of every layer type it plans, the loss curve and the weights after several SGD or Adam steps through
// model.fit (metrics and class weights included; with Adam, the weights to float precision where its ε outweighs
// the rounding of a gradient that is exactly 0, within a step otherwise) match tfjs' layer-by-layer path — on
// the cpu backend, tfjs' reference arithmetic, and on wasm itself where that path sums the same way (with batch
// normalisation it does not: its batch mean is one average-pooling window over every row, whose rounding moves a
// few steps' loss by ~2e-4 where the whole step stays within 1e-5 of cpu) — and predictions match; it leaves no
// tensor behind, is bit-identical run to run, and anything it does not plan (or a prediction under a gradient
// tape) still runs on tfjs' path.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/cnn/backend';
import { dncnn, resnet18, smallCnn, unet2d } from '../../../src/cnn/models';
import { useWholeStepPath, wholeStepPredicts, wholeStepUnavailable } from '../../../src/cnn/wholeStep/wholeStepPatch';
import { planOf } from '../../../src/cnn/wholeStep/layerGraph';
import type { LayerPlan } from '../../../src/cnn/wholeStep/layerGraph';
import { pneumoniaNet } from '../../../bench/support/cnnWorkloads';
import { assertClose } from '../support/compare';

type Layers = (x: tf.SymbolicTensor) => tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
  layer.apply(x) as tf.SymbolicTensor;
const he = (seed: number) => tf.initializers.heNormal({ seed });

interface Case {
  name: string;
  inputShape: number[];
  body: Layers;
  loss: string;
  /** Target of one example. */
  target: number[];
  /** Binary targets (rounded); otherwise uniform in [0, 1). */
  classes?: boolean;
  metrics?: string[];
  /** tfjs' own path on wasm sums these numbers in another order (see the top of the file). */
  batchNorm?: boolean;
}

/** Every layer type the path plans, a few per model, in the configurations the notebooks use and others. */
const CASES: Case[] = [
  {
    name: 'Conv2D (bias + ReLU, no bias, stride 2 valid), MaxPooling2D, Flatten, Dense (ReLU, sigmoid), Dropout',
    inputShape: [12, 12, 1],
    body: (x) => {
      let h = apply(
        tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: he(1) }),
        x,
      );
      h = apply(tf.layers.maxPooling2d({ poolSize: 2 }), h);
      h = apply(
        tf.layers.conv2d({
          filters: 12,
          kernelSize: 3,
          strides: 2,
          padding: 'valid',
          useBias: false,
          kernelInitializer: he(2),
        }),
        h,
      );
      h = apply(tf.layers.flatten(), h);
      h = apply(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: he(3) }), h);
      h = apply(tf.layers.dropout({ rate: 0.25, seed: 4 }), h);
      return apply(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: he(5) }), h);
    },
    loss: 'binaryCrossentropy',
    target: [1],
    classes: true,
    metrics: ['accuracy'],
  },
  {
    name: 'BatchNormalization (+ ReLU layer, + Activation relu, on its own), GlobalAveragePooling2D, softmax',
    inputShape: [10, 10, 2],
    body: (x) => {
      let h = apply(
        tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: he(1) }),
        x,
      );
      h = apply(tf.layers.batchNormalization({ momentum: 0.9 }), h);
      h = apply(tf.layers.reLU(), h);
      h = apply(
        tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: he(2) }),
        h,
      );
      h = apply(tf.layers.batchNormalization({ epsilon: 0.01 }), h);
      h = apply(tf.layers.activation({ activation: 'relu' }), h);
      h = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), h);
      h = apply(tf.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false, kernelInitializer: he(4) }), h);
      h = apply(tf.layers.batchNormalization({}), h);
      h = apply(tf.layers.globalAveragePooling2d({}), h);
      return apply(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: he(3) }), h);
    },
    loss: 'categoricalCrossentropy',
    target: [3],
    metrics: ['accuracy'],
    batchNorm: true,
  },
  {
    name: 'Conv2DTranspose, Concatenate, Add, ReLU on its own, a 1×1 sigmoid convolution',
    inputShape: [8, 8, 1],
    body: (x) => {
      const skip = apply(
        tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: he(1) }),
        x,
      );
      let h = apply(tf.layers.maxPooling2d({ poolSize: 2 }), skip);
      h = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: he(2) }), h);
      h = apply(tf.layers.reLU(), h);
      h = apply(
        tf.layers.conv2dTranspose({ filters: 8, kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: he(3) }),
        h,
      );
      const joined = apply(tf.layers.concatenate(), [h, skip]);
      h = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: he(4) }), joined);
      h = apply(tf.layers.add(), [h, skip]);
      return apply(tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', kernelInitializer: he(5) }), h);
    },
    loss: 'binaryCrossentropy',
    target: [8, 8, 1],
    classes: true,
  },
  {
    name: 'a residual denoiser: convolutions, batch norm, an Add as the output, mean squared error',
    inputShape: [16, 16, 1],
    body: (x) => {
      let h = apply(
        tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: he(1) }),
        x,
      );
      h = apply(
        tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: he(2) }),
        h,
      );
      h = apply(tf.layers.batchNormalization({}), h);
      h = apply(tf.layers.reLU(), h);
      h = apply(tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', kernelInitializer: he(3) }), h);
      return apply(tf.layers.add(), [x, h]);
    },
    loss: 'meanSquaredError',
    target: [16, 16, 1],
    batchNorm: true,
  },
  {
    name: 'dilated Conv2D, Conv2DTranspose (valid, stride 1), Add of three, Dense without bias, batch norm after Dense',
    inputShape: [9, 9, 2],
    body: (x) => {
      let h = apply(
        tf.layers.conv2d({
          filters: 8,
          kernelSize: 3,
          dilationRate: 2,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: he(1),
        }),
        x,
      );
      h = apply(
        tf.layers.conv2dTranspose({ filters: 8, kernelSize: 3, padding: 'valid', kernelInitializer: he(2) }),
        h,
      );
      const pointwise = apply(tf.layers.conv2d({ filters: 8, kernelSize: 1, kernelInitializer: he(3) }), h);
      const spatial = apply(
        tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: he(4) }),
        h,
      );
      // the ReLU keeps the biases before it from a gradient of exactly 0 (the batch norm would cancel them)
      h = apply(tf.layers.reLU(), apply(tf.layers.add(), [h, pointwise, spatial]));
      h = apply(tf.layers.flatten(), h);
      h = apply(tf.layers.dense({ units: 12, useBias: false, kernelInitializer: he(5) }), h);
      h = apply(tf.layers.batchNormalization({}), h);
      h = apply(tf.layers.reLU(), h);
      return apply(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: he(6) }), h);
    },
    loss: 'categoricalCrossentropy',
    target: [3],
    metrics: ['accuracy'],
    batchNorm: true,
  },
];

function build(c: Case): tf.LayersModel {
  const input = tf.input({ shape: c.inputShape });
  return tf.model({ inputs: input, outputs: c.body(input) });
}

function data(c: Case, examples: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.randomUniform([examples, ...c.inputShape], 0, 1, 'float32', 11);
    const u = tf.randomUniform([examples, ...c.target], 0, 1, 'float32', 12);
    const y = c.classes
      ? u.round()
      : c.loss === 'categoricalCrossentropy'
        ? tf.oneHot(u.argMax(-1), c.target[0]).toFloat()
        : u;
    return { x, y };
  });
}

interface Run {
  losses: number[];
  metrics: number[];
  weights: Float32Array[];
  predictions: Float32Array;
}

/**
 * Three epochs of two batches (six steps) through model.fit, then a prediction; on wasm with the whole-step path
 * on or off, or on cpu. Plain SGD unless told: Adam's first steps are ±learning rate wherever a gradient is
 * tiny, whatever its rounding, which would hide how close the gradients are (the optimizer is tfjs' own on
 * every path; the Adam tests below say how they compare).
 */
async function train(
  c: Case,
  path: 'whole step' | 'wasm' | 'cpu',
  classWeight?: Record<number, number>,
  optimizer: () => tf.Optimizer = () => tf.train.sgd(0.1),
): Promise<Run> {
  useWholeStepPath(path === 'whole step' ? 'always' : 'off');
  await tf.setBackend(path === 'cpu' ? 'cpu' : 'wasm');
  try {
    const model = build(c);
    model.compile({ optimizer: optimizer(), loss: c.loss, metrics: c.metrics });
    const { x, y } = data(c, 16);
    const history = await model.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0, classWeight });
    const predictions = tf.tidy(() => (model.predict(x, { batchSize: 12 }) as tf.Tensor).dataSync() as Float32Array);
    const run = {
      losses: history.history.loss as number[],
      metrics: (history.history.acc ?? []) as number[],
      weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
      predictions,
    };
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
    return run;
  } finally {
    useWholeStepPath('auto');
    await tf.setBackend('wasm');
  }
}

/** tfjs' paths a case is compared with: wasm too, unless it normalises batches (see the top of the file). */
const referencesOf = (c: Case) => (c.batchNorm ? (['cpu'] as const) : (['cpu', 'wasm'] as const));

/** Asserts that the whole step trained and predicts as tfjs' `reference` run did. */
function assertSameRun(whole: Run, tfjs: Run, reference: string): void {
  assertClose(whole.losses, tfjs.losses, 1e-5, `loss curve (${reference})`);
  assertClose(whole.metrics, tfjs.metrics, 0, `accuracy (${reference})`);
  whole.weights.forEach((w, i) => assertClose(w, tfjs.weights[i], 1e-5, `weight ${i} after 6 steps (${reference})`));
  assertClose(whole.predictions, tfjs.predictions, 1e-4, `predictions (${reference})`);
}

/** Adam's learning rate in the tests: tfjs' default, notebook 03's and radnb's trainer's. */
const ADAM_RATE = 1e-3;

describe('whole-step training and inference on wasm', () => {
  before(async () => {
    assert.equal((await initBackend({ prefer: 'cpu' })).name, 'cpu');
    assert.equal((await initBackend({ prefer: 'wasm' })).name, 'wasm');
  });

  for (const c of CASES) {
    it(`matches tfjs' own path: ${c.name}`, async () => {
      assert.equal(wholeStepUnavailable(build(c)), undefined, 'the path plans this model');
      const whole = await train(c, 'whole step');
      for (const reference of referencesOf(c)) assertSameRun(whole, await train(c, reference), reference);
    });
  }

  for (const c of CASES) {
    it(`trains with Adam as tfjs' own path does: ${c.name}`, async () => {
      // Float32 rounds each operation to 6e-8 and the paths sum a gradient's terms in other orders: gradients
      // differ by 1e-6–1e-5 of their size, each Adam step (at most about the rate, 1e-3) by as little, and the
      // weights after 6 steps by < 1e-6 (seen: ≤ 9e-7); 1e-5, as with SGD, is a tenfold margin. ε: see below.
      const adam = () => tf.train.adam(ADAM_RATE, 0.9, 0.999, 1e-4);
      const whole = await train(c, 'whole step', undefined, adam);
      for (const reference of referencesOf(c)) {
        assertSameRun(whole, await train(c, reference, undefined, adam), `${reference}, Adam ε 1e-4`);
      }
      // The notebooks' Adam (ε = 1e-7) divides a gradient that is float32 noise (~1e-8 where it is 0 exactly: a
      // batch-norm offset that the next batch norm cancels, a filter tap that reads only padding) by its own size:
      // a step of up to the rate with the noise's sign, so even tfjs' cpu and wasm differ there by ~0.4 × rate.
      // ε = 1e-4 damps those steps below 1e-4 × rate and still divides every larger gradient by its root mean
      // square (the bias corrections and ε's place count). With ε = 1e-7 the loss curve still matches to float
      // precision, and each weight within one step (the rate; a missing bias correction is 2 × rate off at once).
      const notebookAdam = () => tf.train.adam(ADAM_RATE);
      const notebook = await train(c, 'whole step', undefined, notebookAdam);
      for (const reference of referencesOf(c)) {
        const tfjs = await train(c, reference, undefined, notebookAdam);
        assertClose(notebook.losses, tfjs.losses, 1e-5, `loss curve (${reference}, Adam ε 1e-7)`);
        notebook.weights.forEach((w, i) =>
          assertClose(w, tfjs.weights[i], ADAM_RATE, `weight ${i} after 6 steps (${reference}, Adam ε 1e-7)`),
        );
      }
    });
  }

  it("hands Adam the gradients in tfjs' order: its moments, kept by position, carry over to tfjs' steps", async () => {
    // four whole steps, then two of tfjs' own on the same optimizer (a model the path stops running midway)
    const c = CASES[2];
    const adam = () => tf.train.adam(ADAM_RATE, 0.9, 0.999, 1e-4);
    const tfjs = await train(c, 'wasm', undefined, adam);
    assert.equal(tf.getBackend(), 'wasm');
    const model = build(c);
    model.compile({ optimizer: adam(), loss: c.loss });
    const { x, y } = data(c, 16);
    const losses: number[] = [];
    try {
      for (const [epochs, wholeStep] of [
        [2, true],
        [1, false],
      ] as const) {
        useWholeStepPath(wholeStep ? 'always' : 'off');
        const history = await model.fit(x, y, { epochs, batchSize: 8, shuffle: false, verbose: 0 });
        losses.push(...(history.history.loss as number[]));
      }
    } finally {
      useWholeStepPath('auto');
    }
    assertClose(losses, tfjs.losses, 1e-5, 'loss curve');
    model.getWeights().forEach((w, i) => assertClose(w.dataSync(), tfjs.weights[i], 1e-5, `weight ${i}`));
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });

  it('weighs the loss by class weights as tfjs does', async () => {
    const c = CASES[0];
    const tfjs = await train(c, 'wasm', { 0: 0.3, 1: 2.5 });
    const whole = await train(c, 'whole step', { 0: 0.3, 1: 2.5 });
    assertClose(whole.losses, tfjs.losses, 1e-5, 'weighted loss curve');
    whole.weights.forEach((w, i) => assertClose(w, tfjs.weights[i], 1e-4, `weight ${i}`));
  });

  it("trains notebook 02's network (six batch-normalised convolutions, dropout) as tfjs' reference path does", async () => {
    // with SGD, and with the notebooks' Adam: its weights within one step (see the Adam tests above)
    for (const [name, optimizer] of [
      ['SGD', () => tf.train.sgd(0.1)],
      ['Adam', () => tf.train.adam(ADAM_RATE)],
    ] as const) {
      const runs: Array<{ losses: number[]; weights: Float32Array[] }> = [];
      for (const path of ['cpu', 'whole step'] as const) {
        useWholeStepPath(path === 'whole step' ? 'always' : 'off');
        await tf.setBackend(path === 'cpu' ? 'cpu' : 'wasm');
        const model = pneumoniaNet([8, 16, 32], 1);
        model.compile({ optimizer: optimizer(), loss: 'binaryCrossentropy' });
        const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 21);
        const y = tf.randomUniform([16, 1], 0, 1, 'float32', 22).round();
        const history = await model.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
        runs.push({
          losses: history.history.loss as number[],
          weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
        });
        tf.dispose([x, y]);
        model.optimizer.dispose();
        model.dispose();
      }
      useWholeStepPath('auto');
      await tf.setBackend('wasm');
      const [tfjs, whole] = runs;
      assertClose(whole.losses, tfjs.losses, 1e-5, `loss curve (${name})`);
      const tolerance = name === 'Adam' ? ADAM_RATE : 1e-4;
      whole.weights.forEach((w, i) => assertClose(w, tfjs.weights[i], tolerance, `weight ${i} (${name})`));
    }
  });

  it('plans the networks radnb builds and notebooks 02–04 train', () => {
    const models = [
      smallCnn({ inputShape: [28, 28, 1], seed: 1 }),
      pneumoniaNet([32, 64, 128], 1),
      unet2d({ inputShape: [64, 64, 1], baseFilters: 8, depth: 3, seed: 1 }),
      dncnn({ inputShape: [32, 32, 1], depth: 5, filters: 16, seed: 1 }),
      resnet18({ inputShape: [32, 32, 1], width: 8, seed: 1 }),
      resnet18({ inputShape: [112, 112, 1], width: 8, stem: 'imagenet', seed: 1 }),
    ];
    const predicts: boolean[] = [];
    for (const model of models) {
      assert.equal(wholeStepUnavailable(model), undefined, model.name);
      predicts.push(wholeStepPredicts(planOf(model) as LayerPlan));
      model.dispose();
    }
    // prediction stays with tfjs where maps shrink below 8 pixels (28² classifiers, ResNets)
    assert.deepEqual(predicts, [false, false, true, true, false, false]);
  });

  it('leaves other models to tfjs, saying why, and they still train', async () => {
    const regularized = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 2, kernelRegularizer: tf.regularizers.l2() }),
        tf.layers.dense({ units: 1 }),
      ],
    });
    assert.match(wholeStepUnavailable(regularized) ?? '', /regularizer/);
    const depthwise = tf.sequential({
      layers: [
        tf.layers.depthwiseConv2d({ inputShape: [6, 6, 2], kernelSize: 3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    assert.match(wholeStepUnavailable(depthwise) ?? '', /DepthwiseConv2D/);
    const hidden = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'tanh' }), tf.layers.dense({ units: 1 })],
    });
    assert.match(wholeStepUnavailable(hidden) ?? '', /activation tanh inside the network/);
    regularized.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const history = await regularized.fit(tf.ones([4, 4]), tf.ones([4, 1]), { epochs: 2, verbose: 0 });
    assert.equal(history.history.loss.length, 2);
    tf.dispose([regularized, depthwise, hidden].map((m) => m.getWeights()).flat());
  });

  it('leaves no tensor behind and is bit-identical run to run (two threads, chunks summed in a fixed order)', async () => {
    const c = CASES[1];
    const adam = () => tf.train.adam(0.01);
    const first = await train(c, 'whole step', undefined, adam);
    const tensors = tf.memory().numTensors;
    const buffers = tf.memory().numDataBuffers;
    // the path's own activations and gradients are backend memory the engine never counts
    const backendBuffers = tf.engine().backend.numDataIds();
    const second = await train(c, 'whole step', undefined, adam);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.memory().numDataBuffers, buffers);
    assert.equal(tf.engine().backend.numDataIds(), backendBuffers, "the wasm backend's buffers");
    first.weights.forEach((w, i) => assert.deepEqual(second.weights[i], w, `weight ${i}`));
    assert.deepEqual(second.losses, first.losses);
  });

  it('leaves a layer frozen after compiling as it is, as tfjs does, and trains the others alike', async () => {
    const c = CASES[1];
    const adam = () => tf.train.adam(ADAM_RATE, 0.9, 0.999, 1e-4);
    const runs: Array<{ frozen: Float32Array[]; before: Float32Array[]; weights: Float32Array[] }> = [];
    for (const path of ['off', 'always'] as const) {
      useWholeStepPath(path);
      const model = build(c);
      model.compile({ optimizer: adam(), loss: c.loss });
      // fine-tuning's way: freeze the first convolution and batch norm after compile (tfjs warns, and honours it)
      const frozenLayers = model.layers.filter((l) => ['Conv2D', 'BatchNormalization'].includes(l.getClassName()));
      const frozen = frozenLayers.slice(0, 2).flatMap((l) => l.trainableWeights.map((w) => w.read()));
      frozenLayers.slice(0, 2).forEach((l) => (l.trainable = false));
      const before = frozen.map((w) => w.dataSync().slice() as Float32Array);
      const { x, y } = data(c, 16);
      await model.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
      runs.push({
        frozen: frozen.map((w) => w.dataSync() as Float32Array),
        before,
        weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
      });
      tf.dispose([x, y]);
      model.optimizer.dispose();
      model.dispose();
    }
    useWholeStepPath('auto');
    const [tfjs, whole] = runs;
    whole.frozen.forEach((w, i) => assert.deepEqual(w, whole.before[i], `frozen weight ${i} unchanged`));
    whole.weights.forEach((w, i) => assertClose(w, tfjs.weights[i], 1e-5, `weight ${i}`));
  });

  it('leaves broadcasting additions and inputs of unknown size to tfjs, which trains them as before', async () => {
    const broadcast = (() => {
      const x = tf.input({ shape: [6, 6, 2] });
      const pooled = apply(tf.layers.maxPooling2d({ poolSize: 6 }), x);
      const sum = apply(tf.layers.add(), [x, pooled]);
      const flat = apply(tf.layers.flatten(), sum);
      return tf.model({ inputs: x, outputs: apply(tf.layers.dense({ units: 1, kernelInitializer: he(1) }), flat) });
    })();
    assert.match(wholeStepUnavailable(broadcast) ?? '', /different shapes/);
    const anySize = (() => {
      const x = tf.input({ shape: [null, null, 1] });
      const h = apply(tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: he(2) }), x);
      const up = tf.layers.conv2dTranspose({ filters: 1, kernelSize: 2, strides: 2, kernelInitializer: he(3) });
      return tf.model({ inputs: x, outputs: apply(up, h) });
    })();
    assert.match(wholeStepUnavailable(anySize) ?? '', /unknown size/);
    for (const [model, xShape, yShape] of [
      [broadcast, [8, 6, 6, 2], [8, 1]],
      [anySize, [8, 4, 4, 1], [8, 8, 8, 1]],
    ] as const) {
      const weights: Float32Array[][] = [];
      const initial = model.getWeights().map((w) => w.clone());
      for (const path of ['auto', 'off'] as const) {
        useWholeStepPath(path);
        model.setWeights(initial);
        model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
        const x = tf.randomUniform([...xShape], 0, 1, 'float32', 31);
        const y = tf.randomUniform([...yShape], 0, 1, 'float32', 32);
        await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
        weights.push(model.getWeights().map((w) => w.dataSync() as Float32Array));
        tf.dispose([x, y]);
      }
      useWholeStepPath('auto');
      weights[0].forEach((w, i) => assert.deepEqual(w, weights[1][i], `${model.name}: weight ${i}, as tfjs alone`));
      tf.dispose(initial);
      model.dispose();
    }
  });

  it('keeps predictions under a gradient tape differentiable (tfjs runs them)', () => {
    const c = CASES[0];
    const model = build(c);
    const { x } = data(c, 4);
    const gradient = tf.grad((input: tf.Tensor) => (model.predict(input) as tf.Tensor).sum())(x);
    assert.ok(tf.tidy(() => gradient.abs().sum().dataSync()[0]) > 0);
    tf.dispose([gradient, x]);
    model.dispose();
  });
});
