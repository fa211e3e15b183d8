// What the DICOMweb client sends and how it reads unusual answers, with a recording fetch: Accept headers
// ask for the stored transfer syntax, credentials in the URL become a header and leave the URL, a bare
// single-item answer is accepted, and a cut-off multipart body is a clear error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DicomWebClient, DicomWebError } from '../../src/medical/dicomweb';

interface Recorded {
  url: string;
  headers: Record<string, string>;
}

function recordingFetch(answer: () => Response, log: Recorded[]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    log.push({ url: String(input), headers: init?.headers as Record<string, string> });
    return answer();
  }) as typeof fetch;
}

describe('DICOMweb client requests', () => {
  test('credentials in the base URL become basic auth and are stripped from every URL', async () => {
    const log: Recorded[] = [];
    const client = new DicomWebClient({
      baseUrl: 'http://alice:p%40ss@pacs.example/dicom-web/',
      fetchImpl: recordingFetch(() => Response.json([]), log),
    });
    await client.searchSeries('1.2.3', { Modality: 'CT', includefield: ['SeriesDescription', '00081030'] });
    assert.equal(
      log[0].url,
      'http://pacs.example/dicom-web/studies/1.2.3/series?Modality=CT&includefield=SeriesDescription&includefield=00081030',
    );
    assert.equal(log[0].headers.Authorization, `Basic ${Buffer.from('alice:p@ss').toString('base64')}`);
    assert.match(log[0].headers.Accept, /application\/dicom\+json/);
  });

  test('WADO-RS asks for any transfer syntax; a bearer token is sent as such', async () => {
    const log: Recorded[] = [];
    const client = new DicomWebClient({
      baseUrl: 'http://pacs.example/dicom-web',
      auth: { type: 'bearer', token: 'tok' },
      fetchImpl: recordingFetch(
        () => new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'application/octet-stream' } }),
        log,
      ),
    });
    const frames = await client.retrieveFrames('1', '2', '3', [1]);
    assert.equal(log[0].url, 'http://pacs.example/dicom-web/studies/1/series/2/instances/3/frames/1');
    assert.equal(log[0].headers.Authorization, 'Bearer tok');
    assert.equal(log[0].headers.Accept, 'multipart/related; type="application/octet-stream"; transfer-syntax=*');
    assert.deepEqual(Array.from(frames[0].data), [1, 2, 3], 'a bare single-frame answer is accepted');
    for await (const _ of client.retrieveInstances({ study: '1' })) void _;
    assert.equal(log[1].headers.Accept, 'multipart/related; type="application/dicom"; transfer-syntax=*');
  });

  test('a multipart body cut before its end is a DicomWebError naming the URL', async () => {
    const body = '--xyz\r\nContent-Type: application/dicom\r\n\r\nDICM-partial';
    const client = new DicomWebClient({
      baseUrl: 'http://pacs.example/dicom-web',
      fetchImpl: recordingFetch(
        () =>
          new Response(body, {
            headers: { 'content-type': 'multipart/related; type="application/dicom"; boundary=xyz' },
          }),
        [],
      ),
    });
    await assert.rejects(
      async () => {
        for await (const _ of client.retrieveInstances({ study: '9' })) void _;
      },
      (e: unknown) =>
        e instanceof DicomWebError &&
        /ended early/.test(e.message) &&
        e.url === 'http://pacs.example/dicom-web/studies/9',
    );
  });
});
