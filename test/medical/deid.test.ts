// De-identification: every Basic Profile attribute is gone, empty or replaced (checked by pydicom, an
// independent parser), UIDs stay consistent across the files of a study, pixels are unchanged. The study
// is made by radnb's own writer (a phantom CT slice with an invented patient), so everything but the
// pydicom checks runs without Debian's sample files; real files of other syntaxes are checked when present.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import dicomParser from 'dicom-parser';
import { deidentify, deidentifyDirectory, DeidError, type DeidDirectoryReport } from '../../src/medical/deid';
import { basicProfileAction, basicProfileTags } from '../../src/medical/deidProfile';
import { identifyingText, leftoverText } from '../../src/medical/deidVerify';
import { seededRandom } from '../../src/common/random';
import { DicomWriteError, readDicomFile, writeDicomFile, type ElementTree } from '../../src/medical/writer';
import { generatePhantomCase } from '../../src/medical/phantom';
import { phantomSliceDicom } from '../../src/medical/phantomDicom';
import { need } from '../support/env';

const SAMPLES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const PYTHON = '/usr/bin/python3';
const hasPydicom = spawnSync(PYTHON, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' }).status === 0;

// Every element of every output file, flattened, plus whether PixelData is byte-identical to the input.
const DUMP = String.raw`
import json, sys, pydicom
from pydicom.encaps import generate_pixel_data_frame
def frames(ds):
    # Encapsulated data may gain a basic offset table on rewrite: compare the frames, not the wrapper.
    if not ds.file_meta.TransferSyntaxUID.is_compressed: return [ds.PixelData]
    return list(generate_pixel_data_frame(ds.PixelData, int(ds.get('NumberOfFrames', 1))))
src, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
def walk(ds, prefix, rows):
    for el in ds:
        tag = '%08X' % int(el.tag)
        rows.append({'path': prefix + tag, 'tag': tag, 'vr': el.VR,
                     'empty': el.value is None or el.value == '' or el.value == [] or (el.VR == 'SQ' and len(el.value) == 0),
                     'value': '' if el.VR in ('OB', 'OW', 'SQ', 'UN') else str(el.value)})
        if el.VR == 'SQ':
            for i, item in enumerate(el.value):
                walk(item, prefix + tag + '[%d].' % i, rows)
result = {}
for name in names:
    a = pydicom.dcmread(src + '/' + name); b = pydicom.dcmread(out + '/' + name)
    rows = []
    walk(b, '', rows)
    same = ('PixelData' not in a) or frames(a) == frames(b)
    result[name] = {'elements': rows, 'pixelsUnchanged': same, 'meta': str(b.file_meta.MediaStorageSOPInstanceUID)}
print(json.dumps(result))
`;

interface DumpedElement {
  path: string;
  tag: string;
  vr: string;
  empty: boolean;
  value: string;
}

function pydicomDump(
  inDir: string,
  outDir: string,
  names: string[],
): Record<string, { elements: DumpedElement[]; pixelsUnchanged: boolean; meta: string }> {
  const run = spawnSync(PYTHON, ['-c', DUMP, inDir, outDir, ...names], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

/** Values of every element, flattened, as a map path → value, read with dicom-parser (another parser). */
function topLevelString(bytes: Uint8Array, tag: string): string | undefined {
  return dicomParser.parseDicom(Buffer.from(bytes)).string(`x${tag.toLowerCase()}`);
}

/** A 64×64 CT slice of the phantom, written by radnb's writer, with its invented patient's identity. */
function identifiableCt(): { bytes: Uint8Array; patientName: string } {
  const phantom = generatePhantomCase(0, { slices: 1, seed: 5 });
  const uid = (n: number): string => `1.2.826.0.1.3680043.2.1125.5.${n}`;
  const bytes = phantomSliceDicom(phantom, 0, {
    studyInstanceUid: uid(1),
    seriesInstanceUid: uid(2),
    sop: uid(3),
    frameOfReference: uid(4),
  });
  return { bytes, patientName: phantom.patient.name };
}

/** A study of three CT files made from a phantom slice with many identifying attributes added, including
 *  inside sequences and private ones, where file 2 references file 1 — plus a text file and a truncated one. */
function writeStudy(dir: string): void {
  const base = identifiableCt().bytes;
  for (let i = 1; i <= 3; i++) {
    const dicom = readDicomFile(base, 'phantom.dcm');
    const d: ElementTree = dicom.dict;
    d['00080018'] = { vr: 'UI', Value: [`1.2.826.0.1.3680043.2.1125.${i}`] };
    dicom.meta['00020003'] = { vr: 'UI', Value: [`1.2.826.0.1.3680043.2.1125.${i}`] };
    d['00100020'] = { vr: 'LO', Value: ['PAT-00042'] };
    d['00101040'] = { vr: 'LO', Value: ['1 Hospital Road, Springfield'] };
    d['00101000'] = { vr: 'LO', Value: ['OTHER-ID-7'] };
    d['00080080'] = { vr: 'LO', Value: ['Springfield General'] };
    d['00081050'] = { vr: 'PN', Value: [{ Alphabetic: 'House^Gregory' }] };
    d['00402017'] = { vr: 'LO', Value: ['FILLER-99'] };
    d['0040A124'] = { vr: 'UI', Value: ['1.2.3.4.5.6.7'] };
    d['00280301'] = { vr: 'CS', Value: [i === 3 ? 'YES' : 'NO'] };
    d['00091001'] = { vr: 'LO', Value: ['private secret'] };
    d['00400275'] = { vr: 'SQ', Value: [{ '00401001': { vr: 'SH', Value: ['REQ-1'] } }] };
    d['00081111'] = { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['1.2.826.0.1.3680043.2.1125.999'] } }] };
    d['00081110'] = {
      vr: 'SQ',
      Value: [
        {
          '00081150': { vr: 'UI', Value: ['1.2.840.10008.3.1.2.3.1'] },
          '00081155': { vr: 'UI', Value: ['1.2.826.0.1.3680043.2.1125.777'] },
        },
      ],
    };
    if (i === 2) {
      d['00081140'] = {
        vr: 'SQ',
        Value: [
          {
            '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
            '00081155': { vr: 'UI', Value: ['1.2.826.0.1.3680043.2.1125.1'] },
            '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Nested^Name' }] },
          },
        ],
      };
    }
    writeFileSync(path.join(dir, `ct${i}.dcm`), writeDicomFile(dicom, `ct${i}.dcm`));
  }
  writeFileSync(path.join(dir, 'notes.txt'), 'not a DICOM file\n');
  writeFileSync(path.join(dir, 'cut.dcm'), base.subarray(0, base.length - 1000));
}

describe('de-identification (PS3.15 Annex E basic profile)', () => {
  let work: string;
  let inDir: string;
  let outDir: string;
  let report: DeidDirectoryReport;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'radnb-deid-'));
    inDir = path.join(work, 'in');
    outDir = path.join(work, 'out');
    mkdirSync(inDir);
    writeStudy(inDir);
    report = await deidentifyDirectory(inDir, outDir, { secret: 'test-secret' });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('the profile table covers the attributes users expect gone', () => {
    assert.ok(basicProfileTags().size > 400);
    assert.equal(basicProfileAction('00100010'), 'Z'); // PatientName
    assert.equal(basicProfileAction('00101040'), 'X'); // PatientAddress
    assert.equal(basicProfileAction('0020000D'), 'U'); // StudyInstanceUID
    assert.equal(basicProfileAction('00091001'), 'X'); // private
    assert.equal(basicProfileAction('60023000'), 'X'); // overlay data in a repeating group
    assert.equal(basicProfileAction('00280010'), undefined); // Rows stay
  });

  test('every basic-profile attribute is gone, empty or replaced, at any depth (checked with pydicom)', (t) => {
    if (!need(t, hasPydicom, 'python3-pydicom + numpy')) return;
    const names = report.files.map((f) => f.file);
    assert.deepEqual(names, ['ct1.dcm', 'ct2.dcm', 'ct3.dcm']);
    const original = pydicomDump(inDir, inDir, names);
    const dumped = pydicomDump(inDir, outDir, names);
    for (const name of names) {
      const before = new Map(original[name].elements.map((e) => [e.path, e]));
      for (const el of dumped[name].elements) {
        const action = basicProfileAction(el.tag);
        const was = before.get(el.path);
        const where = `${name} ${el.path}`;
        if (el.tag === '00100020' || el.tag === '00100010') {
          if (el.path.includes('.')) assert.ok(el.empty, `${where} should be empty`);
          else assert.match(el.value, /^ANON-[0-9A-F]{12}$/, where);
          continue;
        }
        assert.notEqual(action, 'X', `${where} should have been removed`);
        if (action === 'Z') assert.ok(el.empty, `${where} should be empty, is ${el.value}`);
        if (action === 'D' && was && el.vr !== 'SQ')
          assert.notEqual(el.value, was.value, `${where} should be replaced`);
        if (action === 'U') {
          assert.match(el.value.replace(/[[\]' ]/g, ''), /^2\.25\.\d+(,2\.25\.\d+)*$/, where);
          assert.notEqual(el.value, was?.value, where);
        }
      }
      const paths = new Set(dumped[name].elements.map((e) => e.path));
      for (const gone of ['00101040', '00101000', '00081050', '00091001', '00400275'])
        assert.ok(!paths.has(gone), `${name} still has ${gone}`);
      assert.equal(
        dumped[name].elements.find((e) => e.path === '00081111')?.empty,
        true,
        'ReferencedPerformedProcedureStepSequence emptied',
      );
      assert.equal(dumped[name].elements.find((e) => e.path === '00080080')?.empty, true, 'InstitutionName emptied');
      assert.equal(dumped[name].elements.find((e) => e.path === '00120062')?.value, 'YES');
      assert.ok(dumped[name].elements.find((e) => e.path === '00120063')?.value);
      assert.equal(dumped[name].elements.find((e) => e.path === '00120064[0].00080100')?.value, '113100');
      assert.equal(dumped[name].elements.find((e) => e.path === '00280303')?.value, 'REMOVED');
      assert.equal(dumped[name].pixelsUnchanged, true, `${name} pixels changed`);
    }
  });

  test('UIDs and the patient pseudonym are consistent across the files of a study', () => {
    const out = [1, 2, 3].map((i) => readFileSync(path.join(outDir, `ct${i}.dcm`)));
    const study = out.map((b) => topLevelString(b, '0020000D'));
    const series = out.map((b) => topLevelString(b, '0020000E'));
    const sop = out.map((b) => topLevelString(b, '00080018'));
    assert.equal(new Set(study).size, 1);
    assert.equal(new Set(series).size, 1);
    assert.equal(new Set(sop).size, 3);
    assert.notEqual(study[0], topLevelString(readFileSync(path.join(inDir, 'ct1.dcm')), '0020000D'));
    assert.equal(new Set(out.map((b) => topLevelString(b, '00100020'))).size, 1);
    // ct2 references ct1: the reference follows ct1's new UID; the non-identifying SOP class stays.
    const ct2 = dicomParser.parseDicom(out[1]);
    const ref = ct2.elements.x00081140.items![0].dataSet!;
    assert.equal(ref.string('x00081155'), sop[0]);
    assert.equal(ref.string('x00081150'), '1.2.840.10008.5.1.4.1.1.2');
    // meta header follows the data set
    assert.equal(dicomParser.parseDicom(out[0]).string('x00020003'), sop[0]);
  });

  test('the report lists each change and warns about burned-in text; bad files are skipped with a reason', () => {
    const ct2 = report.files.find((f) => f.file === 'ct2.dcm')!;
    const change = (p: string): string | undefined => ct2.changes.find((c) => c.path === p)?.change;
    assert.equal(change('PatientAddress'), 'removed');
    assert.equal(change('InstitutionName'), 'emptied');
    assert.equal(change('StudyInstanceUID'), 'uid-replaced');
    assert.equal(change('ReferencedImageSequence[0].ReferencedSOPInstanceUID'), 'uid-replaced');
    assert.equal(change('ReferencedImageSequence[0].PatientName'), 'emptied');
    assert.equal(change('PatientIdentityRemoved'), 'added');
    assert.deepEqual(report.files.find((f) => f.file === 'ct1.dcm')!.warnings, []); // BurnedInAnnotation NO
    assert.match(report.files.find((f) => f.file === 'ct3.dcm')!.warnings[0], /burned-in annotation.*NOT removed/);
    assert.deepEqual(
      report.failed.map((f) => f.file),
      ['cut.dcm', 'notes.txt'],
    );
    assert.match(report.failed[0].reason, /truncated|not a readable DICOM file/);
    assert.match(report.failed[1].reason, /no 'DICM' marker/);
  });

  test('without a shared secret two runs give unlinkable UIDs; with one they agree', () => {
    const { bytes } = identifiableCt();
    const uid = (b: Uint8Array): string | undefined => topLevelString(b, '0020000D');
    assert.notEqual(uid(deidentify(bytes).bytes), uid(deidentify(bytes).bytes));
    assert.equal(uid(deidentify(bytes, { secret: 's' }).bytes), uid(deidentify(bytes, { secret: 's' }).bytes));
    assert.throws(
      () => deidentify(new Uint8Array(10), { file: 'tiny.dcm' }),
      (e: unknown) => e instanceof DeidError && e.file === 'tiny.dcm',
    );
  });

  test('real sample files of several transfer syntaxes come out valid with pixels unchanged', (t) => {
    const names = [
      'MR_small_implicit.dcm',
      'MR_small_bigendian.dcm',
      'image_dfl.dcm',
      'MR_small_RLE.dcm',
      'JPEG2000.dcm',
      'rtplan.dcm',
      'test-SR.dcm',
      'priv_SQ.dcm',
    ];
    const installed = names.every((name) => existsSync(path.join(SAMPLES, name)));
    if (
      !need(t, installed, `Debian python3-pydicom's ${names.join(', ')}`) ||
      !need(t, hasPydicom, 'python3-pydicom + numpy')
    )
      return;
    const dir = path.join(work, 'samples');
    mkdirSync(dir);
    for (const name of names)
      writeFileSync(path.join(dir, name), deidentify(readFileSync(path.join(SAMPLES, name)), { file: name }).bytes);
    const dumped = pydicomDump(SAMPLES, dir, names);
    for (const name of names) {
      assert.equal(dumped[name].pixelsUnchanged, true, `${name} pixels changed`);
      assert.ok(
        !dumped[name].elements.some((e) => basicProfileAction(e.tag) === 'X'),
        `${name} keeps a removable attribute`,
      );
    }
  });
});

describe('de-identification of damaged files', () => {
  test('an element whose VR the parsers read differently is refused, not half de-identified', () => {
    const bytes = Uint8Array.from(identifiableCt().bytes);
    const at = Buffer.from(bytes).indexOf(Buffer.from([0x08, 0x00, 0x20, 0x00, 0x44, 0x41])); // (0008,0020) DA
    bytes.set(Buffer.from('ZZ'), at + 4); // dcmjs: unknown VR → UN with a 4-byte length, swallowing what follows
    assert.throws(
      () => deidentify(bytes, { file: 'odd-vr.dcm' }),
      (e: unknown) => e instanceof DeidError && /parsers disagree/.test(e.reason),
    );
  });

  test('the leftover check finds identifying text anywhere outside the pixels', () => {
    const { bytes, patientName } = identifiableCt();
    const texts = identifyingText(readDicomFile(bytes, 'phantom.dcm').dict);
    assert.ok(texts.includes(patientName));
    assert.equal(leftoverText(bytes, texts, 'phantom.dcm'), patientName);
    assert.equal(leftoverText(deidentify(bytes).bytes, texts, 'out.dcm'), undefined);
  });

  test('a thousand mutated or truncated files: a typed error or a clean output, never a crash or a leak', () => {
    const base = Buffer.from(identifiableCt().bytes);
    const patient = dicomParser.parseDicom(base);
    const secrets = [patient.string('x00100010')!, patient.string('x00100020')!].map((v) => Buffer.from(v));
    const random = seededRandom(7);
    const outcomes = { clean: 0, refused: 0 };
    for (let i = 0; i < 1000; i++) {
      const bytes = Uint8Array.from(base);
      for (let k = 0, n = 1 + Math.floor(random() * 8); k < n; k++)
        bytes[132 + Math.floor(random() * 2000)] = Math.floor(random() * 256);
      const input = random() < 0.3 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
      try {
        const out = Buffer.from(deidentify(input, { file: `m${i}.dcm`, secret: 's' }).bytes);
        const pixels = out.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
        for (const secret of secrets)
          assert.equal(out.subarray(0, pixels).indexOf(secret), -1, `m${i}.dcm leaks ${secret}`);
        assert.equal(dicomParser.parseDicom(out).string('x00120062'), 'YES');
        outcomes.clean++;
      } catch (error) {
        assert.ok(
          error instanceof DeidError || error instanceof DicomWriteError,
          `m${i}.dcm: untyped ${String(error)}`,
        );
        assert.match((error as Error).message, new RegExp(`^m${i}\\.dcm: `));
        outcomes.refused++;
      }
    }
    assert.ok(outcomes.clean > 100 && outcomes.refused > 100, JSON.stringify(outcomes));
  });
});
