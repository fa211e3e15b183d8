// Checkpoints of a training run in a folder: the model with its optimizer state (model.json +
// weights.bin), the run's progress (training-state.json) and the best epoch's weights when training keeps
// them (best-weights.bin), so that train() resumes after the last completed epoch as if never stopped.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel, writeAtomically, ModelFileError } from './modelIO';

export const STATE_FILE = 'training-state.json';
export const BEST_WEIGHTS_FILE = 'best-weights.bin';

export interface CheckpointState {
  /** The last completed epoch (0-based). */
  epoch: number;
  /** The seed of batch order and augmentation. */
  seed?: number;
  history: Record<string, number[]>;
  best?: { epoch: number; value: number };
  /** Adam's and Adamax' running powers of beta (accBeta1, accBeta2), which their setWeights() recomputes. */
  optimizerPowers?: Record<string, number>;
}

// tfjs' setWeights() recomputes these as pow(beta, t) where training multiplied them step by step; the
// two differ in the last bits, and a resumed run would drift from the run it continues
const POWER_FIELDS = ['accBeta1', 'accBeta2'] as const;
type OptimizerPowers = Partial<Record<(typeof POWER_FIELDS)[number], tf.Variable>>;

function optimizerPowers(model: tf.LayersModel): Record<string, number> | undefined {
  const optimizer = model.optimizer as unknown as OptimizerPowers | undefined;
  const fields = POWER_FIELDS.filter((f) => optimizer?.[f] instanceof tf.Variable);
  return fields.length === 0 ? undefined : Object.fromEntries(fields.map((f) => [f, optimizer![f]!.dataSync()[0]]));
}

export interface RestoredCheckpoint {
  state: CheckpointState;
  /** The best epoch's weights, in the model's order, when the checkpoint kept them. */
  bestWeights?: tf.Tensor[];
}

/** Saves the model, its optimizer and `state`; `bestWeights` (in the model's order) when training keeps them. */
export async function saveCheckpoint(
  model: tf.LayersModel,
  dir: string,
  state: CheckpointState,
  bestWeights?: tf.Tensor[],
): Promise<void> {
  await saveModel(model, dir, { includeOptimizer: true });
  const bestFile = path.join(dir, BEST_WEIGHTS_FILE);
  if (bestWeights === undefined) await rm(bestFile, { force: true });
  else {
    const bytes = bestWeights.map((w) => w.dataSync()).map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    await writeAtomically(bestFile, Buffer.concat(bytes));
  }
  // each file whole or not at all; the state last, so that it never names an epoch whose files are not all written
  await writeAtomically(
    path.join(dir, STATE_FILE),
    JSON.stringify({ ...state, optimizerPowers: optimizerPowers(model) }),
  );
}

function splitWeights(bytes: Buffer, like: tf.Tensor[], file: string): tf.Tensor[] {
  const sizes = like.map((w) => w.size * tf.util.bytesPerElement(w.dtype));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (bytes.length !== total)
    throw new ModelFileError(file, `holds ${bytes.length} bytes where the model's weights take ${total}`);
  let offset = 0;
  return like.map((w, i) => {
    const buffer = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + sizes[i]);
    offset += sizes[i];
    const values = w.dtype === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer);
    return tf.tensor(values, w.shape, w.dtype);
  });
}

/**
 * Loads the checkpoint in `dir` into `model` (weights and, when both have one, optimizer state); returns
 * its state and best weights, or undefined when the folder holds no checkpoint yet.
 */
export async function restoreCheckpoint(model: tf.LayersModel, dir: string): Promise<RestoredCheckpoint | undefined> {
  const stateFile = path.join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(stateFile, 'utf8');
  } catch {
    return undefined;
  }
  let state: CheckpointState;
  try {
    state = JSON.parse(text) as CheckpointState;
  } catch (err) {
    throw new ModelFileError(stateFile, `not valid JSON (${(err as Error).message})`);
  }
  const saved = await loadModel(dir);
  try {
    const weights = saved.getWeights();
    const expected = model.getWeights();
    const mismatch = expected.findIndex(
      (w, i) => weights[i] === undefined || w.shape.join() !== weights[i].shape.join(),
    );
    if (weights.length !== expected.length || mismatch >= 0) {
      throw new ModelFileError(
        path.join(dir, 'model.json'),
        'the checkpoint is of a different architecture than the model being trained',
      );
    }
    model.setWeights(weights);
    if (saved.optimizer && model.optimizer) {
      await model.optimizer.setWeights(await saved.optimizer.getWeights());
      const powers = model.optimizer as unknown as OptimizerPowers;
      for (const [field, value] of Object.entries(state.optimizerPowers ?? {}))
        powers[field as keyof OptimizerPowers]?.assign(tf.scalar(value));
    }
  } finally {
    saved.dispose();
  }
  const bestFile = path.join(dir, BEST_WEIGHTS_FILE);
  let bestBytes: Buffer | undefined;
  try {
    bestBytes = await readFile(bestFile);
  } catch {
    return { state };
  }
  return { state, bestWeights: splitWeights(bestBytes, model.getWeights(), bestFile) };
}
