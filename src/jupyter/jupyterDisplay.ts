// radnb's MIME bundles as Jupyter shows them. On radnb's wire binary items are bytes and JSON items are
// JSON text; Jupyter wants base64 for binary images and JSON values for JSON types. radnb's own binary
// types (the DICOM viewer's and feature maps' payloads) have no Jupyter renderer and are left out: their
// PNG and text fallbacks travel with them. A plotly figure without a PNG (live training curves) gets one.
import type { WireBundle } from '../common/kernelProtocol';
import { plotlyBundle, type PlotlyFigure } from '../display/plotly';

const PLOTLY = 'application/vnd.plotly.v1+json';
const isJson = (mime: string) => /^application\/(.+\+)?json$/.test(mime);
const isBinaryImage = (mime: string) => mime.startsWith('image/') && mime !== 'image/svg+xml';

export interface JupyterDisplay {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export function toJupyterDisplay(bundle: WireBundle): JupyterDisplay {
  const data: Record<string, unknown> = {};
  for (const [mime, item] of Object.entries(bundle)) {
    if (typeof item !== 'string') {
      if (isBinaryImage(mime)) data[mime] = Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('base64');
    } else if (isJson(mime)) {
      data[mime] = parseJson(item);
    } else {
      data[mime] = item;
    }
  }
  if (Array.isArray((data[PLOTLY] as Partial<PlotlyFigure> | undefined)?.data) && data['image/png'] === undefined) {
    const png = plotlyBundle(data[PLOTLY] as PlotlyFigure)['image/png'];
    if (png instanceof Uint8Array) data['image/png'] = Buffer.from(png).toString('base64');
  }
  return { data, metadata: {} };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
