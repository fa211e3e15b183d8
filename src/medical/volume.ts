// A 3-D volume of real values (HU for CT) built from a sorted series: slice × row × column, with the
// physical spacing, and the three orthogonal slice views. "axial" is the acquired plane; "coronal" and
// "sagittal" cut along image rows and columns (their names hold for axially acquired series), shown with
// the last slice (head, for an axial series) at the top.
import type { ViewerImage } from '../common/viewer';
import { DicomError } from './errors';
import { edgeLabels, sliceNormal, type EdgeLabels } from './orientation';
import type { DicomSeries } from './series';
import type { WindowSpec } from './voiLut';

export type SliceAxis = 'axial' | 'coronal' | 'sagittal';

export interface VolumeSlice {
  data: Float32Array;
  rows: number;
  columns: number;
  /** [between rows, between columns] in mm. */
  pixelSpacing: [number, number];
  orientationLabels?: EdgeLabels;
}

export class DicomVolume {
  constructor(
    /** depth × rows × columns real values. */
    readonly data: Float32Array,
    readonly depth: number,
    readonly rows: number,
    readonly columns: number,
    /** [between slices, between rows, between columns] in mm (1 where unknown). */
    readonly spacing: [number, number, number],
    readonly units: string,
    readonly window?: WindowSpec,
    readonly orientation?: readonly number[],
    readonly title?: string,
  ) {}

  static fromSeries(series: DicomSeries): DicomVolume {
    const images = series.images;
    const first = images[0];
    if (!first) throw new DicomError(series.seriesInstanceUid, 'an empty series has no volume');
    const { rows, columns } = first;
    const sliceSize = rows * columns;
    const depth = images.reduce((n, image) => n + image.frames, 0);
    const data = new Float32Array(sliceSize * depth);
    let offset = 0;
    for (const image of images) {
      if (image.rows !== rows || image.columns !== columns || image.samplesPerPixel !== 1) {
        throw new DicomError(
          image.file,
          `inconsistent sizes in series ${series.seriesInstanceUid}: ${image.rows}×${image.columns}×${image.samplesPerPixel}, the first slice is ${rows}×${columns}×1`,
        );
      }
      data.set(image.modalityValues(), offset);
      offset += sliceSize * image.frames;
    }
    const m = first.metadata;
    const sliceSpacing = series.geometry.sliceSpacing ?? m.spacingBetweenSlices ?? m.sliceThickness ?? 1;
    const [rowSpacing, columnSpacing] = m.pixelSpacing ?? [1, 1];
    const title = [m.modality, m.seriesDescription].filter(Boolean).join(' · ') || undefined;
    return new DicomVolume(
      data,
      depth,
      rows,
      columns,
      [sliceSpacing, rowSpacing, columnSpacing],
      first.modalityLut.units,
      first.voi.windows[0],
      series.geometry.orientation,
      title,
    );
  }

  /** Real value at slice z, row y, column x. */
  at(z: number, y: number, x: number): number {
    return this.data[(z * this.rows + y) * this.columns + x];
  }

  /** One slice through the volume: axial at slice `index`, coronal at row `index`, sagittal at column `index`. */
  slice(axis: SliceAxis, index: number): VolumeSlice {
    const limit = axis === 'axial' ? this.depth : axis === 'coronal' ? this.rows : this.columns;
    if (!Number.isInteger(index) || index < 0 || index >= limit)
      throw new RangeError(`${axis} slice ${index} is outside 0…${limit - 1}`);
    const [dz, dy, dx] = this.spacing;
    if (axis === 'axial') {
      const size = this.rows * this.columns;
      return {
        data: this.data.slice(index * size, (index + 1) * size),
        rows: this.rows,
        columns: this.columns,
        pixelSpacing: [dy, dx],
        orientationLabels: this.labels(axis),
      };
    }
    const width = axis === 'coronal' ? this.columns : this.rows;
    const out = new Float32Array(this.depth * width);
    for (let r = 0; r < this.depth; r++) {
      const z = this.depth - 1 - r;
      for (let c = 0; c < width; c++)
        out[r * width + c] = axis === 'coronal' ? this.at(z, index, c) : this.at(z, c, index);
    }
    return {
      data: out,
      rows: this.depth,
      columns: width,
      pixelSpacing: [dz, axis === 'coronal' ? dx : dy],
      orientationLabels: this.labels(axis),
    };
  }

  private labels(axis: SliceAxis): EdgeLabels | undefined {
    const o = this.orientation;
    if (!o) return undefined;
    const row = o.slice(0, 3);
    const column = o.slice(3, 6);
    // coronal and sagittal rows run from the last slice to the first: against the slice normal
    const down = sliceNormal(o).map((v) => -v);
    if (axis === 'axial') return edgeLabels(row, column);
    return edgeLabels(axis === 'coronal' ? row : column, down);
  }

  /** Every slice along one axis as a multi-frame viewer image of real values. */
  toViewerImage(axis: SliceAxis = 'axial'): ViewerImage {
    const count = axis === 'axial' ? this.depth : axis === 'coronal' ? this.rows : this.columns;
    const slices = Array.from({ length: count }, (_, i) => this.slice(axis, i));
    const first = slices[0];
    const pixels = new Float32Array(first.data.length * count);
    slices.forEach((s, i) => pixels.set(s.data, i * s.data.length));
    const between = axis === 'axial' ? this.spacing[0] : axis === 'coronal' ? this.spacing[1] : this.spacing[2];
    return {
      title: this.title && `${this.title} (${axis})`,
      rows: first.rows,
      columns: first.columns,
      frames: count,
      samplesPerPixel: 1,
      pixels,
      slope: 1,
      intercept: 0,
      units: this.units,
      window: this.window && { center: this.window.center, width: this.window.width },
      pixelSpacing: first.pixelSpacing,
      sliceSpacing: between,
      orientationLabels: first.orientationLabels,
    };
  }
}
