// Node-side encoders of radnb's rich outputs (MIME bundles for src/renderers). Runs in the kernel.
export { dicomViewBundle, dicomSnapshotPng, describeViewerImage } from './dicomView';
export type { DicomViewOptions } from './dicomView';
export { encodeDicomPayload, decodeDicomPayload } from '../common/dicomPayload';
export type { DicomPayloadHeader, DecodedDicomPayload } from '../common/dicomPayload';
export { featureMapsBundle, featureMapMosaic } from './featureMaps';
export type { FeatureMapLayer, ConvFilters, FeatureMapsInput } from '../common/featureMapsPayload';
export { modelSummaryBundle, summarizeModel, modelSummaryText } from './modelSummary';
export type { ModelSummaryView, ModelSummaryLayer } from '../common/modelSummaryView';
export { plotlyBundle, plotlyText } from './plotly';
export type { PlotlyFigure, PlotlyTrace, PlotlyBundleOptions } from './plotly';
export { lineChartPng } from './lineChartPng';
export { registerDisplayFormatters, viewerImageFormatter, modelFormatter } from './formatters';
export { showImage } from './showImage';
export type { ShowImageOptions, ViewerImageSource } from './showImage';
export { ContainerError } from '../common/binaryContainer';
