// A folder of DICOM files plus a CSV of labels → shuffled, batched tf.data datasets for training,
// validation and testing, split by patient. Rows of the CSV name files by relative path or by SOP
// Instance UID. Every file is decoded up front, so bad files are found and reported at load time
// (and skipped) instead of failing in the middle of training.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DicomError } from '../errors';
import { decodeDicom } from '../image';
import { CsvError, parseCsv } from './csv';
import { splitByPatient, type SplitFractions, type SplitName } from './split';
import { listFilesRecursive } from './files';

/** What the dataset needs from one DICOM file: the modality values (e.g. HU) of its first frame. */
export interface DecodedDicomImage {
  rows: number;
  columns: number;
  /** rows × columns values after the modality LUT, single channel. */
  values: Float32Array;
  patientId: string;
  sopInstanceUid: string;
}

/** Reads one DICOM file for the dataset; throws an error naming the file when it cannot. */
export type DicomImageReader = (bytes: Uint8Array, file: string) => Promise<DecodedDicomImage>;

/** The radnb DICOM reader: every transfer syntax it decodes, modality LUT applied, first frame. */
export const readDicomForDataset: DicomImageReader = async (bytes, file) => {
  const image = await decodeDicom(bytes, file);
  if (image.samplesPerPixel !== 1)
    throw new DicomError(file, `a ${image.photometric} colour image; this dataset takes greyscale images`);
  const { patientId = '', sopInstanceUid = '' } = image.metadata;
  return { rows: image.rows, columns: image.columns, values: image.modalityValues(0), patientId, sopInstanceUid };
};

export type Normalization = 'minmax' | 'none' | { center: number; width: number };

export interface DicomFolderOptions {
  /** The label CSV: absolute, or relative to the folder. */
  labels: string;
  /** Reads a DICOM file. Default: readDicomForDataset (the radnb DICOM reader, greyscale first frame). */
  read?: DicomImageReader;
  /** Column naming the file: a relative path (path, file, filename) or a SOP Instance UID
   *  (sop_instance_uid, SOPInstanceUID). Default: the first of those present. */
  keyColumn?: string;
  /** Column with the label (default 'label'): numbers, or class names mapped to 0, 1, … in sorted order. */
  labelColumn?: string;
  /** [rows, columns] every image is resized to (bilinear). Default: the first image's size. */
  size?: [number, number];
  /** 'minmax' (default) scales each image to [0, 1]; a window maps center ± width/2 to [0, 1], clipped. */
  normalize?: Normalization;
  split?: SplitFractions;
  seed?: number;
  batchSize?: number;
}

export interface DatasetExample {
  /** Path relative to the folder. */
  file: string;
  patientId: string;
  label: number;
  split: SplitName;
}

export interface DicomFolderDataset {
  /** Shuffled (seeded) batches of {xs: [b, rows, columns, 1], ys: [b, 1]}. */
  train: tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor2D }>;
  /** Batches in file order. */
  val: tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor2D }>;
  test: tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor2D }>;
  examples: DatasetExample[];
  /** Files that could not be used, with the reason; the rest loaded. */
  skipped: { file: string; reason: string }[];
  /** Class names when the labels were names; index = label value. */
  classNames?: string[];
  imageShape: [number, number, 1];
}

const PATH_COLUMNS = ['path', 'file', 'filename', 'relative_path'];
const SOP_COLUMNS = ['sop_instance_uid', 'SOPInstanceUID', 'sop'];
const NOT_DICOM = /\.(csv|npy|npz|json|txt|md|png|jpe?g)$/i;

export async function loadDicomFolder(dir: string, options: DicomFolderOptions): Promise<DicomFolderDataset> {
  const labelFile = path.resolve(dir, options.labels);
  const table = parseCsv(
    await readFile(labelFile, 'utf8').catch(() => Promise.reject(new CsvError(labelFile, 'label CSV not found'))),
    labelFile,
  );
  const keyColumn = options.keyColumn ?? [...PATH_COLUMNS, ...SOP_COLUMNS].find((c) => table.columns.includes(c));
  const labelColumn = options.labelColumn ?? 'label';
  for (const column of [keyColumn, labelColumn]) {
    if (!column || !table.columns.includes(column)) {
      throw new CsvError(
        labelFile,
        `no column ${column ?? `for the file (${[...PATH_COLUMNS, ...SOP_COLUMNS].join(', ')})`}; columns: ${table.columns.join(', ')}`,
      );
    }
  }
  const bySop = SOP_COLUMNS.includes(keyColumn!);
  const { values: labelValues, classNames } = labelsOf(table.rows.map((r) => r[labelColumn]));
  const labelOf = new Map(
    table.rows.map((r, i) => [bySop ? r[keyColumn!] : path.normalize(r[keyColumn!]), labelValues[i]]),
  );

  const skipped: { file: string; reason: string }[] = [];
  const candidates = bySop
    ? (await listFilesRecursive(dir)).filter((f) => !NOT_DICOM.test(f) && path.resolve(dir, f) !== labelFile)
    : [...labelOf.keys()];
  const loaded: { file: string; image: DecodedDicomImage; label: number }[] = [];
  const found = new Set<string>();
  for (const file of candidates) {
    let image: DecodedDicomImage;
    try {
      image = await (options.read ?? readDicomForDataset)(await readFile(path.join(dir, file)), file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      skipped.push({
        file,
        reason: code === 'ENOENT' ? `listed in ${path.basename(labelFile)} but not found` : reasonOf(error),
      });
      continue;
    }
    const label = labelOf.get(bySop ? image.sopInstanceUid : file);
    if (label === undefined) continue; // an unlabelled file in the folder: not part of the dataset
    found.add(bySop ? image.sopInstanceUid : file);
    loaded.push({ file, image, label });
  }
  if (bySop)
    for (const sop of labelOf.keys())
      if (!found.has(sop))
        skipped.push({
          file: sop,
          reason: `listed in ${path.basename(labelFile)} but no file has this SOP Instance UID`,
        });
  if (loaded.length === 0)
    throw new CsvError(labelFile, `no labelled DICOM file could be loaded from ${dir} (${skipped.length} skipped)`);

  const [rows, columns] = options.size ?? [loaded[0].image.rows, loaded[0].image.columns];
  const pixels = loaded.map(({ image }) => normalize(resize(image, rows, columns), options.normalize ?? 'minmax'));
  // Files without a PatientID count as a patient of their own: they cannot leak into another split.
  const patients = loaded.map(({ file, image }) => image.patientId || `(no PatientID: ${file})`);
  const splits = splitByPatient(patients, options.split, options.seed ?? 1);
  const examples = loaded.map(({ file, label }, i) => ({ file, patientId: patients[i], label, split: splits[i] }));
  const make = (name: SplitName, shuffle: boolean): tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor2D }> => {
    let indices = tf.data.array(examples.flatMap((e, i) => (e.split === name ? [i] : [])));
    if (shuffle) indices = indices.shuffle(examples.length, String(options.seed ?? 1));
    return indices
      .map((i) => {
        const index = i as unknown as number;
        return { xs: tf.tensor3d(pixels[index], [rows, columns, 1]), ys: tf.tensor1d([examples[index].label]) };
      })
      .batch(options.batchSize ?? 32) as unknown as tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor2D }>;
  };
  return {
    train: make('train', true),
    val: make('val', false),
    test: make('test', false),
    examples,
    skipped,
    classNames,
    imageShape: [rows, columns, 1],
  };
}

function labelsOf(raw: string[]): { values: number[]; classNames?: string[] } {
  if (raw.every((v) => v.trim() !== '' && Number.isFinite(Number(v)))) return { values: raw.map(Number) };
  const classNames = [...new Set(raw.map((v) => v.trim()))].sort();
  return { values: raw.map((v) => classNames.indexOf(v.trim())), classNames };
}

function resize(image: DecodedDicomImage, rows: number, columns: number): Float32Array {
  if (image.rows === rows && image.columns === columns) return image.values;
  return tf.tidy(() => {
    const input = tf.tensor3d(image.values, [image.rows, image.columns, 1]);
    return tf.image.resizeBilinear(input, [rows, columns]).dataSync() as Float32Array;
  });
}

function normalize(values: Float32Array, how: Normalization): Float32Array {
  if (how === 'none') return values;
  let low: number;
  let high: number;
  if (how === 'minmax') {
    low = Infinity;
    high = -Infinity;
    for (const v of values) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
  } else {
    low = how.center - how.width / 2;
    high = how.center + how.width / 2;
  }
  const scale = high > low ? 1 / (high - low) : 0;
  return values.map((v) => Math.min(1, Math.max(0, (v - low) * scale)));
}

function reasonOf(error: unknown): string {
  const e = error as { reason?: unknown; message?: unknown };
  return typeof e?.reason === 'string' ? e.reason : String(e?.message ?? error);
}
