// Viewer images for renderer tests, read from real DICOM files of Debian packages. The medical library's
// loader (src/medical) is the product path; this reader only covers the uncompressed single-frame
// monochrome files the tests use, so that renderer tests do not depend on another area's progress.
import { readFileSync } from 'node:fs';
import * as dicomParser from 'dicom-parser';
import type { ViewerImage, ViewerMetadataEntry } from '../../src/common/viewer';

export const CT_SMALL = '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm';
export const CT_ANKLE_512 = '/usr/share/octave/packages/dicom-0.5.1/imdata/CT-MONO2-16-ankle.dcm';

const PATIENT_AXES = [
  ['L', 'R'],
  ['P', 'A'],
  ['H', 'F'],
] as const;

/** Letter of the patient direction a cosine vector points to (its dominant axis). */
function directionLetter(v: number[]): string {
  const axis = [0, 1, 2].reduce((best, i) => (Math.abs(v[i]) > Math.abs(v[best]) ? i : best), 0);
  return v[axis] >= 0 ? PATIENT_AXES[axis][0] : PATIENT_AXES[axis][1];
}

const TAGS: [string, string, string, boolean][] = [
  ['x00100010', '(0010,0010)', 'PatientName', true],
  ['x00100020', '(0010,0020)', 'PatientID', true],
  ['x00100030', '(0010,0030)', 'PatientBirthDate', true],
  ['x00080060', '(0008,0060)', 'Modality', false],
  ['x00081030', '(0008,1030)', 'StudyDescription', false],
  ['x00180050', '(0018,0050)', 'SliceThickness', false],
];

export function readViewerImage(file: string): ViewerImage {
  const ds = dicomParser.parseDicom(new Uint8Array(readFileSync(file)));
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const signed = ds.uint16('x00280103') === 1;
  const el = ds.elements.x7fe00010;
  const bytes = ds.byteArray.slice(el.dataOffset, el.dataOffset + rows * columns * 2);
  const pixels = signed ? new Int16Array(bytes.buffer) : new Uint16Array(bytes.buffer);
  const iop = [0, 1, 2, 3, 4, 5].map((i) => ds.floatString('x00200037', i) ?? NaN);
  const spacing = [ds.floatString('x00280030', 0), ds.floatString('x00280030', 1)];
  const center = ds.floatString('x00281050');
  const width = ds.floatString('x00281051');
  const metadata: ViewerMetadataEntry[] = TAGS.filter(([key]) => ds.elements[key]).map(([key, tag, name, phi]) => ({
    tag,
    name,
    value: ds.string(key) ?? '',
    phi,
  }));
  const modality = ds.string('x00080060') ?? '';
  return {
    title: file.split('/').pop(),
    rows,
    columns,
    frames: 1,
    samplesPerPixel: 1,
    pixels,
    slope: ds.floatString('x00281053') ?? 1,
    intercept: ds.floatString('x00281052') ?? 0,
    units: modality === 'CT' ? 'HU' : '',
    window: center !== undefined && width !== undefined ? { center, width } : undefined,
    pixelSpacing: spacing[0] !== undefined && spacing[1] !== undefined ? [spacing[0], spacing[1]] : undefined,
    orientationLabels: iop.every(Number.isFinite)
      ? {
          right: directionLetter(iop.slice(0, 3)),
          left: directionLetter(iop.slice(0, 3).map((v) => -v)),
          bottom: directionLetter(iop.slice(3, 6)),
          top: directionLetter(iop.slice(3, 6).map((v) => -v)),
        }
      : undefined,
    metadata,
  };
}
