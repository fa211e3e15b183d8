// Bytes → dicom-parser data set, with the checks dicom-parser leaves out: a file that is not DICOM, a
// truncated file, a deflated stream that inflates beyond reason, elements that claim more bytes than
// the file has. Files without the Part 10 header (raw data sets, as older modalities wrote them) are
// read too, guessing implicit or explicit little endian from the first element.
import dicomParser, { type DataSet } from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { DicomError } from './errors';
import { TRANSFER_SYNTAX, transferSyntax, type TransferSyntax } from './transferSyntax';

export interface ParsedDicom {
  file: string;
  dataSet: DataSet;
  syntax: TransferSyntax;
  /** False for a raw data set without preamble and file meta information. */
  hasFileMeta: boolean;
}

export interface ParseOptions {
  /** Stop before the pixel data (faster for metadata-only reads of large files). */
  skipPixelData?: boolean;
}

/** Largest inflated size of a deflated data set: a guard against decompression bombs. */
const MAX_INFLATED_BYTES = 1 << 30;

const UNDEFINED_LENGTH = 0xffffffff;

export function parseDicom(bytes: Uint8Array, file: string, options: ParseOptions = {}): ParsedDicom {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hasFileMeta = buffer.length >= 132 && buffer.toString('latin1', 128, 132) === 'DICM';
  const rawSyntax = hasFileMeta ? undefined : guessRawSyntax(buffer, file);
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(buffer, {
      TransferSyntaxUID: rawSyntax,
      untilTag: options.skipPixelData ? 'x7fe00010' : undefined,
      inflater: inflate,
    });
  } catch (error) {
    throw new DicomError(file, describeParserFailure(error, buffer.length));
  }
  const uid = hasFileMeta ? dataSet.string('x00020010') : rawSyntax;
  if (!uid) throw new DicomError(file, 'the file meta information has no Transfer Syntax UID (0002,0010)');
  if (uid === TRANSFER_SYNTAX.deflatedExplicitLittle) dropHeaderElements(dataSet);
  checkElementBounds(dataSet, file);
  return { file, dataSet, syntax: transferSyntax(uid), hasFileMeta };
}

/** With an inflater, dicom-parser parses the inflated data set from byte 0 of the rebuilt buffer, so the
 *  preamble and "DICM" show up as bogus elements (0000,0000), (4944,4D43)…: drop whatever lies before the
 *  end of the file meta information except the meta elements themselves. */
function dropHeaderElements(dataSet: DataSet): void {
  const groupLength = dataSet.elements.x00020000;
  if (!groupLength) return;
  const metaEnd = groupLength.dataOffset + groupLength.length + dataSet.uint32('x00020000')!;
  for (const [tag, element] of Object.entries(dataSet.elements)) {
    if (!tag.startsWith('x0002') && element.dataOffset < metaEnd) delete dataSet.elements[tag];
  }
}

/** dicom-parser's inflater hook: header bytes followed by the inflated data set, bounded in size. */
function inflate(bytes: Uint8Array, position: number): Buffer {
  const header = Buffer.from(bytes.buffer, bytes.byteOffset, position);
  const body = inflateRawSync(Buffer.from(bytes.buffer, bytes.byteOffset + position, bytes.byteLength - position), {
    maxOutputLength: MAX_INFLATED_BYTES,
  });
  return Buffer.concat([header, body]);
}

/** A raw data set starts with a group 0008 (or 0002) element; a two-letter VR after the tag means explicit VR. */
function guessRawSyntax(buffer: Buffer, file: string): string {
  if (buffer.length < 8) throw new DicomError(file, `not a DICOM file (${buffer.length} bytes, no DICM prefix)`);
  const group = buffer.readUInt16LE(0);
  if (group !== 0x0008 && group !== 0x0002) {
    throw new DicomError(file, 'not a DICOM file (no DICM prefix at byte 128 and no data set at byte 0)');
  }
  const vr = buffer.toString('latin1', 4, 6);
  return /^[A-Z]{2}$/.test(vr) ? TRANSFER_SYNTAX.explicitLittle : TRANSFER_SYNTAX.implicitLittle;
}

function describeParserFailure(error: unknown, size: number): string {
  // dicom-parser throws strings as often as Errors, and sometimes {exception, dataSet}.
  const raw =
    error instanceof Error
      ? error.message
      : typeof error === 'string'
        ? error
        : String((error as { exception?: unknown })?.exception ?? error);
  if (/buffer overr|beyond end|past end|cannot be greater than|maxPosition|not enough data/i.test(raw)) {
    return `truncated or corrupt: an element runs past the end of the file (${size} bytes; ${raw})`;
  }
  if (/DICM prefix not found/.test(raw)) return 'not a DICOM file (no DICM prefix at byte 128)';
  if (/missing required meta header attribute/.test(raw))
    return `truncated or incomplete file meta information (${raw})`;
  return `not a readable DICOM file (${raw})`;
}

/** dicom-parser trusts declared lengths of the last elements; a truncated file would hand out short views. */
function checkElementBounds(dataSet: DataSet, file: string): void {
  const size = dataSet.byteArray.length;
  for (const element of Object.values(dataSet.elements)) {
    // undefined lengths (0xFFFFFFFF) are left unresolved when parsing stops at the pixel data
    if (
      element.dataOffset + element.length > size &&
      !element.encapsulatedPixelData &&
      element.length !== UNDEFINED_LENGTH
    ) {
      throw new DicomError(
        file,
        `truncated: element ${formatTag(element.tag)} declares ${element.length} bytes at offset ${element.dataOffset}, but the file has ${size} bytes`,
      );
    }
  }
}

/** "x7fe00010" → "(7FE0,0010)". */
export function formatTag(tag: string): string {
  const hex = tag.replace(/^x/, '').toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}
