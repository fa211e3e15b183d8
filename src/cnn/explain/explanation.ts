// An explanation of one image: a heat-map with the image's height × width and values in [0, 1], plus
// what produced it. Holds typed arrays, no tensors, so nothing leaks when a cell keeps it.
import * as tf from '@tensorflow/tfjs';
import { DISPLAY, MIME, type MimeBundle } from '../../common/display';
import { encodePng } from '../../common/png';
import type { ViewerImage, ViewerOverlay } from '../../common/viewer';
import { colormapLut } from '../../common/colormaps';
import { ExplainError } from './errors';

export interface OverlayOptions {
  label?: string;
  /** Colour map of the viewer ('jet', 'viridis', 'hot', 'inferno'). Default 'jet'. */
  colormap?: string;
  /** Initial opacity. Default 0.5. */
  opacity?: number;
}

/** Rescales values to [0, 1] by their maximum after clipping negatives (what pushes the score up). */
export function normaliseHeat(values: Float32Array): Float32Array {
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  return values.map((v) => (max > 0 ? Math.max(0, v) / max : 0));
}

export class Explanation {
  constructor(
    /** e.g. 'Grad-CAM', 'SmoothGrad'. */
    readonly method: string,
    readonly height: number,
    readonly width: number,
    /** Heat-map, row-major, values in [0, 1]. */
    readonly values: Float32Array,
    /** The explained image's first channel rescaled to [0, 1], drawn under the heat-map. */
    readonly background: Float32Array,
    /** What was explained, e.g. { class: 1, layer: 'conv3' }. */
    readonly details: Record<string, string | number> = {},
  ) {
    if (values.length !== height * width || background.length !== height * width) {
      throw new ExplainError(method, `heat-map has ${values.length} values for ${height}×${width}`);
    }
  }

  /** The heat-map as a new [H, W] tensor (the caller disposes it). */
  toTensor(): tf.Tensor2D {
    return tf.tensor2d(this.values, [this.height, this.width]);
  }

  /** The heat-map as an overlay for the DICOM viewer (src/common/viewer.ts). */
  toOverlay(options: OverlayOptions = {}): ViewerOverlay {
    return {
      kind: 'heatmap',
      label: options.label ?? this.title(),
      data: this.values,
      colormap: options.colormap ?? 'jet',
      opacity: options.opacity ?? 0.5,
    };
  }

  /** `image` with this heat-map added to its overlays; the image must have the explained size. */
  overlayOn(image: ViewerImage, options: OverlayOptions = {}): ViewerImage {
    if (image.rows !== this.height || image.columns !== this.width || image.frames !== 1) {
      throw new ExplainError(
        this.method,
        `heat-map is ${this.height}×${this.width}, image is ${image.rows}×${image.columns}×${image.frames} frames`,
      );
    }
    return { ...image, overlays: [...(image.overlays ?? []), this.toOverlay(options)] };
  }

  title(): string {
    const details = Object.entries(this.details)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return details === '' ? this.method : `${this.method} (${details})`;
  }

  /** The image in grey with the heat-map blended over it (opacity follows the heat). */
  toPng(): Buffer {
    // The viewer's own jet table (packed little-endian RGBA), so the PNG and the overlay look the same.
    const lut = colormapLut('jet');
    const rgb = new Uint8Array(this.height * this.width * 3);
    this.values.forEach((heat, i) => {
      const grey = this.background[i] * 255;
      const colour = lut[Math.round(heat * 255)];
      const alpha = 0.2 + 0.5 * heat;
      for (let c = 0; c < 3; c++)
        rgb[i * 3 + c] = Math.round(grey * (1 - alpha) + ((colour >>> (8 * c)) & 255) * alpha);
    });
    return encodePng(rgb, this.width, this.height, 3);
  }

  [DISPLAY](): MimeBundle {
    let peak = 0;
    this.values.forEach((v, i) => {
      if (v > this.values[peak]) peak = i;
    });
    const where = `peak at row ${Math.floor(peak / this.width)}, column ${peak % this.width}`;
    return {
      [MIME.png]: this.toPng(),
      [MIME.text]: `${this.title()}: ${this.height}×${this.width} heat-map, ${where}`,
    };
  }
}

/** First channel of a [1, H, W, C] image rescaled to [0, 1]. */
export function backgroundOf(batch: tf.Tensor4D): Float32Array {
  return tf.tidy(() => {
    const [, h, w] = batch.shape;
    const grey = batch.slice([0, 0, 0, 0], [1, h, w, 1]).reshape([h * w]);
    const min = grey.min();
    const range = grey.max().sub(min);
    return grey.sub(min).div(range.maximum(1e-12)).dataSync() as Float32Array;
  });
}
