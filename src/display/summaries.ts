// How radnb's own values describe themselves in the editor's variables view and hovers: DICOM images,
// series and volumes by modality and size (never an identifying value), tfjs models by their size.
import { registerSummarizer, type Summarizer, type VariableSummary } from '../common/variables';
import { DicomImage } from '../medical/image';
import { DicomSeries } from '../medical/series';
import { DicomVolume } from '../medical/volume';
import { isLayersModel } from './formatters';

export const dicomSummarizer: Summarizer = (value): VariableSummary | undefined => {
  if (value instanceof DicomImage) {
    const { rows, columns, frames } = value;
    const modality = value.metadata.modality ?? 'unknown modality';
    return {
      type: 'DicomImage',
      shape: frames > 1 ? [frames, rows, columns] : [rows, columns],
      summary: `${modality}, ${rows}×${columns}${frames > 1 ? `, ${frames} frames` : ''}`,
    };
  }
  if (value instanceof DicomSeries) {
    const first = value.images[0];
    const modality = first?.metadata.modality ?? 'unknown modality';
    return {
      type: 'DicomSeries',
      shape: first ? [value.images.length, first.rows, first.columns] : [0],
      summary: `${modality}, ${value.images.length} slice${value.images.length === 1 ? '' : 's'}`,
    };
  }
  if (value instanceof DicomVolume) {
    return {
      type: 'DicomVolume',
      shape: [value.depth, value.rows, value.columns],
      bytes: value.data.byteLength,
      summary: `${value.units || 'values'}, voxels ${value.spacing.map((s) => +s.toFixed(2)).join(' × ')} mm`,
    };
  }
  return undefined;
};

export const modelSummarizer: Summarizer = (value): VariableSummary | undefined => {
  if (!isLayersModel(value)) return undefined;
  const parameters = value.countParams();
  return {
    type: value.getClassName(),
    summary: `${parameters.toLocaleString('en-US')} parameters, ${value.layers.length} layers`,
  };
};

const REGISTERED = Symbol.for('radnb.display.summarizersRegistered');

/** Registers the summarizers once per process, however many bundles import this module. */
export function registerVariableSummaries(): void {
  const slot = globalThis as { [REGISTERED]?: boolean };
  if (slot[REGISTERED]) return;
  slot[REGISTERED] = true;
  registerSummarizer(modelSummarizer);
  registerSummarizer(dicomSummarizer);
}
