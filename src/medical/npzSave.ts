// Writing NumPy .npy arrays (format 1.0, little endian, C order), e.g. segmentation masks next to a
// DICOM series, readable by numpy.load and by parseNpy.

export type NpySaveData =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

const DESCR: Record<string, string> = {
  Uint8Array: '|u1',
  Int8Array: '|i1',
  Uint16Array: '<u2',
  Int16Array: '<i2',
  Uint32Array: '<u4',
  Int32Array: '<i4',
  Float32Array: '<f4',
  Float64Array: '<f8',
};

export function encodeNpy(data: NpySaveData, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new Error(`encodeNpy: shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${DESCR[data.constructor.name]}', 'fortran_order': False, 'shape': (${dims}), }`;
  // The header, with magic and length, is padded with spaces to a multiple of 64 and ends in a newline.
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, ...Buffer.from('NUMPY'), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  // typed arrays are little endian on every platform Node runs on
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
