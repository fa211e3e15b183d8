// Formatters that make radnb's own values show in its renderers wherever they appear as a cell's value:
// anything offering toViewerImage() (DICOM images, series, volumes of src/medical) opens in the DICOM
// viewer, a tfjs LayersModel shows its summary. The kernel or library calls registerDisplayFormatters()
// once at start-up.
import type { LayersModel } from '@tensorflow/tfjs';
import { type Formatter, type MimeBundle, registerFormatter } from '../common/display';
import type { ViewerImage } from '../common/viewer';
import { dicomViewBundle } from './dicomView';
import { modelSummaryBundle } from './modelSummary';

interface HasViewerImage {
  toViewerImage(): ViewerImage;
}

function hasViewerImage(value: unknown): value is HasViewerImage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<HasViewerImage>).toViewerImage === 'function'
  );
}

/** tfjs LayersModel by shape (no instanceof: the user's tfjs copy may not be the kernel's). */
export function isLayersModel(value: unknown): value is LayersModel {
  const v = value as Partial<LayersModel> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray(v.layers) &&
    typeof v.countParams === 'function' &&
    typeof v.getClassName === 'function'
  );
}

export const viewerImageFormatter: Formatter = (value): MimeBundle | undefined =>
  hasViewerImage(value) ? dicomViewBundle(value.toViewerImage()) : undefined;

export const modelFormatter: Formatter = (value): MimeBundle | undefined =>
  isLayersModel(value) ? modelSummaryBundle(value) : undefined;

const REGISTERED = Symbol.for('radnb.display.formattersRegistered');

/** Registers the formatters once per process, however many bundles import this module. */
export function registerDisplayFormatters(): void {
  const slot = globalThis as { [REGISTERED]?: boolean };
  if (slot[REGISTERED]) return;
  slot[REGISTERED] = true;
  registerFormatter(modelFormatter);
  registerFormatter(viewerImageFormatter);
}
