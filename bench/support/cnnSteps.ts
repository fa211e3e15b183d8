// A workload's training and inference steps on the active tfjs backend, and their throughput: shared by the
// CPU benchmark (bench/cnn.ts) and the GPU one (bench/gpu.ts) so that both time the same thing.
import * as tf from '@tensorflow/tfjs';
import { randomBatch, type Workload } from './cnnWorkloads';
import type { Throughput } from './torchTwin';

/** Untimed steps first (at least `warmup.steps`, for at least `warmup.seconds`), then `steps` timed ones. */
export async function imagesPerSecond(
  batch: number,
  warmup: { steps: number; seconds: number },
  steps: number,
  step: () => Promise<void>,
): Promise<number> {
  const warmupStart = performance.now();
  for (let i = 0; i < warmup.steps || performance.now() - warmupStart < warmup.seconds * 1000; i++) await step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (steps * batch) / ((performance.now() - start) / 1000);
}

/** A compiled model, a batch, and its training and inference steps (each waits for its result). */
export function runnable(w: Workload) {
  const model = w.build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: w.loss });
  const { x, y } = randomBatch(w);
  return {
    train: async () => {
      await model.trainOnBatch(x, y);
    },
    infer: async () => {
      const out = model.predict(x) as tf.Tensor;
      await out.data();
      out.dispose();
    },
    dispose: () => {
      tf.dispose([x, y]);
      model.dispose();
    },
  };
}

/** Training and inference throughput of a fresh copy of `w`'s model: untimed warm-up steps, then timed ones. */
export async function throughput(
  w: Workload,
  steps: { train: number; infer: number },
  warmup: { steps: number; seconds: number },
): Promise<Throughput> {
  const run = runnable(w);
  try {
    const train = await imagesPerSecond(w.batch, warmup, steps.train, run.train);
    const infer = await imagesPerSecond(w.batch, warmup, steps.infer, run.infer);
    return { trainImgPerSec: train, inferImgPerSec: infer, note: `${steps.train} train / ${steps.infer} infer steps` };
  } finally {
    run.dispose();
  }
}
