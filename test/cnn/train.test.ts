// train(): live curves through the display host (display once, throttled updates, live flag), Stop from
// the host, early stopping with best weights, keeping the best epoch of a per-epoch metric, class weights,
// learning-rate schedules, checkpoints that resume, seeded determinism, and no tensors left behind.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import { smallCnn } from '../../src/cnn/models';
import { balancedClassWeights, train } from '../../src/cnn/train';
import type { TrainProgress } from '../../src/cnn/train';
import { stepDecay } from '../../src/cnn/learningRate';
import { restoreCheckpoint } from '../../src/cnn/checkpoint';
import { MIME, setDisplayHost } from '../../src/common/display';
import type { PlotlyFigure } from '../../src/display/plotly';
import { FakeHost } from './support/fakeHost';
import { blobImages } from './support/blobs';

const tiny = (seed = 1) => smallCnn({ inputShape: [16, 16, 1], filters: [4], denseUnits: 4, dropout: 0, seed });
const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe('train()', () => {
  let data: ReturnType<typeof blobImages>;
  let validation: ReturnType<typeof blobImages>;

  before(async () => {
    await initBackend({ prefer: 'wasm' });
    data = blobImages(64, 16, 5);
    validation = blobImages(32, 16, 6);
  });

  it('shows live curves once and updates them, live while training and final at the end', async () => {
    const host = new FakeHost();
    setDisplayHost(host);
    try {
      await train(
        tiny(),
        { x: data.x, y: data.y, validation: { x: validation.x, y: validation.y } },
        { epochs: 2, batchSize: 16, seed: 1, displayThrottleMs: 0 },
      );
    } finally {
      setDisplayHost(undefined);
    }
    assert.equal(host.shown.filter((s) => s.kind === 'display').length, 1);
    assert.ok(host.shown.every((s) => s.id === host.shown[0].id));
    const figures = host.shown.map((s) => s.bundle[MIME.plotly] as PlotlyFigure);
    assert.ok(figures.slice(0, -1).every((f) => f.layout?.meta?.radnbLive === true));
    const last = figures[figures.length - 1];
    assert.equal(last.layout?.meta?.radnbLive, false);
    const traces = new Map(last.data.map((t) => [t.name, t]));
    assert.equal(traces.get('loss (batch)')?.x?.length, 8, '4 batches × 2 epochs');
    assert.deepEqual(traces.get('loss')?.x, [1, 2]);
    assert.deepEqual(traces.get('val_loss')?.x, [1, 2]);
    assert.ok(traces.has('val_acc'));
    assert.match(String(host.shown[host.shown.length - 1].bundle[MIME.text]), /done · 2 epochs/);
  });

  it('a failing run leaves the figure final, not live', async () => {
    const host = new FakeHost();
    const wrongLabels = tf.zeros([64, 3]);
    await assert.rejects(train(tiny(), { x: data.x, y: wrongLabels }, { epochs: 1, display: host }));
    const last = host.shown[host.shown.length - 1];
    assert.equal((last.bundle[MIME.plotly] as PlotlyFigure).layout?.meta?.radnbLive, false);
    assert.match(String(last.bundle[MIME.text]), /failed: /);
    wrongLabels.dispose();
  });

  it('throttles updates', async () => {
    const host = new FakeHost();
    await train(
      tiny(),
      { x: data.x, y: data.y },
      { epochs: 3, batchSize: 8, display: host, displayThrottleMs: 60_000 },
    );
    assert.deepEqual(
      host.shown.map((s) => s.kind),
      ['display', 'update'],
      'the first batch, then only the final update',
    );
  });

  it('Stop (the host signal) stops at the next batch and keeps the trained model', async () => {
    const host = new FakeHost();
    const model = tiny();
    const initial = weightsOf(model);
    const batches: TrainProgress[] = [];
    const result = await train(
      model,
      { x: data.x, y: data.y },
      {
        epochs: 5,
        batchSize: 8,
        display: host,
        onProgress: (p) => {
          if (p.phase === 'batch') batches.push(p);
          if (p.phase === 'batch' && p.epoch === 1 && p.batch === 2) host.stop();
        },
      },
    );
    assert.equal(result.stoppedBy, 'stopped');
    assert.equal(batches.length, 8 + 3, 'one full epoch of 8 batches, then 3');
    assert.equal(result.epochs, 1);
    assert.notDeepEqual(weightsOf(model), initial);
    const final = host.shown[host.shown.length - 1].bundle[MIME.plotly] as PlotlyFigure;
    assert.equal(final.layout?.meta?.radnbLive, false);
    tf.tidy(() => assert.deepEqual((model.predict(data.x) as tf.Tensor).shape, [64, 1]));
  });

  it('Stop arriving from the event loop (as the kernel receives it over IPC) ends training', async () => {
    const host = new FakeHost();
    const timer = setTimeout(() => host.stop(), 300);
    const result = await train(tiny(), { x: data.x, y: data.y }, { epochs: 10_000, batchSize: 16, display: host });
    clearTimeout(timer);
    assert.equal(result.stoppedBy, 'stopped');
    assert.ok(result.epochs < 10_000);
    assert.ok(result.elapsedMs < 5_000, `stopped after ${result.elapsedMs} ms`);
  });

  it('early stopping stops after `patience` epochs without improvement', async () => {
    const model = tiny();
    model.compile({ optimizer: tf.train.sgd(0), loss: 'binaryCrossentropy' });
    const result = await train(
      model,
      { x: data.x, y: data.y },
      { epochs: 10, batchSize: 16, display: false, earlyStopping: { patience: 2, monitor: 'loss', minDelta: 1e-6 } },
    );
    assert.equal(result.stoppedBy, 'early-stopping');
    assert.equal(result.epochs, 3);
    assert.deepEqual(result.best, { epoch: 0, value: result.history.loss[0], monitor: 'loss' });
  });

  it('early stopping puts back the best epoch’s weights', async () => {
    // monitoring the (falling) learning rate in 'max' mode makes epoch 0 the best, deterministically
    const model = tiny();
    let afterBest: number[][] = [];
    const result = await train(
      model,
      { x: data.x, y: data.y },
      {
        epochs: 10,
        batchSize: 16,
        display: false,
        learningRate: stepDecay(0.01, 0.5, 1),
        earlyStopping: { patience: 2, monitor: 'lr', mode: 'max' },
        onProgress: (p) => {
          if (p.phase === 'epoch' && p.epoch === 0) afterBest = weightsOf(model);
        },
      },
    );
    assert.equal(result.epochs, 3);
    assert.deepEqual(weightsOf(model), afterBest);
  });

  it('keepBest trains every epoch and puts back the epoch where a metric computed per epoch was best', async () => {
    const model = tiny();
    const scores = [0.2, 0.9, 0.4, 0.6];
    let calls = 0;
    let afterBest: number[][] = [];
    const result = await train(
      model,
      { x: data.x, y: data.y },
      {
        epochs: 4,
        batchSize: 16,
        display: false,
        epochMetrics: { val_dice: () => scores[calls++] },
        keepBest: { monitor: 'val_dice' },
        onProgress: (p) => {
          if (p.phase === 'epoch' && p.epoch === 1) afterBest = weightsOf(model);
        },
      },
    );
    assert.equal(result.stoppedBy, 'completed');
    assert.equal(result.epochs, 4);
    assert.deepEqual(result.history.val_dice, scores);
    assert.deepEqual(result.best, { epoch: 1, value: 0.9, monitor: 'val_dice' });
    assert.deepEqual(weightsOf(model), afterBest);
    await assert.rejects(
      train(
        model,
        { x: data.x, y: data.y },
        { epochs: 1, display: false, keepBest: { monitor: 'loss' }, earlyStopping: { patience: 1 } },
      ),
      /use earlyStopping or keepBest, not both/,
    );
  });

  it("'balanced' class weights are n / (classes · count)", () => {
    const y = tf.tensor2d([[1], [1], [1], [0]]);
    assert.deepEqual(balancedClassWeights(y), { 1: 4 / 6, 0: 2 });
    const oneHot = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
    assert.deepEqual(balancedClassWeights(oneHot), { 0: 1.5, 1: 0.75 }, 'two classes present');
    tf.dispose([y, oneHot]);
  });

  it('a learning-rate schedule sets the rate per epoch and records it', async () => {
    const model = tiny();
    const rates: number[] = [];
    const result = await train(
      model,
      { x: data.x, y: data.y },
      {
        epochs: 4,
        batchSize: 32,
        display: false,
        learningRate: stepDecay(0.01, 0.5, 2),
        onProgress: (p) =>
          p.phase === 'epoch' && rates.push((model.optimizer as unknown as { learningRate: number }).learningRate),
      },
    );
    assert.deepEqual(result.history.lr, [0.01, 0.01, 0.005, 0.005]);
    assert.deepEqual(rates, [0.01, 0.01, 0.005, 0.005]);
  });

  it('checkpoints every epoch and resumes after the last one with the same weights', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'radnb-ckpt-'));
    const first = tiny(1);
    await train(
      first,
      { x: data.x, y: data.y },
      { epochs: 2, batchSize: 16, display: false, seed: 2, checkpoint: { dir } },
    );
    assert.deepEqual(readdirSync(dir).sort(), ['model.json', 'training-state.json', 'weights.bin']);

    const restored = tiny(99);
    restored.compile({ optimizer: tf.train.adam(), loss: 'binaryCrossentropy' });
    const checkpoint = await restoreCheckpoint(restored, dir);
    assert.equal(checkpoint?.state.epoch, 1);
    assert.deepEqual(weightsOf(restored), weightsOf(first));
    const moments = async (m: tf.LayersModel) =>
      (await m.optimizer.getWeights()).map((w) => Array.from(w.tensor.dataSync()));
    assert.deepEqual(await moments(restored), await moments(first), 'Adam state restored too');
    const powers = (m: tf.LayersModel) =>
      ['accBeta1', 'accBeta2'].map((f) => (m.optimizer as unknown as Record<string, tf.Variable>)[f].dataSync()[0]);
    assert.deepEqual(powers(restored), powers(first), "Adam's running powers of beta as training left them");

    const resumed = tiny(98);
    const epochsRun: number[] = [];
    const result = await train(
      resumed,
      { x: data.x, y: data.y },
      {
        epochs: 3,
        batchSize: 16,
        display: false,
        checkpoint: { dir, resume: true },
        onProgress: (p) => p.phase === 'epoch' && epochsRun.push(p.epoch),
      },
    );
    assert.deepEqual(epochsRun, [2], 'only the third epoch runs');
    assert.equal(result.epochs, 3);
    assert.equal(result.history.loss.length, 3);
  });

  it('a run stopped and resumed ends as the uninterrupted run: batch order, best epoch and its weights', async () => {
    // the per-epoch score peaks at the second epoch, before the interruption, so the kept weights must
    // come from the checkpoint and not from what the resumed part trained
    const scores = [0.5, 0.9, 0.1, 0.2];
    const options = (epochs: number, firstEpoch: number, dir?: string) => {
      let epoch = firstEpoch;
      return {
        epochs,
        batchSize: 16,
        display: false,
        seed: 4,
        epochMetrics: { score: () => scores[epoch++] },
        keepBest: { monitor: 'score', mode: 'max' as const },
        checkpoint: dir === undefined ? undefined : { dir, resume: true },
      };
    };
    const whole = tiny(5);
    const wholeRun = await train(whole, { x: data.x, y: data.y }, options(4, 0));

    const dir = mkdtempSync(path.join(tmpdir(), 'radnb-ckpt-'));
    await train(tiny(5), { x: data.x, y: data.y }, options(2, 0, dir));
    const resumed = tiny(77); // other initial weights: everything must come from the checkpoint
    const resumedRun = await train(resumed, { x: data.x, y: data.y }, options(4, 2, dir));

    assert.equal(resumedRun.best?.epoch, 1);
    assert.deepEqual(resumedRun.best, wholeRun.best);
    // bit for bit: same batches in the same order, same optimizer state (Adam's powers of beta included)
    assert.deepEqual(resumedRun.history.loss, wholeRun.history.loss);
    assert.deepEqual(weightsOf(resumed), weightsOf(whole));
  });

  it('trains from a tf.data dataset with validation tensors', async () => {
    const model = tiny();
    const dataset = tf.data
      .zip({ xs: tf.data.array(tf.unstack(data.x)), ys: tf.data.array(tf.unstack(data.y)) })
      .batch(16);
    const result = await train(
      model,
      { dataset, validation: { x: validation.x, y: validation.y } },
      { epochs: 2, display: false },
    );
    assert.equal(result.epochs, 2);
    assert.equal(result.history.val_loss.length, 2);
    await assert.rejects(
      train(model, { dataset }, { epochs: 1, classWeight: 'balanced', display: false }),
      /classWeight 'balanced' needs tensor data/,
    );
    await assert.rejects(train(model, { dataset }, { epochs: 0 }), /train: epochs must be a positive integer, got 0/);
  });

  it('the same seeds give the same trained weights', async () => {
    const run = async () => {
      const model = tiny(5);
      await train(
        model,
        { x: data.x, y: data.y },
        {
          epochs: 2,
          batchSize: 16,
          display: false,
          seed: 9,
          augment: { flipHorizontal: true, rotateDegrees: 10, noiseStd: 0.05 },
        },
      );
      return weightsOf(model);
    };
    assert.deepEqual(await run(), await run());
  });

  it('the same seeds give the same trained weights when the kernels split work between threads', async () => {
    // 32² images, batch 32: large enough for the multi-threaded SIMD gradients (and 2 cores are here)
    const images = blobImages(64, 32, 7);
    const run = async () => {
      const model = smallCnn({ inputShape: [32, 32, 1], filters: [8, 16], denseUnits: 8, dropout: 0, seed: 3 });
      await train(model, { x: images.x, y: images.y }, { epochs: 2, batchSize: 32, display: false, seed: 4 });
      return weightsOf(model);
    };
    assert.deepEqual(await run(), await run());
    tf.dispose([images.x, images.y]);
  });

  it('leaves no tensors behind once the model and optimizer exist', async () => {
    const model = tiny();
    const options = {
      epochs: 1,
      batchSize: 16,
      display: false,
      augment: { flipVertical: true, intensity: { scale: 0.1, shift: 0.1 } },
      earlyStopping: { patience: 3 },
    } as const;
    await train(model, { x: data.x, y: data.y, validation: { x: validation.x, y: validation.y } }, options);
    const before = tf.memory().numTensors;
    await train(model, { x: data.x, y: data.y, validation: { x: validation.x, y: validation.y } }, options);
    assert.equal(tf.memory().numTensors, before);
  });
});
