// DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header with up to 15 segment offsets, one PackBits
// segment per byte plane (most significant byte first) of each sample. No npm decoder exists; this one
// writes the planes straight into the interleaved, little-endian layout of the stored values.

export class RleError extends Error {}

/** Decodes one RLE frame into `out` (rows × columns × samples values of `bytesPerSample` bytes each). */
export function decodeRleFrame(
  frame: Uint8Array,
  pixels: number,
  samples: number,
  bytesPerSample: number,
  out: Uint8Array,
): void {
  if (frame.length < 64) throw new RleError(`RLE frame of ${frame.length} bytes has no 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const expected = samples * bytesPerSample;
  if (segments !== expected) throw new RleError(`RLE frame has ${segments} segments, expected ${expected}`);
  const offsets: number[] = [];
  for (let i = 0; i < segments; i++) offsets.push(view.getUint32(4 + 4 * i, true));
  offsets.push(frame.length);
  for (let segment = 0; segment < segments; segment++) {
    const start = offsets[segment];
    const end = offsets[segment + 1];
    if (start < 64 || end < start || end > frame.length)
      throw new RleError(`RLE segment ${segment} has an invalid offset ${start}`);
    const sample = Math.floor(segment / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
    const stride = samples * bytesPerSample;
    unpackBits(frame, start, end, out, sample * bytesPerSample + byteInSample, stride, pixels);
  }
}

/** PackBits: n ≥ 0 copies n+1 literal bytes, −127 ≤ n < 0 repeats the next byte 1−n times, −128 is a no-op.
 *  Writes `count` bytes at out[first], out[first+stride], …; a segment that decodes to more is cut (encoders
 *  pad), one that decodes to less is corrupt. */
function unpackBits(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  first: number,
  stride: number,
  count: number,
): void {
  let written = 0;
  let at = first;
  let i = start;
  while (i < end && written < count) {
    const header = src[i++];
    if (header < 128) {
      const n = Math.min(header + 1, end - i, count - written);
      for (let k = 0; k < n; k++, at += stride) out[at] = src[i + k];
      i += header + 1;
      written += n;
    } else if (header > 128) {
      if (i >= end) break;
      const value = src[i++];
      const n = Math.min(257 - header, count - written);
      for (let k = 0; k < n; k++, at += stride) out[at] = value;
      written += n;
    }
  }
  if (written < count) throw new RleError(`RLE segment decodes to ${written} bytes, expected ${count}`);
}
