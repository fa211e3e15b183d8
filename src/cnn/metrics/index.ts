// Metrics for medical imaging models: discrimination, thresholds, calibration, segmentation, image
// quality, and per-subgroup audits. Every result displays as a table (and a chart where it is a curve).
export { MetricsError } from './errors';
export type { BinaryLabels, NumericInput } from './inputs';
export type * from '../../common/metricsViews';
export { RocCurve, rocCurve, rocAuc } from './roc';
export type { RocOptions } from './roc';
export { MulticlassRoc, rocOneVsRest } from './multiclassRoc';
export { AucInterval, bootstrapAuc } from './bootstrap';
export type { BootstrapOptions } from './bootstrap';
export { ThresholdMetrics, metricsAtThreshold, thresholdForSensitivity, youdenThreshold } from './threshold';
export { ConfusionMatrix, confusionMatrix } from './confusion';
export type { ClassScores, ConfusionOptions } from './confusion';
export { PrecisionRecallCurve, precisionRecallCurve, averagePrecision } from './precisionRecall';
export { Calibration, calibration } from './calibration';
export type { CalibrationOptions } from './calibration';
export { SegmentationMetrics, dice, diceByCase, iou, hausdorff95, segmentationMetrics } from './segmentation';
export type { MaskOptions, SurfaceOptions } from './segmentation';
export { ImageQuality, imageQuality, psnr, ssim, ssimWithMap } from './imageQuality';
export type { ImageQualityOptions, SsimResult } from './imageQuality';
export { Subset, SubgroupReport, bySubgroup, scalarsOf } from './subgroups';
export type { Disparity, GroupKey, SubgroupOptions, SubgroupRow } from './subgroups';
export { ageBands, ageInYears, sexGroups } from './groups';
