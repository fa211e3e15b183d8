// What the DICOM viewer renderer needs to show an image, a multi-frame file, a series or a volume.
// src/medical produces it (toViewerImage), src/display encodes it into the compact binary output item
// (application/vnd.radnb.dicom), src/renderers decodes and draws it.

export type ViewerPixels = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array;

export interface ViewerOverlay {
  kind: 'mask' | 'heatmap';
  label: string;
  /** rows × columns × frames values: mask labels (0 = background) or heat-map values in [0, 1]. */
  data: Uint8Array | Float32Array;
  /** Colour map name for heat-maps ('jet', 'viridis', 'hot', …) or a CSS colour for masks. */
  colormap?: string;
  /** Initial opacity in [0, 1]. */
  opacity?: number;
}

export interface ViewerMetadataEntry {
  /** "(0010,0010)" */
  tag: string;
  /** "PatientName" */
  name: string;
  value: string;
  /** Identifies a patient (PS3.15 Annex E): hidden by default in the viewer. */
  phi: boolean;
}

export interface ViewerImage {
  title?: string;
  rows: number;
  columns: number;
  /** Frames of a multi-frame file or slices of a series/volume, in display order. */
  frames: number;
  samplesPerPixel: 1 | 3;
  /** Stored values of every frame, frame after frame, row-major; RGB is interleaved 8-bit. */
  pixels: ViewerPixels;
  /** Modality LUT: real value = stored × slope + intercept (Hounsfield units for CT). */
  slope: number;
  intercept: number;
  /** Unit of the real values: 'HU' for CT, '' when unknown. */
  units: string;
  /** Initial VOI window in real units. */
  window?: { center: number; width: number };
  /** MONOCHROME1: low values are white. */
  invert?: boolean;
  /** Physical size of a pixel in mm: [between rows, between columns]. */
  pixelSpacing?: [number, number];
  /** Distance between slices in mm, for a series or volume. */
  sliceSpacing?: number;
  /** Patient-orientation letters at the edges of the image (e.g. top 'A', left 'R'). */
  orientationLabels?: { top: string; bottom: string; left: string; right: string };
  metadata?: ViewerMetadataEntry[];
  overlays?: ViewerOverlay[];
}
