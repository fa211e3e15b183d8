// Streaming multipart/related parsing: any chunking gives the same parts, parts come out as soon as
// their delimiter arrives (before the response ends), and a cut-off response is an error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../../src/common/random';
import {
  MultipartError,
  MultipartParser,
  multipartBoundary,
  parseMultipartStream,
  type MultipartPart,
} from '../../src/medical/dicomwebMultipart';

const BOUNDARY = 'b0und4ry-42';

function body(parts: { headers: string; data: Buffer }[]): Buffer {
  const pieces: Buffer[] = [Buffer.from('preamble to ignore\r\n')];
  for (const p of parts) pieces.push(Buffer.from(`--${BOUNDARY}  \r\n${p.headers}\r\n`), p.data, Buffer.from('\r\n'));
  pieces.push(Buffer.from(`--${BOUNDARY}--\r\nepilogue`));
  return Buffer.concat(pieces);
}

// Bodies that contain near-misses of the delimiter, CRLFs, and an empty one; one part without headers.
const PARTS = [
  { headers: 'Content-Type: application/dicom\r\nContent-Length: 9\r\n', data: Buffer.from('DICM\r\n--b') },
  { headers: '', data: Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}x not a delimiter \r\n\r\n`) },
  { headers: 'Content-Type: application/octet-stream\r\n', data: Buffer.alloc(0) },
  { headers: 'Content-Type: image/jp2\r\n', data: Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff)) },
];
const WHOLE = body(PARTS);

function parseInChunks(sizes: () => number): MultipartPart[] {
  const parser = new MultipartParser(BOUNDARY);
  const out: MultipartPart[] = [];
  for (let at = 0; at < WHOLE.length;) {
    const n = Math.max(1, sizes());
    out.push(...parser.push(WHOLE.subarray(at, at + n)));
    at += n;
  }
  parser.end();
  return out;
}

function assertParts(parts: MultipartPart[]): void {
  assert.equal(parts.length, PARTS.length);
  parts.forEach((p, i) => assert.deepEqual(Buffer.from(p.body), PARTS[i].data, `part ${i}`));
  assert.equal(parts[0].headers['content-type'], 'application/dicom');
  assert.deepEqual(parts[1].headers, {});
  assert.equal(parts[3].headers['content-type'], 'image/jp2');
}

describe('multipart/related parser', () => {
  test('one chunk, byte by byte, and random chunkings all give the same parts', () => {
    assertParts(parseInChunks(() => WHOLE.length));
    assertParts(parseInChunks(() => 1));
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      assertParts(parseInChunks(() => Math.floor(random() * 40)));
    }
  });

  test('a part comes out as soon as its closing delimiter arrives, before the rest of the response', () => {
    const parser = new MultipartParser(BOUNDARY);
    const endOfFirst = WHOLE.indexOf(`\r\n--${BOUNDARY}`, WHOLE.indexOf('DICM')) + BOUNDARY.length + 4;
    const first = parser.push(WHOLE.subarray(0, endOfFirst));
    assert.equal(first.length, 1);
    assert.equal(Buffer.from(first[0].body).toString(), 'DICM\r\n--b');
    assert.equal(parser.push(WHOLE.subarray(endOfFirst)).length, PARTS.length - 1);
  });

  test('a response cut before the close delimiter is an error', async () => {
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield WHOLE.subarray(0, WHOLE.length - 30);
    }
    await assert.rejects(async () => {
      for await (const _ of parseMultipartStream(chunks(), BOUNDARY)) void _;
    }, MultipartError);
  });

  test('boundary from Content-Type, quoted or not', () => {
    assert.equal(multipartBoundary('multipart/related; type="application/dicom"; boundary=abc-1'), 'abc-1');
    assert.equal(multipartBoundary('multipart/related; boundary="x y"; type=a'), 'x y');
    assert.equal(multipartBoundary('application/dicom'), undefined);
  });
});
