// Bad input: every failure is a DicomError naming the file and a reason a user can act on — truncated
// files, non-DICOM files, missing pixel data, sizes that disagree with the data, corrupt frames, hostile
// lengths and frame counts, syntaxes without a decoder.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import dicomParser from 'dicom-parser';
import { DicomError } from '../../src/medical/errors';
import { decodeDicom, readDicom } from '../../src/medical/image';
import { needFile } from '../support/env';
import { pydicomFile } from './support/samples';

async function failure(bytes: Uint8Array, name = 'sample.dcm'): Promise<DicomError> {
  try {
    await decodeDicom(bytes, name);
  } catch (error) {
    assert.ok(error instanceof DicomError, `expected a DicomError, got ${String(error)}`);
    assert.equal(error.file, name);
    assert.ok(error.message.startsWith(`${name}: `));
    return error;
  }
  assert.fail(`${name} was accepted`);
}

/** A copy of a file with the 16-bit value of `tag` replaced. */
function withUint16(bytes: Buffer, tag: string, value: number): Buffer {
  const copy = Buffer.from(bytes);
  const element = dicomParser.parseDicom(copy).elements[tag];
  copy.writeUInt16LE(value, element.dataOffset);
  return copy;
}

const CT = pydicomFile('CT_small.dcm');

describe('bad input gives a DicomError with the file and the reason', () => {
  test('a missing file', async () => {
    await assert.rejects(
      readDicom('/nonexistent/x.dcm'),
      (e: unknown) => e instanceof DicomError && e.file === '/nonexistent/x.dcm' && /ENOENT/.test(e.reason),
    );
  });

  test('a file that is not DICOM', async () => {
    const text = Buffer.from('This is a text file, not an image. '.repeat(10));
    assert.match((await failure(text, 'notes.txt')).reason, /not a DICOM file/);
    assert.match((await failure(new Uint8Array(3), 'tiny.bin')).reason, /not a DICOM file/);
  });

  test('truncated files', async (t) => {
    if (!needFile(t, CT)) return;
    const bytes = readFileSync(CT);
    for (const length of [140, 400, 1200, bytes.length - 5000, bytes.length - 1]) {
      const reason = (await failure(bytes.subarray(0, length))).reason;
      assert.match(reason, /truncated|pixel data has \d+ bytes/, `cut at ${length}: ${reason}`);
    }
    const mrTruncated = pydicomFile('MR_truncated.dcm');
    await assert.rejects(
      readDicom(mrTruncated),
      (e: unknown) => e instanceof DicomError && /truncated|pixel data has/.test(e.reason),
    );
  });

  test('a file without pixel data', async (t) => {
    const plan = pydicomFile('rtplan.dcm');
    if (!needFile(t, plan)) return;
    await assert.rejects(readDicom(plan), (e: unknown) => e instanceof DicomError && /no pixel data/.test(e.reason));
    const metadataOnly = await readDicom(plan, { pixels: false });
    assert.equal(metadataOnly.metadata.modality, 'RTPLAN');
  });

  test('sizes that disagree with the pixel data', async (t) => {
    if (!needFile(t, CT)) return;
    const reason = (await failure(withUint16(readFileSync(CT), 'x00280010', 256))).reason;
    assert.match(reason, /pixel data has 32768 bytes, but 1 frame\(s\) of 256×128×1 at 16 bits need 65536/);
    assert.match(
      (await failure(withUint16(readFileSync(CT), 'x00280100', 12))).reason,
      /unsupported Bits Allocated 12/,
    );
    assert.match((await failure(withUint16(readFileSync(CT), 'x00280011', 0))).reason, /Columns is 0/);
  });

  test('a corrupt compressed frame', async (t) => {
    for (const name of ['MR_small_RLE.dcm', 'MR_small_jp2klossless.dcm', 'MR_small_jpeg_ls_lossless.dcm']) {
      const file = pydicomFile(name);
      if (!needFile(t, file)) return;
      const bytes = Buffer.from(readFileSync(file));
      const pixels = dicomParser.parseDicom(bytes).elements.x7fe00010;
      const fragment = pixels.fragments![0];
      // keep the codec's header, wreck the rest of the fragment
      bytes.fill(0xff, fragment.position + 80, fragment.position + fragment.length);
      const reason = (await failure(bytes, name)).reason;
      assert.match(reason, /frame 0 of 1 \(.+\) is corrupt/, `${name}: ${reason}`);
    }
  });

  test('hostile lengths and frame counts are refused before any allocation', async (t) => {
    if (!needFile(t, CT)) return;
    const bytes = Buffer.from(readFileSync(CT));
    const dataSet = dicomParser.parseDicom(bytes);
    const pixels = dataSet.elements.x7fe00010;
    const huge = Buffer.from(bytes);
    huge.writeUInt32LE(0x7ffffff0, pixels.dataOffset - 4);
    assert.match((await failure(huge)).reason, /truncated/);
    const frames = pydicomFile('rtdose.dcm');
    if (!needFile(t, frames)) return;
    const wide = withUint16(withUint16(readFileSync(frames), 'x00280010', 65535), 'x00280011', 65535);
    assert.match((await failure(wide)).reason, /15 frames of 65535×65535×1 exceed the limit of \d+ pixels per read/);
  });

  test('a transfer syntax without a decoder says so instead of returning pixels', async (t) => {
    const file = pydicomFile('JPGExtended.dcm');
    if (!needFile(t, file)) return;
    await assert.rejects(
      readDicom(file),
      (e: unknown) => e instanceof DicomError && /JPEG Extended.*12-bit samples: no decoder/.test(e.reason),
    );
    // metadata still load
    assert.equal((await readDicom(file, { pixels: false })).syntax.uid, '1.2.840.10008.1.2.4.51');
  });
});
