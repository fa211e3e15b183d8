// A JPEG stream says nothing about its colour space unless it carries a JFIF or Adobe marker; libjpeg
// then guesses YCbCr and converts to RGB. DICOM says it in Photometric Interpretation instead (PS3.5
// 8.2.1): a stream of an RGB image without those markers holds RGB and must not be converted. libjpeg
// keeps samples as they are when the component IDs are 'R', 'G', 'B', so such streams get those IDs.

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3]);
const RGB_IDS = [0x52, 0x47, 0x42];

/** A copy of `jpeg` whose components are marked RGB, or `jpeg` itself when it already names its colour space. */
export function markAsRgb(jpeg: Uint8Array): Uint8Array {
  const out = new Uint8Array(jpeg);
  const ids = new Map<number, number>();
  let i = 2;
  while (i + 4 <= out.length) {
    if (out[i] !== 0xff) return jpeg;
    const marker = out[i + 1];
    if (marker === 0xd9) break;
    const length = (out[i + 2] << 8) | out[i + 3];
    const body = i + 4;
    if (marker === 0xe0 && isTag(out, body, 'JFIF')) return jpeg;
    if (marker === 0xee && isTag(out, body, 'Adobe')) return jpeg;
    if (SOF_MARKERS.has(marker) && out[body + 5] === 3) {
      for (let c = 0; c < 3; c++) {
        ids.set(out[body + 6 + 3 * c], RGB_IDS[c]);
        out[body + 6 + 3 * c] = RGB_IDS[c];
      }
    }
    if (marker === 0xda) {
      for (let c = 0; c < out[body]; c++)
        out[body + 1 + 2 * c] = ids.get(out[body + 1 + 2 * c]) ?? out[body + 1 + 2 * c];
      i = skipEntropyData(out, i + 2 + length);
      continue;
    }
    i += 2 + length;
  }
  return out;
}

function isTag(bytes: Uint8Array, at: number, tag: string): boolean {
  for (let k = 0; k < tag.length; k++) if (bytes[at + k] !== tag.charCodeAt(k)) return false;
  return true;
}

/** Position of the next marker after a scan's entropy-coded data (0xFF00 is a stuffed byte, RSTn is inside). */
function skipEntropyData(bytes: Uint8Array, from: number): number {
  let i = from;
  while (
    i + 1 < bytes.length &&
    !(bytes[i] === 0xff && bytes[i + 1] !== 0 && (bytes[i + 1] < 0xd0 || bytes[i + 1] > 0xd7))
  )
    i++;
  return i;
}
