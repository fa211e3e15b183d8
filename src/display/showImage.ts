// display(showImage(ct, { overlays: [gradCam.toOverlay()] })): a DICOM image (or any ViewerImage, e.g. a
// network input built from a tensor) with overlays added, shown in the DICOM viewer.
import { DISPLAY, type Displayable, type MimeBundle } from '../common/display';
import type { ViewerImage, ViewerOverlay } from '../common/viewer';
import { dicomViewBundle, type DicomViewOptions } from './dicomView';

export interface ShowImageOptions extends DicomViewOptions {
  title?: string;
  /** Window the viewer opens with, in the image's real units (HU for CT); the image's own otherwise. */
  window?: { center: number; width: number };
  /** Drawn over the image (after any it already has); each holds rows × columns × frames values. */
  overlays?: ViewerOverlay[];
}

export type ViewerImageSource = ViewerImage | { toViewerImage(): ViewerImage };

export function showImage(
  source: ViewerImageSource,
  options: ShowImageOptions = {},
): Displayable & { readonly image: ViewerImage } {
  const base = 'toViewerImage' in source ? source.toViewerImage() : source;
  const image: ViewerImage = {
    ...base,
    title: options.title ?? base.title,
    window: options.window ?? base.window,
    overlays: [...(base.overlays ?? []), ...(options.overlays ?? [])],
  };
  return {
    image,
    [DISPLAY]: (): MimeBundle => dicomViewBundle(image, options),
  };
}
