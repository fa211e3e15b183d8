// DICOMweb client against a real Orthanc: upload sample files, find them with QIDO-RS, retrieve them
// with WADO-RS (instances, metadata, frames) and check the pixel data equal the local files; wrong
// credentials give a clear 401 that does not leak the password.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import dicomParser from 'dicom-parser';
import { decodeDicom } from '../../src/medical/image';
import { writePhantomDataset } from '../../src/medical/phantomDicom';
import { DicomWebClient, DicomWebError, dicomJsonString, type RetrieveProgress } from '../../src/medical/dicomweb';
import { need } from '../support/env';
import { freePort, orthancInstalled, startOrthanc, type OrthancServer } from '../support/orthanc';

const SAMPLES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
// Distinct SOP Instance UIDs (several pydicom samples share one): native CT and MR, JPEG 2000, 2-frame RLE.
const FILES = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm', 'SC_rgb_rle_2frame.dcm'];
const samplesInstalled = FILES.every((name) => existsSync(path.join(SAMPLES, name)));

interface Sample {
  name: string;
  bytes: Buffer;
  study: string;
  series: string;
  sop: string;
  patientId: string;
  dataSet: dicomParser.DataSet;
}

function readSample(name: string): Sample {
  const bytes = readFileSync(path.join(SAMPLES, name));
  const dataSet = dicomParser.parseDicom(bytes);
  return {
    name,
    bytes,
    study: dataSet.string('x0020000d')!,
    series: dataSet.string('x0020000e')!,
    sop: dataSet.string('x00080018')!,
    patientId: dataSet.string('x00100020') ?? '',
    dataSet,
  };
}

/** The stored pixel bytes of a frame: native data, or the frame's compressed bitstream. */
function storedFrame(dataSet: dicomParser.DataSet, frame: number): Buffer {
  const pixels = dataSet.elements.x7fe00010;
  if (pixels.encapsulatedPixelData) {
    // The samples hold one fragment per frame, or a single frame in several fragments.
    const frames = dataSet.intString('x00280008') ?? 1;
    const fragments = pixels.fragments!.length;
    const [first, count] = frames === fragments ? [frame, 1] : [0, fragments];
    return Buffer.from(dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixels, first, count));
  }
  const frameBytes = pixels.length / (dataSet.intString('x00280008') ?? 1);
  return Buffer.from(
    dataSet.byteArray.buffer,
    dataSet.byteArray.byteOffset + pixels.dataOffset + frame * frameBytes,
    frameBytes,
  );
}

function pixelData(bytes: Uint8Array): Buffer {
  const dataSet = dicomParser.parseDicom(bytes instanceof Buffer ? bytes : Buffer.from(bytes));
  const el = dataSet.elements.x7fe00010;
  return Buffer.from(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + el.dataOffset, el.length);
}

describe('DICOMweb client against a real Orthanc', () => {
  let orthanc: OrthancServer | undefined;
  let client: DicomWebClient;
  let samples: Sample[];

  before(async () => {
    if (!orthancInstalled) return;
    orthanc = await startOrthanc();
    client = new DicomWebClient({
      baseUrl: orthanc.dicomWebUrl,
      auth: { type: 'basic', username: orthanc.username, password: orthanc.password },
    });
    samples = samplesInstalled ? FILES.map(readSample) : [];
    for (const s of samples) assert.equal((await orthanc.upload(s.bytes)).Status, 'Success');
  });
  after(async () => orthanc?.stop());

  test('QIDO-RS finds studies, series and instances with query parameters', async (t) => {
    if (!need(t, orthancInstalled, 'Debian orthanc + orthanc-dicomweb')) return;
    if (!need(t, samplesInstalled, `Debian python3-pydicom's ${FILES.join(', ')}`)) return;
    const ct = samples[0];
    const studies = await client.searchStudies({ PatientID: ct.patientId });
    assert.equal(studies.length, 1);
    assert.equal(dicomJsonString(studies[0], '0020000D'), ct.study);
    const all = await client.searchStudies({ limit: 100, includefield: ['PatientName', 'StudyDescription'] });
    assert.equal(all.length, new Set(samples.map((s) => s.study)).size);
    const series = await client.searchSeries(ct.study, { Modality: 'CT' });
    assert.deepEqual(
      series.map((s) => dicomJsonString(s, '0020000E')),
      [ct.series],
    );
    const instances = await client.searchInstances(ct.study, ct.series);
    assert.deepEqual(
      instances.map((i) => dicomJsonString(i, '00080018')),
      [ct.sop],
    );
    assert.deepEqual(await client.searchStudies({ PatientID: 'nobody-has-this-id' }), []);
  });

  test('WADO-RS instances stream back with the stored pixel data, with progress', async (t) => {
    if (!need(t, orthancInstalled, 'Debian orthanc + orthanc-dicomweb')) return;
    if (!need(t, samplesInstalled, `Debian python3-pydicom's ${FILES.join(', ')}`)) return;
    for (const s of samples) {
      const progress: RetrieveProgress[] = [];
      const files: Uint8Array[] = [];
      for await (const file of client.retrieveInstances(
        { study: s.study, series: s.series },
        { onProgress: (p) => progress.push(p) },
      ))
        files.push(file);
      assert.equal(files.length, 1, s.name);
      assert.ok(pixelData(files[0]).equals(pixelData(s.bytes)), `${s.name}: pixel data differ`);
      const [remote, local] = await Promise.all([
        decodeDicom(files[0], `remote ${s.name}`),
        decodeDicom(s.bytes, s.name),
      ]);
      assert.deepEqual(remote.pixelArray, local.pixelArray, `${s.name}: decoded pixels differ`);
      assert.equal(dicomParser.parseDicom(Buffer.from(files[0])).string('x00080018'), s.sop);
      assert.equal(progress.at(-1)!.parts, 1);
      assert.ok(progress.at(-1)!.bytes >= s.bytes.length - 200);
    }
    const one = await client.retrieveInstance(samples[1].study, samples[1].series, samples[1].sop);
    assert.ok(pixelData(one).equals(pixelData(samples[1].bytes)));
  });

  test('a whole phantom series streams instance by instance, with parts counted as they arrive', async (t) => {
    if (!need(t, orthancInstalled, 'Debian orthanc + orthanc-dicomweb')) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'radnb-dicomweb-phantom-'));
    try {
      const written = await writePhantomDataset(dir, 1, { size: 32, slices: 5, seed: 21 });
      const local = new Map(
        written.series[0].slices.map((f) => {
          const bytes = readFileSync(path.join(dir, f));
          return [dicomParser.parseDicom(bytes).string('x00080018')!, bytes] as const;
        }),
      );
      for (const bytes of local.values()) await orthanc!.upload(bytes);
      const studies = await client.searchStudies({
        PatientID: written.cases[0].patient.id,
        includefield: 'PatientName',
      });
      assert.equal(studies.length, 1);
      const [study] = studies;
      assert.equal(dicomJsonString(study, '00100010'), written.cases[0].patient.name);
      assert.equal(dicomJsonString(study, '0020000D'), written.series[0].studyInstanceUid);
      const partsSeen: number[] = [];
      let received = 0;
      for await (const file of client.retrieveInstances(
        { study: written.series[0].studyInstanceUid },
        { onProgress: (p) => partsSeen.push(p.parts) },
      )) {
        received++;
        assert.equal(partsSeen.at(-1), received, 'each instance is yielded as soon as its part completes');
        const sop = dicomParser.parseDicom(Buffer.from(file)).string('x00080018')!;
        assert.ok(pixelData(file).equals(pixelData(local.get(sop)!)), `slice ${sop}`);
      }
      assert.equal(received, 5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('WADO-RS metadata returns DICOM JSON of the instance', async (t) => {
    if (!need(t, orthancInstalled, 'Debian orthanc + orthanc-dicomweb')) return;
    if (!need(t, samplesInstalled, `Debian python3-pydicom's ${FILES.join(', ')}`)) return;
    const s = samples[1];
    const metadata = await client.retrieveMetadata({ study: s.study, series: s.series, instance: s.sop });
    assert.equal(metadata.length, 1);
    assert.equal(dicomJsonString(metadata[0], '00280010'), String(s.dataSet.uint16('x00280010')));
    assert.equal(dicomJsonString(metadata[0], '00080060'), 'MR');
  });

  test('WADO-RS frames come in the stored transfer syntax, equal to the local frames', async (t) => {
    if (!need(t, orthancInstalled, 'Debian orthanc + orthanc-dicomweb')) return;
    if (!need(t, samplesInstalled, `Debian python3-pydicom's ${FILES.join(', ')}`)) return;
    for (const s of [samples[0], samples[2], samples[3]]) {
      const count = s.dataSet.intString('x00280008') ?? 1;
      const frames = Array.from({ length: count }, (_, i) => i + 1);
      const got = await client.retrieveFrames(s.study, s.series, s.sop, frames);
      assert.deepEqual(
        got.map((f) => f.frame),
        frames,
      );
      got.forEach((f, i) =>
        assert.ok(Buffer.from(f.data).equals(storedFrame(s.dataSet, i)), `${s.name} frame ${f.frame}`),
      );
    }
  });

  test('wrong credentials: a clear 401 naming the URL without the password', async (t) => {
    if (!need(t, orthancInstalled, 'Debian orthanc + orthanc-dicomweb')) return;
    const url = new URL(orthanc!.dicomWebUrl);
    url.username = 'radnb';
    url.password = 'wrong-password';
    const bad = new DicomWebClient({ baseUrl: url.toString() });
    await assert.rejects(bad.searchStudies(), (e: unknown) => {
      assert.ok(e instanceof DicomWebError);
      assert.equal(e.status, 401);
      assert.match(
        e.message,
        /^HTTP 401 .* from http:\/\/127\.0\.0\.1:\d+\/dicom-web\/studies — check the username\/password or token/,
      );
      assert.ok(!e.message.includes('wrong-password') && !e.url.includes('wrong-password'));
      return true;
    });
    const bearer = new DicomWebClient({
      baseUrl: orthanc!.dicomWebUrl,
      auth: { type: 'bearer', token: 'not-a-token' },
    });
    await assert.rejects(
      bearer.searchStudies(),
      (e: unknown) => e instanceof DicomWebError && e.status === 401 && !e.message.includes('not-a-token'),
    );
  });

  test('unknown study: HTTP 404; nothing listening: a clear connection error', async (t) => {
    if (!need(t, orthancInstalled, 'Debian orthanc + orthanc-dicomweb')) return;
    await assert.rejects(
      client.retrieveMetadata({ study: '1.2.3.4.5.6.7.8.9' }),
      (e: unknown) => e instanceof DicomWebError && e.status === 404,
    );
    const port = await freePort();
    const nowhere = new DicomWebClient({ baseUrl: `http://127.0.0.1:${port}/dicom-web` });
    await assert.rejects(
      nowhere.searchStudies(),
      new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/dicom-web/studies \\(ECONNREFUSED\\)`),
    );
  });
});
