// The radnb library: what a cell gets from `import … from 'radnb'`. It runs in the kernel process
// (and in plain Node scripts). Loading it registers radnb's display formatters and variable summaries, so
// DICOM images open in the viewer, tfjs models show their summary, and the editor can describe both.
import { registerDisplayFormatters } from '../display/formatters';
import { modelSummarizer, registerSummarizersOnce } from '../display/summarizers';
import { dicomSummarizer } from '../medical/dicomSummarizer';

export { DISPLAY, MIME, getDisplayHost, registerFormatter } from '../common/display';
export type { DisplayHandle, DisplayHost, Displayable, MimeBundle } from '../common/display';
export { registerIdentifiers } from '../common/phi';
export type { Identifier } from '../common/phi';

// Medical imaging: DICOM in, tensors out.
export * from '../medical/index';
export * from '../medical/deid';
export * from '../medical/dicomweb';
export * from '../medical/npz';
export * from '../medical/phantom';
export * from '../medical/phantomDicom';
export * from '../medical/phantomTensors';
export * from '../medical/kspace';
export { loadDicomFolder } from '../medical/datasets/dicomFolder';
export type { DicomFolderOptions, DicomFolderDataset, DatasetExample } from '../medical/datasets/dicomFolder';
export * from '../medical/datasets/medmnist';
export * from '../medical/datasets/split';

// The CNN workbench: backends, models, training, metrics, explanations.
export * from '../cnn/index';
export * from '../cnn/metrics/index';
export * from '../cnn/explain/index';

// Outputs.
export { showImage } from '../display/showImage';
export type { ShowImageOptions } from '../display/showImage';
export { featureMapsBundle, modelSummaryBundle, plotlyBundle } from '../display/index';

registerDisplayFormatters();
registerSummarizersOnce([modelSummarizer, dicomSummarizer]);
