// Checkpoints of a training run in a folder: the model with its optimizer state (model.json +
// weights.bin) and the run's progress (training-state.json), so that train() resumes after the last
// completed epoch with the same weights, optimizer moments and history.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel, ModelFileError } from './modelIO';

export const STATE_FILE = 'training-state.json';

export interface CheckpointState {
  /** The last completed epoch (0-based). */
  epoch: number;
  history: Record<string, number[]>;
  best?: { epoch: number; value: number };
}

export async function saveCheckpoint(model: tf.LayersModel, dir: string, state: CheckpointState): Promise<void> {
  await saveModel(model, dir, { includeOptimizer: true });
  await writeFile(path.join(dir, STATE_FILE), JSON.stringify(state));
}

/**
 * Loads the checkpoint in `dir` into `model` (weights and, when both have one, optimizer state); returns
 * its state, or undefined when the folder holds no checkpoint yet.
 */
export async function restoreCheckpoint(model: tf.LayersModel, dir: string): Promise<CheckpointState | undefined> {
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
    if (saved.optimizer && model.optimizer) await model.optimizer.setWeights(await saved.optimizer.getWeights());
  } finally {
    saved.dispose();
  }
  return state;
}
