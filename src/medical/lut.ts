// A lookup table as DICOM stores it (Modality LUT, VOI LUT, palette colour): a descriptor (entries,
// first mapped value, bits) and the data. Values outside the table take its first or last entry.
import type { DataSet } from 'dicom-parser';
import { DicomError } from './errors';

export interface LookupTable {
  firstMapped: number;
  data: Uint16Array;
  bits: number;
}

/** The LUT of a Modality/VOI LUT Sequence item (descriptor 0028,3002 and data 0028,3006). */
export function readLookupTable(item: DataSet, file: string, what: string): LookupTable {
  return readLut(item, 'x00283002', 'x00283006', file, what);
}

/** A LUT from its descriptor [entries (0 = 65536), first mapped value, bits per entry] and its data,
 *  which hold one 16-bit word per entry, or one byte per entry in some 8-bit tables. */
export function readLut(
  dataSet: DataSet,
  descriptorTag: string,
  dataTag: string,
  file: string,
  what: string,
): LookupTable {
  const descriptor = dataSet.elements[descriptorTag];
  const data = dataSet.elements[dataTag];
  if (!descriptor || !data) throw new DicomError(file, `${what} without LUT Descriptor or LUT Data`);
  const entries = dataSet.uint16(descriptorTag, 0) || 65536;
  // The first mapped value is US or SS depending on the pixel representation; read it as the VR says.
  const firstMapped =
    descriptor.vr === 'SS' ? (dataSet.int16(descriptorTag, 1) ?? 0) : (dataSet.uint16(descriptorTag, 1) ?? 0);
  const bits = dataSet.uint16(descriptorTag, 2) ?? 16;
  const bytesPerEntry = data.length >= entries * 2 ? 2 : 1;
  if (data.length < entries * bytesPerEntry)
    throw new DicomError(file, `${what} LUT Data has ${data.length} bytes for ${entries} entries`);
  const table = new Uint16Array(entries);
  for (let i = 0; i < entries; i++) {
    table[i] =
      bytesPerEntry === 2
        ? dataSet.byteArrayParser.readUint16(dataSet.byteArray, data.dataOffset + 2 * i)
        : dataSet.byteArray[data.dataOffset + i];
  }
  return { firstMapped, data: table, bits };
}

export function lookUp(table: LookupTable, value: number): number {
  const index = Math.round(value) - table.firstMapped;
  return table.data[index < 0 ? 0 : index >= table.data.length ? table.data.length - 1 : index];
}
