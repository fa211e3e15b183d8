// What a file says about itself: a typed view of the attributes users ask for (patient, study, series,
// image geometry, window, equipment) and a full dump of the data set with PHI flags.
import type { DataSet, Element } from 'dicom-parser';
import { lookupTag } from './dictionary';
import { formatTag } from './parse';
import { isPhiTag } from './phiTags';

export interface DicomMetadata {
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  patientAge?: string;
  studyInstanceUid?: string;
  studyDate?: string;
  studyTime?: string;
  studyDescription?: string;
  accessionNumber?: string;
  seriesInstanceUid?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  sopInstanceUid?: string;
  sopClassUid?: string;
  instanceNumber?: number;
  modality?: string;
  manufacturer?: string;
  manufacturerModelName?: string;
  institutionName?: string;
  bodyPartExamined?: string;
  /** Patient coordinates (mm) of the centre of the first transmitted pixel. */
  imagePositionPatient?: [number, number, number];
  /** Direction cosines of the first row and the first column. */
  imageOrientationPatient?: [number, number, number, number, number, number];
  /** [between rows, between columns] in mm. */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  sliceLocation?: number;
  spacingBetweenSlices?: number;
}

export function readMetadata(dataSet: DataSet): DicomMetadata {
  const text = (tag: string): string | undefined => nonEmpty(dataSet.string(tag));
  const number = (tag: string): number | undefined => finite(dataSet.floatString(tag));
  return {
    patientName: text('x00100010'),
    patientId: text('x00100020'),
    patientBirthDate: text('x00100030'),
    patientSex: text('x00100040'),
    patientAge: text('x00101010'),
    studyInstanceUid: text('x0020000d'),
    studyDate: text('x00080020'),
    studyTime: text('x00080030'),
    studyDescription: text('x00081030'),
    accessionNumber: text('x00080050'),
    seriesInstanceUid: text('x0020000e'),
    seriesNumber: finite(dataSet.intString('x00200011')),
    seriesDescription: text('x0008103e'),
    sopInstanceUid: text('x00080018'),
    sopClassUid: text('x00080016'),
    instanceNumber: finite(dataSet.intString('x00200013')),
    modality: text('x00080060'),
    manufacturer: text('x00080070'),
    manufacturerModelName: text('x00081090'),
    institutionName: text('x00080080'),
    bodyPartExamined: text('x00180015'),
    imagePositionPatient: vector(dataSet, 'x00200032', 3) as DicomMetadata['imagePositionPatient'],
    imageOrientationPatient: vector(dataSet, 'x00200037', 6) as DicomMetadata['imageOrientationPatient'],
    pixelSpacing: (vector(dataSet, 'x00280030', 2) ?? vector(dataSet, 'x00181164', 2)) as DicomMetadata['pixelSpacing'],
    sliceThickness: number('x00180050'),
    sliceLocation: number('x00201041'),
    spacingBetweenSlices: number('x00180088'),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

function vector(dataSet: DataSet, tag: string, length: number): number[] | undefined {
  if ((dataSet.numStringValues(tag) ?? 0) < length) return undefined;
  const values = Array.from({ length }, (_, i) => dataSet.floatString(tag, i) ?? NaN);
  return values.every(Number.isFinite) ? values : undefined;
}

export interface TagEntry {
  /** "(0010,0010)" */
  tag: string;
  /** "PatientName"; the tag itself for private or unknown attributes. */
  keyword: string;
  vr: string;
  /** Text of the value; binary values as "<N bytes>", sequences as "<N items>". */
  value: string;
  /** The attribute may identify the patient (PS3.15 Annex E Basic Profile). */
  phi: boolean;
  /** 0 for the data set, 1 inside a sequence item, … */
  depth: number;
}

const STRING_VRS = new Set([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);
const NUMBER_READERS: Record<string, [number, (ds: DataSet, tag: string, i: number) => number | undefined]> = {
  US: [2, (ds, t, i) => ds.uint16(t, i)],
  SS: [2, (ds, t, i) => ds.int16(t, i)],
  UL: [4, (ds, t, i) => ds.uint32(t, i)],
  SL: [4, (ds, t, i) => ds.int32(t, i)],
  FL: [4, (ds, t, i) => ds.float(t, i)],
  FD: [8, (ds, t, i) => ds.double(t, i)],
};
/** Longest list of binary numbers shown in full. */
const MAX_LISTED_NUMBERS = 16;

/** VRs whose values are names, IDs, dates, UIDs or free text: the values worth redacting from outputs. */
const IDENTIFYING_VRS = new Set(['PN', 'LO', 'SH', 'DA', 'DT', 'UI', 'LT', 'ST', 'UT', 'UC', 'AS']);

/** Text values of the PHI attributes (PS3.15 Basic Profile) at any depth, with their keywords. */
export function identifyingValues(
  dataSet: DataSet,
  found: { keyword: string; value: string }[] = [],
): { keyword: string; value: string }[] {
  for (const element of Object.values(dataSet.elements)) {
    // Identifiers also hide in sequences (OtherPatientIDsSequence, ReferencedPatientSequence…).
    for (const item of element.items ?? []) if (item.dataSet) identifyingValues(item.dataSet, found);
    const hex = element.tag.slice(1);
    if (element.items || !isPhiTag(hex)) continue;
    const known = lookupTag(hex);
    const vr = element.vr ?? known?.vr.slice(0, 2);
    const value = vr && IDENTIFYING_VRS.has(vr) ? (dataSet.string(element.tag) ?? '').replace(/\0/g, '').trim() : '';
    if (value) found.push({ keyword: known?.keyword ?? formatTag(element.tag), value });
  }
  return found;
}

/** Every attribute, in file order, sequences expanded (items at depth + 1). */
export function dumpTags(dataSet: DataSet, depth = 0, signed = dataSet.uint16('x00280103') === 1): TagEntry[] {
  const entries: TagEntry[] = [];
  for (const element of Object.values(dataSet.elements)) {
    const hex = element.tag.slice(1);
    const known = lookupTag(hex);
    const vr = element.vr ?? (element.items ? 'SQ' : implicitVr(known?.vr, signed));
    entries.push({
      tag: formatTag(element.tag),
      keyword: known?.keyword ?? formatTag(element.tag),
      vr,
      value: describeValue(dataSet, element, vr),
      phi: isPhiTag(hex),
      depth,
    });
    for (const item of element.items ?? [])
      if (item.dataSet) entries.push(...dumpTags(item.dataSet, depth + 1, signed));
  }
  return entries;
}

/** The VR of an implicit-VR element from the dictionary; "US or SS" (dcmjs: xs) follows the pixel sign,
 *  as pydicom decides it. */
function implicitVr(dictionaryVr: string | undefined, signed: boolean): string {
  if (!dictionaryVr) return 'UN';
  if (dictionaryVr === 'xs') return signed ? 'SS' : 'US';
  if (dictionaryVr === 'ox') return 'OW';
  return dictionaryVr.slice(0, 2).toUpperCase();
}

function describeValue(dataSet: DataSet, element: Element, vr: string): string {
  if (element.items) return `<${element.items.length} item${element.items.length === 1 ? '' : 's'}>`;
  if (element.encapsulatedPixelData) return `<${element.fragments?.length ?? 0} fragments>`;
  if (STRING_VRS.has(vr)) return (dataSet.string(element.tag) ?? '').replace(/\0/g, '');
  const reader = NUMBER_READERS[vr];
  if (reader && element.length > 0) {
    const count = Math.floor(element.length / reader[0]);
    const shown = Array.from({ length: Math.min(count, MAX_LISTED_NUMBERS) }, (_, i) =>
      reader[1](dataSet, element.tag, i),
    );
    return shown.join('\\') + (count > MAX_LISTED_NUMBERS ? `\\… (${count} values)` : '');
  }
  if (vr === 'AT') return dataSet.attributeTag(element.tag) ?? '';
  return `<${element.length} bytes>`;
}
