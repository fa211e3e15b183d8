// train(model, data, options): model.fitDataset with what a radiology notebook needs around it — live
// curves in the cell output, Stop from the notebook (the display host's signal stops training at the next
// batch and keeps the model), early stopping with best-weight restore, keeping the best epoch by any metric
// (one computed by the notebook too, e.g. validation Dice), class weights for imbalanced data, learning-rate
// schedules, resumable checkpoints, seeded batch order and augmentation.
import * as tf from '@tensorflow/tfjs';
import { getDisplayHost } from '../common/display';
import type { DisplayHost } from '../common/display';
import type { AugmentOptions } from './augment';
import { batchCount, tensorBatches } from './batches';
import { restoreCheckpoint, saveCheckpoint } from './checkpoint';
import type { RestoredCheckpoint } from './checkpoint';
import type { LearningRateSchedule } from './learningRate';
import { freshSeed } from '../common/random';
import { TrainingCurves } from './trainingCurves';

export interface LabelledTensors {
  x: tf.Tensor;
  y: tf.Tensor;
}

export type TrainData =
  | (LabelledTensors & { validation?: LabelledTensors })
  | {
      dataset: tf.data.Dataset<tf.TensorContainer>;
      validation?: LabelledTensors | tf.data.Dataset<tf.TensorContainer>;
    };

export interface EarlyStoppingOptions {
  /** Default 'val_loss' when there is validation data, else 'loss'. */
  monitor?: string;
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** 'min' for losses (default for names ending in loss), 'max' for accuracy-like metrics. */
  mode?: 'min' | 'max';
  /** Put back the weights of the best epoch at the end (not after a user's Stop). Default true. */
  restoreBestWeights?: boolean;
}

export interface TrainOptions {
  epochs: number;
  /** For tensor data. Default 32. */
  batchSize?: number;
  /** Used when train() compiles an uncompiled model (Adam), and as the schedule's rate. Default 1e-3. */
  learningRate?: number | LearningRateSchedule;
  /** When the model is not compiled yet: default from the output activation (sigmoid → binary cross-entropy…). */
  loss?: string;
  metrics?: string[];
  /** Weight per class index in the loss; 'balanced' weighs each class by n / (classes · count). */
  classWeight?: Record<number, number> | 'balanced';
  earlyStopping?: EarlyStoppingOptions;
  /** Train every epoch, then put back the weights of the epoch where `monitor` was best (not after a user's Stop). */
  keepBest?: { monitor: string; mode?: 'min' | 'max' };
  /**
   * Metrics computed after every epoch from the model (e.g. validation Dice), logged, drawn and recorded in the
   * history like the built-in ones, so that `keepBest` or `earlyStopping` can monitor them.
   */
  epochMetrics?: Record<string, (model: tf.LayersModel) => number>;
  /** Save model + optimizer + progress after every epoch; with `resume`, continue from what the folder holds. */
  checkpoint?: { dir: string; resume?: boolean };
  /** Augment tensor data batch by batch. */
  augment?: AugmentOptions;
  /** Move the targets with the images (segmentation). */
  augmentTarget?: boolean;
  /** Seed of batch order and augmentation (weights: the builders' `seed`). Dropout and backend kernels may still vary. */
  seed?: number;
  /** Shuffle tensor data every epoch. Default true. */
  shuffle?: boolean;
  onProgress?: (progress: TrainProgress) => void;
  /** Stops training at the next batch when aborted (the display host's signal is watched too). */
  signal?: AbortSignal;
  /** Live curves: true (default) uses the kernel's display host when there is one; false shows nothing. */
  display?: boolean | DisplayHost;
  /** Least time between two curve updates. Default 250 ms. */
  displayThrottleMs?: number;
}

export interface TrainProgress {
  phase: 'batch' | 'epoch';
  /** 0-based. */
  epoch: number;
  epochs: number;
  batch?: number;
  /** Known for tensor data. */
  batchesPerEpoch?: number;
  logs: Record<string, number>;
  elapsedMs: number;
}

export type StopReason = 'completed' | 'early-stopping' | 'stopped';

export interface TrainResult {
  history: Record<string, number[]>;
  /** Epochs completed, including those of a resumed checkpoint. */
  epochs: number;
  stoppedBy: StopReason;
  best?: { epoch: number; value: number; monitor: string };
  elapsedMs: number;
}

export class TrainError extends Error {
  constructor(reason: string) {
    super(`train: ${reason}`);
    this.name = 'TrainError';
  }
}

function outputActivation(model: tf.LayersModel): string | undefined {
  const config = model.layers[model.layers.length - 1].getConfig() as { activation?: string };
  return config.activation;
}

/** Compiles an uncompiled model with Adam and a loss that fits its output. */
function ensureCompiled(model: tf.LayersModel, options: TrainOptions, initialRate: number): void {
  if (model.optimizer) return;
  const activation = outputActivation(model);
  const classifier = activation === 'sigmoid' || activation === 'softmax';
  const loss =
    options.loss ??
    (activation === 'sigmoid'
      ? 'binaryCrossentropy'
      : activation === 'softmax'
        ? 'categoricalCrossentropy'
        : 'meanSquaredError');
  model.compile({
    optimizer: tf.train.adam(initialRate),
    loss,
    metrics: options.metrics ?? (classifier ? ['accuracy'] : []),
  });
}

/** n / (classes · count_c) per class, from 0/1 labels ([n] or [n, 1]) or one-hot rows ([n, classes]). */
export function balancedClassWeights(y: tf.Tensor): Record<number, number> {
  const labels = tf.tidy(() => (y.rank === 2 && y.shape[1]! > 1 ? y.argMax(1) : y.reshape([-1]).round()).dataSync());
  const counts = new Map<number, number>();
  labels.forEach((c) => counts.set(c, (counts.get(c) ?? 0) + 1));
  const weights: Record<number, number> = {};
  for (const [c, count] of counts) weights[c] = labels.length / (counts.size * count);
  return weights;
}

function setLearningRate(model: tf.LayersModel, rate: number): void {
  // every tfjs optimizer reads its `learningRate` field at each step
  (model.optimizer as unknown as { learningRate: number }).learningRate = rate;
}

function describeLogs(logs: Record<string, number>): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'batch' && k !== 'size')
    .map(([k, v]) => `${k} ${v.toPrecision(4)}`)
    .join(' · ');
}

function chooseHost(display: TrainOptions['display']): DisplayHost | undefined {
  if (display === false) return undefined;
  if (display === undefined || display === true) return getDisplayHost();
  return display;
}

/** Watches the monitored value; keeps the best weights when asked. */
class EarlyStopper {
  readonly monitor: string;
  private readonly sign: number;
  private waited = 0;
  private bestWeights: tf.Tensor[] | undefined;
  best: { epoch: number; value: number } | undefined;

  constructor(
    private readonly options: EarlyStoppingOptions,
    hasValidation: boolean,
    previous?: { best?: { epoch: number; value: number }; bestWeights?: tf.Tensor[]; waited: number },
  ) {
    this.monitor = options.monitor ?? (hasValidation ? 'val_loss' : 'loss');
    const mode = options.mode ?? (/loss$/.test(this.monitor) ? 'min' : 'max');
    this.sign = mode === 'min' ? 1 : -1;
    this.best = previous?.best;
    this.bestWeights = previous?.bestWeights;
    this.waited = previous?.waited ?? 0;
  }

  /** The best epoch's weights while they are kept (for a checkpoint). */
  get keptWeights(): tf.Tensor[] | undefined {
    return this.bestWeights;
  }

  /** Returns true when training should stop. */
  update(model: tf.LayersModel, epoch: number, logs: Record<string, number>): boolean {
    const value = logs[this.monitor];
    if (value === undefined)
      throw new TrainError(
        `earlyStopping monitors '${this.monitor}', which the logs lack (they have ${Object.keys(logs).join(', ')})`,
      );
    const minDelta = this.options.minDelta ?? 0;
    if (this.best === undefined || this.sign * (this.best.value - value) > minDelta) {
      this.best = { epoch, value };
      this.waited = 0;
      if (this.options.restoreBestWeights ?? true) {
        tf.dispose(this.bestWeights);
        this.bestWeights = model.getWeights().map((w) => w.clone());
      }
      return false;
    }
    return ++this.waited >= this.options.patience;
  }

  /** Puts the best epoch's weights back (when `restore`) and frees the copies. */
  finish(model: tf.LayersModel, restore: boolean): void {
    if (restore && this.bestWeights !== undefined) model.setWeights(this.bestWeights);
    tf.dispose(this.bestWeights);
    this.bestWeights = undefined;
  }
}

export async function train(model: tf.LayersModel, data: TrainData, options: TrainOptions): Promise<TrainResult> {
  if (!Number.isInteger(options.epochs) || options.epochs < 1)
    throw new TrainError(`epochs must be a positive integer, got ${options.epochs}`);
  const schedule = typeof options.learningRate === 'function' ? options.learningRate : undefined;
  const initialRate = schedule ? schedule(0) : ((options.learningRate as number | undefined) ?? 1e-3);
  ensureCompiled(model, options, initialRate);

  if (options.earlyStopping && options.keepBest)
    throw new TrainError('use earlyStopping or keepBest, not both (earlyStopping keeps the best weights too)');
  const batchSize = options.batchSize ?? 32;
  const restored: RestoredCheckpoint | undefined = options.checkpoint?.resume
    ? await restoreCheckpoint(model, options.checkpoint.dir)
    : undefined;
  const resumed = restored?.state;
  const history: Record<string, number[]> = resumed?.history ?? {};
  const initialEpoch = resumed === undefined ? 0 : resumed.epoch + 1;
  // a resumed run goes on with the batch order it started with
  const seed = options.seed ?? resumed?.seed ?? freshSeed();
  const isTensors = 'x' in data;
  const dataset = isTensors
    ? tensorBatches(data.x, data.y, {
        batchSize,
        shuffle: options.shuffle ?? true,
        seed,
        augment: options.augment,
        augmentTarget: options.augmentTarget,
        firstPass: initialEpoch,
      })
    : data.dataset;
  const batchesPerEpoch = isTensors ? batchCount(data.x.shape[0], batchSize) : undefined;
  const validation = data.validation;
  const validationData =
    validation === undefined
      ? undefined
      : 'x' in validation
        ? ([validation.x, validation.y] as [tf.Tensor, tf.Tensor])
        : validation;
  if (options.classWeight === 'balanced' && !isTensors)
    throw new TrainError("classWeight 'balanced' needs tensor data (x, y) to count the classes");
  const classWeight =
    options.classWeight === 'balanced' ? balancedClassWeights((data as LabelledTensors).y) : options.classWeight;

  const watch = options.keepBest
    ? { ...options.keepBest, patience: Infinity, restoreBestWeights: true }
    : options.earlyStopping;
  // epochs since the best one, as the interrupted run had counted them
  const waited = resumed?.best === undefined ? 0 : resumed.epoch - resumed.best.epoch;
  if (watch === undefined) tf.dispose(restored?.bestWeights);
  const stopper = watch
    ? new EarlyStopper(watch, validation !== undefined, {
        best: resumed?.best,
        bestWeights: restored?.bestWeights,
        waited,
      })
    : undefined;

  const host = chooseHost(options.display);
  const signals = [options.signal, host?.signal].filter((s): s is AbortSignal => s !== undefined);
  const curves = new TrainingCurves(host, `training ${model.name}`, options.displayThrottleMs);
  const started = Date.now();
  let stoppedBy = 'completed' as StopReason; // set from the callbacks
  let epochsDone = initialEpoch;
  let currentEpoch = initialEpoch;
  const status = (logs: Record<string, number>, batch?: number) =>
    `epoch ${currentEpoch + 1}/${options.epochs}` +
    (batch === undefined ? '' : ` · batch ${batch + 1}${batchesPerEpoch ? `/${batchesPerEpoch}` : ''}`) +
    ` · ${describeLogs(logs)} · ${((Date.now() - started) / 1000).toFixed(1)} s`;

  const callbacks: tf.CustomCallbackArgs = {
    onEpochBegin: async (epoch) => {
      currentEpoch = epoch;
      if (schedule) setLearningRate(model, schedule(epoch));
    },
    onBatchEnd: async (batch, logs = {}) => {
      const numbers = logs as Record<string, number>;
      curves.addBatch(currentEpoch + (batch + 1) / (batchesPerEpoch ?? batch + 1), numbers, status(numbers, batch));
      options.onProgress?.({
        phase: 'batch',
        epoch: currentEpoch,
        epochs: options.epochs,
        batch,
        batchesPerEpoch,
        logs: numbers,
        elapsedMs: Date.now() - started,
      });
      if (signals.some((s) => s.aborted)) {
        stoppedBy = 'stopped';
        model.stopTraining = true;
      }
    },
    onEpochEnd: async (epoch, logs = {}) => {
      if (stoppedBy === 'stopped') return; // an interrupted epoch has no complete averages
      const numbers = { ...(logs as Record<string, number>) };
      if (schedule) numbers.lr = schedule(epoch);
      for (const [name, metric] of Object.entries(options.epochMetrics ?? {})) numbers[name] = metric(model);
      for (const [k, v] of Object.entries(numbers)) (history[k] ??= []).push(v);
      epochsDone = epoch + 1;
      curves.addEpoch(epoch + 1, numbers, status(numbers));
      options.onProgress?.({
        phase: 'epoch',
        epoch,
        epochs: options.epochs,
        batchesPerEpoch,
        logs: numbers,
        elapsedMs: Date.now() - started,
      });
      if (stopper?.update(model, epoch, numbers)) {
        stoppedBy = 'early-stopping';
        model.stopTraining = true;
      }
      if (options.checkpoint)
        await saveCheckpoint(
          model,
          options.checkpoint.dir,
          { epoch, seed, history, best: stopper?.best },
          stopper?.keptWeights,
        );
    },
  };

  try {
    if (initialEpoch < options.epochs) {
      await model.fitDataset(dataset, {
        epochs: options.epochs,
        initialEpoch,
        validationData,
        classWeight,
        callbacks,
        verbose: 0,
      });
    }
  } catch (err) {
    // the figure must not stay live (with its Stop button) after a failure
    curves.finish(`failed: ${(err as Error).message}`);
    throw err;
  } finally {
    // after Stop the user keeps the weights as they are; otherwise the best epoch's
    stopper?.finish(model, stoppedBy !== 'stopped');
  }
  const elapsedMs = Date.now() - started;
  const best = stopper?.best === undefined ? undefined : { ...stopper.best, monitor: stopper.monitor };
  const kept =
    options.keepBest && best && stoppedBy !== 'stopped' ? ` · kept epoch ${best.epoch + 1} (best ${best.monitor})` : '';
  const ending =
    stoppedBy === 'completed'
      ? 'done'
      : stoppedBy === 'stopped'
        ? 'stopped by the user (model kept)'
        : `early stopping at epoch ${epochsDone}`;
  curves.finish(
    `${ending} · ${epochsDone} epoch${epochsDone === 1 ? '' : 's'}${kept} · ${(elapsedMs / 1000).toFixed(1)} s`,
  );
  return { history, epochs: epochsDone, stoppedBy, best, elapsedMs };
}
