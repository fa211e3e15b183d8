// `radnb dicom info|export|deid`: quick looks at DICOM files and conversion to NumPy/PNG for pipelines.
// Identifying values stay masked unless --phi. Bad input ends with a one-line reason and exit code 1,
// a wrong command line with the usage and exit code 2.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { encodePng } from '../common/png';
import { DicomError } from '../medical/errors';
import { readDicom, type DicomImage } from '../medical/image';
import type { DicomMetadata } from '../medical/metadata';
import { isPhiTag } from '../medical/phiTags';
import { encodeNpy, type NpySaveData } from '../medical/npzSave';
import type { PixelInfo } from '../medical/pixelData';
import { isWindowPreset, WINDOW_PRESETS } from '../medical/presets';
import type { WindowSpec } from '../medical/voiLut';
import { runDeidCommand, type CommandIO } from './dicomDeid';
import { isUsageError, UsageError } from './usageError';

export type { CommandIO } from './dicomDeid';

const USAGE = `usage:
  radnb dicom info FILE... [--json] [--phi]
      modality, size, transfer syntax, window, spacing; identifying values masked unless --phi
  radnb dicom export FILE --out PATH.npy|PATH.png [--raw] [--frame N] [--window C,W | --preset NAME]
      .npy: modality-LUT values (e.g. HU) as float32, or the stored values with --raw; shaped like
            pydicom's pixel_array: (rows, cols[, samples]), (frames, rows, cols[, samples]) for several frames
      .png: one frame (default 0), windowed to 8 bits; presets: ${Object.keys(WINDOW_PRESETS).join(', ')}
  radnb dicom deid IN_DIR OUT_DIR [--secret TEXT] [--json]`;

/** Runs `radnb dicom …`; `args` are the words after `dicom`. Returns the exit code. */
export async function runDicomCommand(args: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'info') return await info(rest, io);
    if (sub === 'export') return await exportImage(rest, io);
    if (sub === 'deid') return await runDeidCommand(rest, io);
    if (sub === undefined || sub === '--help' || sub === '-h') {
      io.stdout(USAGE);
      return sub === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${sub}'`);
  } catch (error) {
    if (isUsageError(error)) {
      io.stderr(`radnb dicom: ${(error as Error).message}`);
      io.stderr(USAGE);
      return 2;
    }
    io.stderr(`radnb dicom ${sub}: ${oneLine(error)}`);
    return 1;
  }
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

// Descriptive attributes shown by info, with their tags: those the PS3.15 Basic Profile removes or
// replaces are masked unless --phi.
const DESCRIPTIVE_FIELDS = {
  manufacturer: '00080070',
  seriesDescription: '0008103E',
  studyDescription: '00081030',
  patientName: '00100010',
  patientId: '00100020',
  patientBirthDate: '00100030',
  patientSex: '00100040',
  patientAge: '00101010',
  studyDate: '00080020',
  studyTime: '00080030',
  accessionNumber: '00080050',
  institutionName: '00080080',
  studyInstanceUid: '0020000D',
  seriesInstanceUid: '0020000E',
  sopInstanceUid: '00080018',
} as const satisfies Partial<Record<keyof DicomMetadata, string>>;
type DescriptiveField = keyof typeof DESCRIPTIVE_FIELDS;
const FIELD_NAMES = Object.keys(DESCRIPTIVE_FIELDS) as DescriptiveField[];
const IDENTITY_FIELDS = FIELD_NAMES.filter((k) => isPhiTag(DESCRIPTIVE_FIELDS[k]));
const MASK = '<masked>';

async function info(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, phi: { type: 'boolean' } },
  });
  if (positionals.length === 0) throw new UsageError('info needs at least one FILE');
  const reports: Record<string, unknown>[] = [];
  let failed = 0;
  for (const file of positionals) {
    try {
      const image = await readDicom(file, { pixels: false });
      const report = describe(image, values.phi === true);
      reports.push(report);
      if (!values.json) printReport(report, io);
    } catch (error) {
      if (!(error instanceof DicomError)) throw error;
      failed++;
      io.stderr(`radnb dicom info: ${error.message}`);
    }
  }
  if (values.json) io.stdout(JSON.stringify(reports, null, 2));
  return failed > 0 ? 1 : 0;
}

function describe(image: DicomImage, showPhi: boolean): Record<string, unknown> {
  const m = image.metadata;
  const info = pixelInfoOf(image);
  const described = Object.fromEntries(
    FIELD_NAMES.map((k) => [k, m[k] === undefined || showPhi || !IDENTITY_FIELDS.includes(k) ? m[k] : MASK]),
  );
  return {
    file: image.file,
    modality: m.modality,
    rows: info?.rows,
    columns: info?.columns,
    frames: info?.frames,
    samplesPerPixel: info?.samplesPerPixel,
    photometric: info?.photometric,
    bitsAllocated: info?.bitsAllocated,
    bitsStored: info?.bitsStored,
    signed: info && info.pixelRepresentation === 1,
    transferSyntax: { uid: image.syntax.uid, name: image.syntax.name },
    window: image.voi.windows[0] && {
      center: image.voi.windows[0].center,
      width: image.voi.windows[0].width,
      function: image.voi.windows[0].fn,
    },
    rescale: { slope: image.modalityLut.slope, intercept: image.modalityLut.intercept, units: image.modalityLut.units },
    pixelSpacing: m.pixelSpacing,
    sliceThickness: m.sliceThickness,
    ...described,
  };
}

/** The image attributes, or undefined for DICOM files that hold no image (reports, plans). */
function pixelInfoOf(image: DicomImage): PixelInfo | undefined {
  try {
    return image.info;
  } catch (error) {
    if (error instanceof DicomError) return undefined;
    throw error;
  }
}

function printReport(r: Record<string, unknown>, io: CommandIO): void {
  const window = r.window as { center: number; width: number } | undefined;
  const spacing = r.pixelSpacing as number[] | undefined;
  const syntax = r.transferSyntax as { uid: string; name: string };
  io.stdout(`${r.file}`);
  const image =
    r.rows === undefined
      ? 'no image'
      : `${r.rows}×${r.columns} · ${r.frames} frame(s) · ${r.photometric} · ${r.bitsStored}/${r.bitsAllocated} bits ${r.signed ? 'signed' : 'unsigned'}`;
  io.stdout(`  ${r.modality ?? '?'} · ${image}`);
  io.stdout(`  transfer syntax: ${syntax.name} (${syntax.uid})`);
  io.stdout(
    `  window: ${window ? `centre ${window.center}, width ${window.width}` : 'none'} · spacing: ${spacing ? `${spacing[0]} × ${spacing[1]} mm` : 'unknown'}`,
  );
  const described = FIELD_NAMES.filter((k) => r[k] !== undefined).map((k) => `${k} ${r[k]}`);
  if (described.length > 0) io.stdout(`  ${described.join(' · ')}`);
}

async function exportImage(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      raw: { type: 'boolean' },
      frame: { type: 'string' },
      window: { type: 'string' },
      preset: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('export takes exactly one FILE');
  const out = values.out;
  if (!out || !/\.(npy|png)$/i.test(out)) throw new UsageError('export needs --out PATH.npy or --out PATH.png');
  if (values.window && values.preset) throw new UsageError('give --window or --preset, not both');
  const window = parseWindow(values.window, values.preset);
  const frame = values.frame === undefined ? undefined : parseFrame(values.frame);
  const image = await readDicom(positionals[0]);
  if (frame !== undefined && frame >= image.frames)
    throw new DicomError(image.file, `frame ${frame} does not exist (the file has ${image.frames})`);
  const bytes = /\.npy$/i.test(out) ? npy(image, values.raw === true, frame) : png(image, frame ?? 0, window);
  await writeFile(out, bytes);
  io.stdout(`${out}: written`);
  return 0;
}

function parseWindow(text: string | undefined, preset: string | undefined): WindowSpec | undefined {
  if (preset !== undefined) {
    if (!isWindowPreset(preset))
      throw new UsageError(`unknown preset '${preset}' (known: ${Object.keys(WINDOW_PRESETS).join(', ')})`);
    return WINDOW_PRESETS[preset];
  }
  if (text === undefined) return undefined;
  const [center, width] = text.split(',').map(Number);
  if (!Number.isFinite(center) || !Number.isFinite(width) || width < 1)
    throw new UsageError(`--window needs CENTRE,WIDTH with WIDTH ≥ 1, got '${text}'`);
  return { center, width };
}

function parseFrame(text: string): number {
  const frame = Number(text);
  if (!Number.isInteger(frame) || frame < 0) throw new UsageError(`--frame needs a frame number ≥ 0, got '${text}'`);
  return frame;
}

/** pydicom's pixel_array layout: the frame axis only when there are several frames. */
function npy(image: DicomImage, raw: boolean, frame: number | undefined): Uint8Array {
  const colour = image.samplesPerPixel === 3;
  const frames = frame === undefined ? image.frames : 1;
  const shape = [...(frames > 1 ? [frames] : []), image.rows, image.columns, ...(colour ? [3] : [])];
  // The modality LUT applies to greyscale only; colour values are written as stored.
  const data: NpySaveData =
    raw || colour ? (frame === undefined ? image.pixelArray : image.frame(frame)) : image.modalityValues(frame);
  return encodeNpy(data, shape);
}

function png(image: DicomImage, frame: number, window: WindowSpec | undefined): Uint8Array {
  if (image.samplesPerPixel === 3 || image.photometric === 'PALETTE COLOR')
    return encodePng(image.rgb(frame), image.columns, image.rows, 3);
  const shown = image.windowed({ frame, window, range: { min: 0, max: 255 } });
  return encodePng(
    Uint8Array.from(shown, (v) => Math.round(v)),
    image.columns,
    image.rows,
    1,
  );
}
