// The soak workload shared by the soak test and bench/soak.ts: one kernel runs the same
// training-and-display cell again and again; after each run the kernel reports its tensors, heap and
// open handles, so growth can be measured.
import { KernelClient } from '../../src/kernel/client';

export interface SoakSample {
  run: number;
  tensors: number;
  heapMb: number;
  handles: number;
  ms: number;
}

const SETUP = `import * as tf from '@tensorflow/tfjs';
import { smallCnn, train, phantomTensors, readDicom } from 'radnb';
const data = phantomTensors(4, { size: 32, slicesPerCase: 4, seed: 3 });
const model = smallCnn({ inputShape: [32, 32, 1], filters: [4, 8], denseUnits: 8, seed: 1 });
const xs = tf.tidy(() => tf.randomNormal([16, 32, 32, 1], 0, 1, 'float32', 5));
const ys = tf.tidy(() => tf.tensor2d(Array.from({ length: 16 }, (_, i) => [i % 2])));
void data;`;

/** Trains one epoch with live curves, shows a tensor and a DICOM image, then reports resource use. */
const STEP = (
  dicom: string | undefined,
) => `await train(model, { x: xs, y: ys }, { epochs: 1, batchSize: 8, seed: 1, displayThrottleMs: 0 });
const prediction = tf.tidy(() => model.predict(xs.slice(0, 2)) as tf.Tensor);
display(prediction);
prediction.dispose();
${dicom ? `display(await readDicom(${JSON.stringify(dicom)}));` : ''}
globalThis.gc?.();
({ tensors: tf.memory().numTensors, heapMb: process.memoryUsage().heapUsed / 1048576, handles: (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length })`;

export async function soak(
  runs: number,
  dicom: string | undefined,
  onSample?: (s: SoakSample) => void,
): Promise<SoakSample[]> {
  const kernel = await KernelClient.start({ notebookDir: process.cwd(), env: { NODE_OPTIONS: '--expose-gc' } });
  try {
    const setup = await kernel.execute(SETUP, 'Setup');
    if (setup.status !== 'ok') throw new Error(`soak setup failed: ${setup.error?.stack}`);
    const samples: SoakSample[] = [];
    for (let run = 1; run <= runs; run++) {
      const started = performance.now();
      const result = await kernel.execute(STEP(dicom), `Run ${run}`);
      if (result.status !== 'ok' || !result.value) throw new Error(`soak run ${run} failed: ${result.error?.stack}`);
      const text = String(result.value['text/plain']);
      const value = Function(`return (${text})`)() as Omit<SoakSample, 'run' | 'ms'>;
      const sample = { run, ...value, ms: performance.now() - started };
      samples.push(sample);
      onSample?.(sample);
    }
    return samples;
  } finally {
    await kernel.shutdown();
  }
}
