// Builds a compressed DICOM file from an uncompressed explicit-VR-little-endian one and compressed frames
// made by an external encoder (for syntaxes dcmtk/gdcm cannot write, e.g. HTJ2K from ojph_compress):
// the pixel data element becomes encapsulated (empty offset table, one fragment per frame) and the
// transfer syntax UID in the file meta information is replaced (group length adjusted).
import dicomParser from 'dicom-parser';

export function encapsulate(source: Uint8Array, transferSyntaxUid: string, frames: Uint8Array[]): Uint8Array {
  const buffer = Buffer.from(source);
  const dataSet = dicomParser.parseDicom(buffer);
  const syntax = dataSet.elements.x00020010;
  const groupLength = dataSet.elements.x00020000;
  const pixels = dataSet.elements.x7fe00010;
  if (dataSet.string('x00020010') !== '1.2.840.10008.1.2.1')
    throw new Error('encapsulate needs an explicit VR little endian file');
  const uid = Buffer.from(transferSyntaxUid.length % 2 ? `${transferSyntaxUid}\0` : transferSyntaxUid, 'latin1');
  const uidElement = Buffer.alloc(8 + uid.length);
  uidElement.write('\x02\x00\x10\x00UI', 0, 'latin1');
  uidElement.writeUInt16LE(uid.length, 6);
  uid.copy(uidElement, 8);
  const parts: Buffer[] = [
    buffer.subarray(0, syntax.dataOffset - 8),
    uidElement,
    buffer.subarray(syntax.dataOffset + syntax.length, pixels.dataOffset - 12),
    Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    item(new Uint8Array(0)),
    ...frames.map(item),
    Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]),
  ];
  const out = Buffer.concat(parts);
  if (groupLength) out.writeUInt32LE(dataSet.uint32('x00020000')! + uid.length - syntax.length, groupLength.dataOffset);
  return out;
}

function item(bytes: Uint8Array): Buffer {
  const padded = bytes.length % 2 ? Buffer.concat([bytes, Buffer.from([0])]) : Buffer.from(bytes);
  const header = Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0]);
  header.writeUInt32LE(padded.length, 4);
  return Buffer.concat([header, padded]);
}
