// How DICOM images, series and volumes describe themselves in the editor's variables view and hovers:
// by modality and size, never by an identifying value.
import type { Summarizer, VariableSummary } from '../common/variables';
import { DicomImage } from './image';
import { DicomSeries } from './series';
import { DicomVolume } from './volume';

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
