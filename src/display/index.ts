// Node-side encoders of radnb's rich outputs (MIME bundles for src/renderers). Runs in the kernel.
export { dicomViewBundle, dicomSnapshotPng, describeViewerImage } from './dicomView';
export type { DicomViewOptions } from './dicomView';
export { encodeDicomPayload, decodeDicomPayload } from './dicomPayload';
export type { DicomPayloadHeader, DecodedDicomPayload } from './dicomPayload';
export { featureMapsBundle, featureMapMosaic } from './featureMaps';
export type { FeatureMapLayer, ConvFilters, FeatureMapsInput } from './featureMapsPayload';
export { modelSummaryBundle, summarizeModel, modelSummaryText } from './modelSummary';
export type { ModelSummaryView, ModelSummaryLayer } from './modelSummary';
export { plotlyBundle, plotlyText } from './plotly';
export type { PlotlyFigure, PlotlyTrace, PlotlyBundleOptions } from './plotly';
export { lineChartPng } from './lineChartPng';
export { registerDisplayFormatters, viewerImageFormatter, modelFormatter } from './formatters';
export { showImage } from './showImage';
export type { ShowImageOptions, ViewerImageSource } from './showImage';
export { ContainerError } from './binaryContainer';
