// The CNN engine's public surface for notebook cells: backend choice, models, training, augmentation,
// saving/loading, memory accounting. Metrics and explainability live in ./metrics and ./explain.
export { initBackend, backend, BackendError } from './backend';
export type { BackendCandidate, BackendInfo, BackendName, BackendPreference, InitBackendOptions } from './backend';
export { installKernels } from './kernels/installKernels';
export type { InstalledKernels } from './kernels/installKernels';
export * from './models';
export { train, balancedClassWeights, TrainError } from './train';
export type {
  EarlyStoppingOptions,
  LabelledTensors,
  StopReason,
  TrainData,
  TrainOptions,
  TrainProgress,
  TrainResult,
} from './train';
export { stepDecay, cosineDecay } from './learningRate';
export { diceCrossEntropy } from './losses/diceCrossEntropy';
export type { LearningRateSchedule } from './learningRate';
export { augment } from './augment';
export type { AugmentOptions, AugmentedBatch } from './augment';
export { saveModel, loadModel, ModelFileError } from './modelIO';
export type { SaveModelOptions } from './modelIO';
export { saveCheckpoint, restoreCheckpoint } from './checkpoint';
export type { CheckpointState, RestoredCheckpoint } from './checkpoint';
export { memorySnapshot, leakReport } from './memory';
export { formatBytes } from '../common/formatBytes';
export type { LeakReport, MemorySnapshot } from './memory';
export { TrainingCurves } from './trainingCurves';
export type { PlotlyFigure, PlotlyTrace } from '../display/plotly';
