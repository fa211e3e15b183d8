// Node side of the feature-map view: the MIME bundle (binary item for radnb's renderer, a PNG mosaic of
// the first layer's channels for other viewers, a text summary). The activations themselves come from
// src/cnn/explain (featureMapsView).
import { deflateSync } from 'node:zlib';
import { MIME, type MimeBundle } from '../common/display';
import { encodePng } from '../common/png';
import { encodeFeatureMapsPayload, type FeatureMapLayer, type FeatureMapsInput } from '../common/featureMapsPayload';

const MOSAIC_COLUMNS = 8;

/** Channels of one layer side by side (each normalised on its own), 1-pixel gaps: the PNG fallback. */
export function featureMapMosaic(layer: FeatureMapLayer): Buffer {
  const { height: h, width: w, channels } = layer;
  const cols = Math.min(MOSAIC_COLUMNS, channels);
  const rows = Math.ceil(channels / cols);
  const W = cols * (w + 1) - 1;
  const H = rows * (h + 1) - 1;
  const out = new Uint8Array(W * H);
  for (let c = 0; c < channels; c++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < h * w; i++) {
      const v = layer.values[i * channels + c];
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const scale = max > min ? 255 / (max - min) : 0;
    const ox = (c % cols) * (w + 1);
    const oy = Math.floor(c / cols) * (h + 1);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++)
        out[(oy + y) * W + ox + x] = Math.round((layer.values[(y * w + x) * channels + c] - min) * scale);
    }
  }
  return encodePng(out, W, H, 1);
}

export function featureMapsBundle(input: FeatureMapsInput): MimeBundle {
  const summary = input.layers.map((l) => `${l.name} ${l.height}×${l.width}×${l.channels}`).join(', ');
  return {
    [MIME.featureMaps]: encodeFeatureMapsPayload(input, (bytes) => deflateSync(bytes, { level: 9 })),
    [MIME.png]: featureMapMosaic(input.layers[0]),
    [MIME.text]: `${input.title ?? 'Feature maps'}: ${summary}`,
  };
}
