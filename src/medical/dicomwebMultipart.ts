// Streaming multipart/related parsing (RFC 2046) for WADO-RS: parts come out as soon as their closing
// delimiter arrives, so a study is processed instance by instance while it downloads, never held whole.
// A part's body is kept as a list of chunks and joined once, so big parts cost one copy.

export interface MultipartPart {
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export class MultipartError extends Error {
  override name = 'MultipartError';
}

type Phase = 'preamble' | 'delimiter' | 'headers' | 'body' | 'done';

/** Incremental parser: push chunks, get the parts each chunk completes, end() checks completeness. */
export class MultipartParser {
  private readonly delimiter: Buffer;
  // Unparsed bytes outside a body; a CRLF is prefixed so the first delimiter looks like all others.
  private pending: Buffer = Buffer.from('\r\n');
  private phase: Phase = 'preamble';
  private headers: Record<string, string> = {};
  private body: Buffer[] = [];
  private bodyLength = 0;

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  push(chunk: Uint8Array): MultipartPart[] {
    const parts: MultipartPart[] = [];
    let input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (input.length > 0 && this.phase !== 'done') {
      input = this.phase === 'body' ? this.consumeBody(input, parts) : this.consumeFraming(input);
    }
    return parts;
  }

  /** Throws when the stream ended before the closing delimiter. */
  end(): void {
    if (this.phase !== 'done') throw new MultipartError(`multipart response ended early (in ${this.phase})`);
  }

  /** Preamble, delimiter line and part headers: small, so gathered in `pending`. Returns what is left. */
  private consumeFraming(input: Buffer): Buffer {
    this.pending = this.pending.length ? Buffer.concat([this.pending, input]) : input;
    if (this.phase === 'preamble') {
      const at = this.pending.indexOf(this.delimiter);
      if (at < 0) return this.keepTail(this.delimiter.length - 1);
      this.pending = this.pending.subarray(at + this.delimiter.length);
      this.phase = 'delimiter';
    }
    if (this.phase === 'delimiter') {
      if (this.pending.length < 2) return this.keepTail(this.pending.length);
      if (this.pending[0] === 0x2d && this.pending[1] === 0x2d) {
        this.phase = 'done'; // "--": close delimiter; the epilogue is ignored
        return Buffer.alloc(0);
      }
      const lineEnd = this.pending.indexOf('\r\n'); // transport padding may precede it
      if (lineEnd < 0) return this.keepTail(this.pending.length);
      this.pending = this.pending.subarray(lineEnd); // keep the CRLF: an empty header block is then "\r\n\r\n"
      this.phase = 'headers';
    }
    const headerEnd = this.pending.indexOf('\r\n\r\n');
    if (headerEnd < 0) return this.keepTail(this.pending.length);
    this.headers = parseHeaders(this.pending.subarray(2, headerEnd).toString('latin1'));
    const rest = this.pending.subarray(headerEnd + 4);
    this.pending = Buffer.alloc(0);
    this.phase = 'body';
    this.body = [];
    this.bodyLength = 0;
    return rest;
  }

  /** Looks for the delimiter in the new chunk and the end of the body so far (it may straddle both). */
  private consumeBody(input: Buffer, parts: MultipartPart[]): Buffer {
    const tail = this.bodyTail(this.delimiter.length - 1);
    const window = tail.length ? Buffer.concat([tail, input]) : input;
    const at = window.indexOf(this.delimiter);
    if (at < 0) {
      this.body.push(input);
      this.bodyLength += input.length;
      return Buffer.alloc(0);
    }
    const bodyEnd = this.bodyLength - tail.length + at;
    const whole = Buffer.concat([...this.body, input], this.bodyLength + input.length);
    parts.push({ headers: this.headers, body: whole.subarray(0, bodyEnd) });
    this.body = [];
    this.bodyLength = 0;
    this.phase = 'delimiter';
    this.pending = Buffer.alloc(0);
    return window.subarray(at + this.delimiter.length);
  }

  private bodyTail(length: number): Buffer {
    const pieces: Buffer[] = [];
    let needed = Math.min(length, this.bodyLength);
    for (let i = this.body.length - 1; i >= 0 && needed > 0; i--) {
      const piece = this.body[i].subarray(Math.max(0, this.body[i].length - needed));
      pieces.unshift(piece);
      needed -= piece.length;
    }
    return Buffer.concat(pieces);
  }

  /** Nothing more can be decided yet: keep the last bytes for the next chunk. */
  private keepTail(length: number): Buffer {
    this.pending = this.pending.subarray(Math.max(0, this.pending.length - length));
    return Buffer.alloc(0);
  }
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The boundary parameter of a multipart Content-Type header. */
export function multipartBoundary(contentType: string | null): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

/** Parts of a streamed multipart body, yielded as each one completes. */
export async function* parseMultipartStream(
  stream: AsyncIterable<Uint8Array>,
  boundary: string,
): AsyncGenerator<MultipartPart> {
  const parser = new MultipartParser(boundary);
  for await (const chunk of stream) yield* parser.push(chunk);
  parser.end();
}
