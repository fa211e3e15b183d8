// A lookup table as DICOM stores it in the Modality LUT and VOI LUT sequences: a descriptor (entries,
// first mapped value, bits) and the data. Values outside the table take its first or last entry.
import type { DataSet } from 'dicom-parser';
import { DicomError } from './errors';

export interface LookupTable {
  firstMapped: number;
  data: Uint16Array | Int16Array;
  bits: number;
}

/** The LUT of a sequence item (descriptor 0028,3002 and data 0028,3006). */
export function readLookupTable(item: DataSet, file: string, what: string): LookupTable {
  const descriptor = item.elements.x00283002;
  const data = item.elements.x00283006;
  if (!descriptor || !data) throw new DicomError(file, `${what} item without LUT Descriptor or LUT Data`);
  const entries = item.uint16('x00283002', 0) || 65536;
  // The first mapped value is US or SS depending on the pixel representation; read it as the VR says.
  const firstMapped = descriptor.vr === 'SS' ? (item.int16('x00283002', 1) ?? 0) : (item.uint16('x00283002', 1) ?? 0);
  const bits = item.uint16('x00283002', 2) ?? 16;
  const bytesPerEntry = data.length >= entries * 2 ? 2 : 1;
  if (data.length < entries * bytesPerEntry) throw new DicomError(file, `${what} LUT Data has ${data.length} bytes for ${entries} entries`);
  const table = new Uint16Array(entries);
  for (let i = 0; i < entries; i++) {
    table[i] = bytesPerEntry === 2 ? item.byteArrayParser.readUint16(item.byteArray, data.dataOffset + 2 * i) : item.byteArray[data.dataOffset + i];
  }
  return { firstMapped, data: table, bits };
}

export function lookUp(table: LookupTable, value: number): number {
  const index = Math.round(value) - table.firstMapped;
  return table.data[index < 0 ? 0 : index >= table.data.length ? table.data.length - 1 : index];
}
