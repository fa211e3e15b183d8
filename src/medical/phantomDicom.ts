// Writes the synthetic CT phantom as real DICOM: one CT Image Storage series per case (signed 16-bit,
// RescaleIntercept −1024, positions, orientation, spacing, deterministic UIDs, invented patient
// identities), a nodule mask per case as .npy, and CSV labels per slice and per case.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeNpy } from './npzSave';
import { generatePhantomCase, phantomDefaults, sliceHasNodule, type PhantomCase, type PhantomOptions } from './phantom';
import { TRANSFER_SYNTAX } from './transferSyntax';
import { createDicomFile, writeDicomFile } from './writer';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const RESCALE_INTERCEPT = -1024;

export interface PhantomSeriesFiles {
  /** Relative paths of the DICOM files, slice order. */
  slices: string[];
  /** Relative path of the [slices, rows, columns] uint8 nodule mask. */
  mask: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

export interface PhantomWriteResult {
  cases: PhantomCase[];
  series: PhantomSeriesFiles[];
  /** labels.csv: path,sop_instance_uid,patient_id,case,slice,label (1 = nodule in this slice). */
  sliceLabels: string;
  /** cases.csv: case,patient_id,study_instance_uid,series_instance_uid,has_nodule,nodules,largest_diameter_mm. */
  caseLabels: string;
}

/** Writes `count` phantom cases under outDir: case-000/slice-000.dcm …, case-000/mask.npy, labels.csv, cases.csv. */
export async function writePhantomDataset(
  outDir: string,
  count: number,
  options: PhantomOptions = {},
): Promise<PhantomWriteResult> {
  const o = phantomDefaults(options);
  const cases: PhantomCase[] = [];
  const series: PhantomSeriesFiles[] = [];
  const sliceRows = ['path,sop_instance_uid,patient_id,case,slice,label'];
  const caseRows = ['case,patient_id,study_instance_uid,series_instance_uid,has_nodule,nodules,largest_diameter_mm'];
  for (let index = 0; index < count; index++) {
    const phantom = generatePhantomCase(index, o);
    const dir = `case-${String(index).padStart(3, '0')}`;
    await mkdir(path.join(outDir, dir), { recursive: true });
    const uid = (what: string): string => phantomUid(o.seed, index, what);
    const files: PhantomSeriesFiles = {
      slices: [],
      mask: `${dir}/mask.npy`,
      studyInstanceUid: uid('study'),
      seriesInstanceUid: uid('series'),
    };
    for (let z = 0; z < phantom.slices; z++) {
      const relative = `${dir}/slice-${String(z).padStart(3, '0')}.dcm`;
      const sop = uid(`slice ${z}`);
      await writeFile(
        path.join(outDir, relative),
        phantomSliceDicom(phantom, z, { ...files, sop, frameOfReference: uid('frame') }),
      );
      files.slices.push(relative);
      sliceRows.push(`${relative},${sop},${phantom.patient.id},${index},${z},${sliceHasNodule(phantom, z) ? 1 : 0}`);
    }
    await writeFile(
      path.join(outDir, files.mask),
      encodeNpy(phantom.mask, [phantom.slices, phantom.rows, phantom.columns]),
    );
    const largest = Math.max(0, ...phantom.nodules.map((n) => 2 * n.radiusMm));
    caseRows.push(
      `${index},${phantom.patient.id},${files.studyInstanceUid},${files.seriesInstanceUid},${phantom.hasNodule ? 1 : 0},${phantom.nodules.length},${largest.toFixed(1)}`,
    );
    cases.push(phantom);
    series.push(files);
  }
  const result = { cases, series, sliceLabels: `${sliceRows.join('\n')}\n`, caseLabels: `${caseRows.join('\n')}\n` };
  await writeFile(path.join(outDir, 'labels.csv'), result.sliceLabels);
  await writeFile(path.join(outDir, 'cases.csv'), result.caseLabels);
  return result;
}

/** One slice as a Part 10 CT file (explicit VR little endian). */
export function phantomSliceDicom(
  phantom: PhantomCase,
  z: number,
  uids: { studyInstanceUid: string; seriesInstanceUid: string; sop: string; frameOfReference: string },
): Uint8Array {
  const size = phantom.rows * phantom.columns;
  const stored = new Int16Array(size);
  const hu = phantom.hu.subarray(z * size, (z + 1) * size);
  for (let i = 0; i < size; i++) stored[i] = hu[i] - RESCALE_INTERCEPT;
  const [rowSpacing, columnSpacing] = phantom.pixelSpacingMm;
  // Patient coordinates (LPS, mm) with the volume centred on the origin; slices go from feet to head.
  const x0 = (-(phantom.columns - 1) / 2) * columnSpacing;
  const y0 = (-(phantom.rows - 1) / 2) * rowSpacing;
  const zPosition = (z - (phantom.slices - 1) / 2) * phantom.sliceThicknessMm;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: CT_IMAGE_STORAGE,
    MediaStorageSOPInstanceUID: uids.sop,
    TransferSyntaxUID: TRANSFER_SYNTAX.explicitLittle,
    ImplementationClassUID: '2.25.283927434712734916548129378841029384761',
    ImplementationVersionName: 'RADNB_PHANTOM',
  };
  const dataset = {
    SpecificCharacterSet: 'ISO_IR 100',
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    SOPClassUID: CT_IMAGE_STORAGE,
    SOPInstanceUID: uids.sop,
    StudyDate: '20240102',
    StudyTime: '093000',
    AccessionNumber: `ACC${phantom.patient.id.slice(2)}`,
    Modality: 'CT',
    Manufacturer: 'radnb synthetic phantom',
    InstitutionName: 'radnb Synthetic Teaching Hospital',
    ReferringPhysicianName: 'REFERRER^Invented',
    StudyDescription: 'Synthetic chest CT phantom',
    SeriesDescription: phantom.hasNodule ? 'Chest, nodules' : 'Chest',
    PatientName: phantom.patient.name,
    PatientID: phantom.patient.id,
    PatientBirthDate: phantom.patient.birthDate,
    PatientSex: phantom.patient.sex,
    BodyPartExamined: 'CHEST',
    SliceThickness: String(phantom.sliceThicknessMm),
    KVP: '120',
    PatientPosition: 'FFS',
    StudyInstanceUID: uids.studyInstanceUid,
    SeriesInstanceUID: uids.seriesInstanceUid,
    StudyID: '1',
    SeriesNumber: '1',
    InstanceNumber: String(z + 1),
    ImagePositionPatient: [x0, y0, zPosition].map(decimal),
    ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
    FrameOfReferenceUID: uids.frameOfReference,
    SliceLocation: decimal(zPosition),
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: phantom.rows,
    Columns: phantom.columns,
    PixelSpacing: [decimal(rowSpacing), decimal(columnSpacing)],
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    BurnedInAnnotation: 'NO',
    WindowCenter: '-600',
    WindowWidth: '1500',
    RescaleIntercept: String(RESCALE_INTERCEPT),
    RescaleSlope: '1',
    RescaleType: 'HU',
    PixelData: [stored.buffer],
    _vrMap: { PixelData: 'OW' },
  };
  return writeDicomFile(createDicomFile(meta, dataset), `phantom case ${phantom.index} slice ${z}`);
}

/** DS values: at most 16 characters. */
function decimal(value: number): string {
  return String(Number(value.toFixed(6))).slice(0, 16);
}

/** Deterministic "2.25." UIDs, so a seed always writes the same files. */
function phantomUid(seed: number, index: number, what: string): string {
  const bytes = createHash('sha256').update(`radnb phantom ${seed} ${index} ${what}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString()}`;
}
