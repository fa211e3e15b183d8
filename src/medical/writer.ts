// Reading a DICOM Part 10 file into an editable element tree and writing it back, through dcmjs (its
// package.json asks for Node ≥ 22.13, but its CommonJS build runs on Node 20: verified by the
// round-trip tests). dcmjs ships no types; the part radnb uses is typed here.
//
// Files are rewritten in their own transfer syntax (pixel data stay byte-identical, compressed or not),
// except deflated files, which dcmjs cannot write deflated: they come out explicit VR little endian,
// the syntax a deflated data set has once inflated.
import { TRANSFER_SYNTAX } from './transferSyntax';

/** One element as dcmjs holds it: sequences hold items (element trees), PN values are {Alphabetic}. */
export interface DicomElement {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
}

/** Elements of a data set or sequence item by tag, "GGGGEEEE" in upper-case hex. */
export type ElementTree = Record<string, DicomElement>;

/** A whole Part 10 file: file meta information (group 0002) and the data set. */
export interface DicomFile {
  meta: ElementTree;
  dict: ElementTree;
  write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
}

interface DictionaryEntry {
  tag: string;
  vr: string;
  name: string;
}

interface DcmjsModule {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean }): DicomFile };
    DicomDict: new (meta: ElementTree) => DicomFile;
    DicomMetaDictionary: {
      dictionary: Record<string, DictionaryEntry>;
      denaturalizeDataset(dataset: Record<string, unknown>): ElementTree;
    };
  };
  log: { setLevel(level: string): void; getLogger(name: string): { setLevel(level: string): void } };
}

const dcmjs = require('dcmjs') as DcmjsModule;
// dcmjs logs every odd VR and short value it meets to the console; radnb checks files itself and
// reports problems as typed errors instead.
dcmjs.log.setLevel('error');
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

export class DicomWriteError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'DicomWriteError';
  }
}

/** Parses a Part 10 file into an editable tree. `file` names it in errors. */
export function readDicomFile(bytes: Uint8Array, file: string): DicomFile {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    return dcmjs.data.DicomMessage.readFile(buffer);
  } catch (error) {
    throw new DicomWriteError(file, `not a readable DICOM Part 10 file (${(error as Error).message})`);
  }
}

/** Serialises a file tree to Part 10 bytes (128-byte preamble, DICM, meta group, data set). */
export function writeDicomFile(file: DicomFile, name: string): Uint8Array {
  const syntax = transferSyntaxOf(file);
  if (syntax === TRANSFER_SYNTAX.deflatedExplicitLittle) {
    file.meta['00020010'] = { vr: 'UI', Value: [TRANSFER_SYNTAX.explicitLittle] };
  }
  try {
    return new Uint8Array(file.write());
  } catch (error) {
    throw new DicomWriteError(name, `cannot be written as DICOM (${(error as Error).message})`);
  }
}

export function transferSyntaxOf(file: DicomFile): string {
  return String(file.meta['00020010']?.Value?.[0] ?? TRANSFER_SYNTAX.explicitLittle);
}

/** A new file from attribute keywords (dcmjs' "naturalised" form, e.g. {PatientName: 'X', Rows: 4}). */
export function createDicomFile(meta: Record<string, unknown>, dataset: Record<string, unknown>): DicomFile {
  const file = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  file.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return file;
}

/** The keyword of a standard attribute ("PatientName"), or the tag itself for private/unknown ones. */
export function attributeName(tag: string): string {
  const entry = dcmjs.data.DicomMetaDictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
  return entry?.name ?? tag;
}
