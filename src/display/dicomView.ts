// Node side of the DICOM viewer: turns a ViewerImage into the MIME bundle a cell output carries —
// the compact binary item for radnb's renderer, a windowed PNG of the middle frame for every other
// notebook viewer (GitHub, Jupyter), and a one-line text summary.
import { deflateSync } from 'node:zlib';
import { MIME, type MimeBundle } from '../common/display';
import { identifiersAllowed, REDACTED } from '../common/phi';
import { encodePng } from '../common/png';
import type { ViewerImage } from '../common/viewer';
import { encodeDicomPayload } from '../common/dicomPayload';
import { fullRangeWindow, isRealValued, type VoiWindow, windowFrame } from '../common/windowing';

export interface DicomViewOptions {
  /** Deflate the samples (default true; level 6: level 9 saves ~2 % at 3× the time): a 512² CT output then
   *  weighs about as much as its PNG. */
  compress?: boolean;
  /** Frame shown in the PNG snapshot; default the middle one. */
  snapshotFrame?: number;
}

function initialWindow(image: ViewerImage): VoiWindow {
  if (image.window) return image.window;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < image.pixels.length; i++) {
    const v = image.pixels[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return fullRangeWindow(min, max, image.slope, image.intercept, isRealValued(image.pixels));
}

/** The PNG every notebook viewer can show: one frame, windowed like the interactive viewer opens. */
export function dicomSnapshotPng(image: ViewerImage, frame = Math.floor(image.frames / 2)): Buffer {
  const count = image.rows * image.columns * image.samplesPerPixel;
  const offset = Math.min(Math.max(frame, 0), image.frames - 1) * count;
  if (image.samplesPerPixel === 3) {
    return encodePng(Uint8Array.from(image.pixels.subarray(offset, offset + count)), image.columns, image.rows, 3);
  }
  const grey = windowFrame(
    image.pixels,
    offset,
    count,
    image.slope,
    image.intercept,
    initialWindow(image),
    image.invert ?? false,
  );
  return encodePng(grey, image.columns, image.rows, 1);
}

export function describeViewerImage(image: ViewerImage): string {
  const w = initialWindow(image);
  const parts = [
    image.title ?? 'DICOM image',
    `${image.columns}×${image.rows}`,
    image.frames > 1 ? `${image.frames} frames` : '1 frame',
    image.samplesPerPixel === 3
      ? 'RGB'
      : `window C${round(w.center)} W${round(w.width)}${image.units ? ` ${image.units}` : ''}`,
  ];
  if (image.pixelSpacing) parts.push(`${round(image.pixelSpacing[1])}×${round(image.pixelSpacing[0])} mm/pixel`);
  return parts.join(', ');
}

const round = (v: number): number => Math.round(v * 100) / 100;

/** The binary item is not scanned by the kernel's text redaction, so identifying values are left out
 *  here unless the notebook allows them. */
function withoutIdentifiers(image: ViewerImage): ViewerImage {
  if (identifiersAllowed() || !image.metadata) return image;
  return { ...image, metadata: image.metadata.map((e) => (e.phi ? { ...e, value: REDACTED } : e)) };
}

export function dicomViewBundle(image: ViewerImage, options: DicomViewOptions = {}): MimeBundle {
  const compress = options.compress ?? true;
  return {
    [MIME.dicom]: encodeDicomPayload(
      withoutIdentifiers(image),
      compress ? (bytes) => deflateSync(bytes, { level: 6 }) : undefined,
    ),
    [MIME.png]: dicomSnapshotPng(image, options.snapshotFrame),
    [MIME.text]: describeViewerImage(image),
  };
}
