// Seeing inside a CNN: feature maps, Grad-CAM, gradient saliency, occlusion, and the randomisation sanity
// check. Explanations are heat-maps in [0, 1] with the image's size, displayable and usable as overlays.
export { ExplainError } from './errors';
export { Explanation, normaliseHeat } from './explanation';
export type { OverlayOptions } from './explanation';
export { allLayers, findLayer, firstLayerFilters, listConvLayers } from './layers';
export type { ConvLayerInfo } from './layers';
export { FeatureMapsView, featureMaps, featureMapsView } from './featureMaps';
export { gradCam } from './gradCam';
export type { GradCamOptions, TargetOptions } from './gradCam';
export { smoothGrad, vanillaGradient } from './saliency';
export type { SmoothGradOptions } from './saliency';
export { occlusion } from './occlusion';
export type { OcclusionOptions } from './occlusion';
export { SanityCheck, sanityCheck } from './sanityCheck';
export type { ExplainFn, SanityCheckOptions, SanityStep } from './sanityCheck';
export { heatmapSsim, spearman } from './similarity';
