// radnb's MIME bundles as Jupyter shows them. On radnb's wire binary items are bytes and JSON items are
// JSON text; Jupyter wants base64 for binary images and JSON values for JSON types. radnb's own binary
// types (the DICOM viewer's and feature maps' payloads) have no Jupyter renderer and are left out: their
// PNG and text fallbacks travel with them.
import type { WireBundle } from '../common/kernelProtocol';

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
      if (isBinaryImage(mime))
        data[mime] = Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('base64');
    } else if (isJson(mime)) {
      data[mime] = parseJson(item);
    } else {
      data[mime] = item;
    }
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
