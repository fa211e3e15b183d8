// A DICOMweb client: QIDO-RS search, WADO-RS retrieval of instances, metadata and frames, with basic or
// bearer authentication, streamed multipart parsing (instances arrive one by one while downloading),
// progress callbacks, and errors that give the HTTP status and the URL without credentials.
// WADO-RS asks for transfer-syntax=* so servers send files as stored instead of transcoding (Orthanc
// fails with 500 when asked to transcode JPEG 2000).
import { multipartBoundary, parseMultipartStream, type MultipartPart } from './dicomwebMultipart';

export type DicomWebAuth = { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

export interface DicomWebClientOptions {
  /** Root of the DICOMweb service, e.g. http://host:8042/dicom-web. Credentials in the URL become basic auth. */
  baseUrl: string;
  auth?: DicomWebAuth;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Default: global fetch. */
  fetchImpl?: typeof fetch;
}

/** DICOM JSON model (PS3.18 F.2): attributes by tag "GGGGEEEE". */
export type DicomJson = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string }>;

/** QIDO-RS query: attribute keywords or tags → values, plus limit, offset, includefield, fuzzymatching. */
export type QidoQuery = Record<string, string | number | boolean | string[]>;

export interface RetrieveProgress {
  /** Bytes received so far. */
  bytes: number;
  /** Total bytes when the server announced Content-Length. */
  totalBytes?: number;
  /** Parts (instances or frames) completed so far. */
  parts: number;
}

export interface RetrieveOptions {
  onProgress?: (progress: RetrieveProgress) => void;
  signal?: AbortSignal;
}

export interface RetrievedFrame {
  /** Frame number as asked (1-based). */
  frame: number;
  /** e.g. application/octet-stream, image/jls, image/jp2 … */
  contentType: string;
  /** From the part's content type, when the server says it. */
  transferSyntax?: string;
  data: Uint8Array;
}

export interface StudyTarget {
  study: string;
  series?: string;
  instance?: string;
}

export class DicomWebError extends Error {
  constructor(
    message: string,
    /** HTTP status, when the server answered. */
    readonly status: number | undefined,
    /** The URL, without credentials. */
    readonly url: string,
  ) {
    super(message);
    this.name = 'DicomWebError';
  }
}

const ACCEPT_INSTANCES = 'multipart/related; type="application/dicom"; transfer-syntax=*';
const ACCEPT_FRAMES = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const ACCEPT_JSON = 'application/dicom+json, application/json';

export class DicomWebClient {
  private readonly base: string;
  private readonly authorization?: string;
  private readonly fetchImpl: typeof fetch;
  private readonly headers: Record<string, string>;

  constructor(options: DicomWebClientOptions) {
    const url = new URL(options.baseUrl);
    let auth = options.auth;
    if (url.username) {
      auth ??= {
        type: 'basic',
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      };
      url.username = '';
      url.password = '';
    }
    this.base = url.toString().replace(/\/+$/, '');
    this.authorization =
      auth?.type === 'basic'
        ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
        : auth?.type === 'bearer'
          ? `Bearer ${auth.token}`
          : undefined;
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.headers = options.headers ?? {};
  }

  /** QIDO-RS /studies */
  searchStudies(query: QidoQuery = {}): Promise<DicomJson[]> {
    return this.search('studies', query);
  }

  /** QIDO-RS /series, or /studies/{study}/series */
  searchSeries(study?: string, query: QidoQuery = {}): Promise<DicomJson[]> {
    return this.search(study ? `studies/${study}/series` : 'series', query);
  }

  /** QIDO-RS /instances, /studies/{study}/instances or /studies/{study}/series/{series}/instances */
  searchInstances(study?: string, series?: string, query: QidoQuery = {}): Promise<DicomJson[]> {
    const path = study
      ? series
        ? `studies/${study}/series/${series}/instances`
        : `studies/${study}/instances`
      : 'instances';
    return this.search(path, query);
  }

  /** WADO-RS metadata of a study, series or instance. */
  async retrieveMetadata(target: StudyTarget): Promise<DicomJson[]> {
    const response = await this.request(`${targetPath(target)}/metadata`, ACCEPT_JSON);
    return (await response.json()) as DicomJson[];
  }

  /** WADO-RS instances of a study, series or one instance as Part 10 bytes, yielded as each arrives. */
  async *retrieveInstances(target: StudyTarget, options: RetrieveOptions = {}): AsyncGenerator<Uint8Array> {
    for await (const part of this.multipart(targetPath(target), ACCEPT_INSTANCES, options)) yield part.body;
  }

  /** WADO-RS one instance. */
  async retrieveInstance(
    study: string,
    series: string,
    instance: string,
    options: RetrieveOptions = {},
  ): Promise<Uint8Array> {
    const files: Uint8Array[] = [];
    for await (const file of this.retrieveInstances({ study, series, instance }, options)) files.push(file);
    if (files.length !== 1)
      throw new DicomWebError(
        `expected one instance, got ${files.length}`,
        200,
        this.url(targetPath({ study, series, instance })),
      );
    return files[0];
  }

  /** WADO-RS frames (1-based numbers) of one instance, in the stored transfer syntax. */
  async retrieveFrames(
    study: string,
    series: string,
    instance: string,
    frames: number[],
    options: RetrieveOptions = {},
  ): Promise<RetrievedFrame[]> {
    const path = `${targetPath({ study, series, instance })}/frames/${frames.join(',')}`;
    const result: RetrievedFrame[] = [];
    for await (const part of this.multipart(path, ACCEPT_FRAMES, options)) {
      const contentType = part.headers['content-type'] ?? 'application/octet-stream';
      const transferSyntax = /transfer-syntax="?([\d.]+)"?/i.exec(contentType)?.[1];
      result.push({ frame: frames[result.length], contentType, transferSyntax, data: part.body });
    }
    if (result.length !== frames.length)
      throw new DicomWebError(`asked for ${frames.length} frame(s), got ${result.length}`, 200, this.url(path));
    return result;
  }

  private async search(path: string, query: QidoQuery): Promise<DicomJson[]> {
    const response = await this.request(`${path}${queryString(query)}`, ACCEPT_JSON);
    if (response.status === 204) return [];
    const text = await response.text();
    return text.trim() ? (JSON.parse(text) as DicomJson[]) : [];
  }

  private async *multipart(path: string, accept: string, options: RetrieveOptions): AsyncGenerator<MultipartPart> {
    const response = await this.request(path, accept, options.signal);
    const contentType = response.headers.get('content-type');
    const boundary = multipartBoundary(contentType);
    if (!boundary || !response.body) {
      // Some servers answer a request for a single item with the bare item instead of a multipart body.
      if (contentType?.startsWith('multipart/')) {
        throw new DicomWebError(
          `multipart response without a boundary ("${contentType}")`,
          response.status,
          this.url(path),
        );
      }
      const body = new Uint8Array(await response.arrayBuffer());
      options.onProgress?.({ bytes: body.length, totalBytes: body.length, parts: 1 });
      yield { headers: { 'content-type': contentType ?? 'application/octet-stream' }, body };
      return;
    }
    const totalBytes = Number(response.headers.get('content-length')) || undefined;
    const progress: RetrieveProgress = { bytes: 0, totalBytes, parts: 0 };
    const counted = countBytes(response.body as unknown as AsyncIterable<Uint8Array>, (n) => {
      progress.bytes += n;
      options.onProgress?.({ ...progress });
    });
    try {
      for await (const part of parseMultipartStream(counted, boundary)) {
        progress.parts++;
        options.onProgress?.({ ...progress });
        yield part;
      }
    } catch (error) {
      if (error instanceof DicomWebError) throw error;
      throw new DicomWebError(
        `reading the response failed: ${(error as Error).message}`,
        response.status,
        this.url(path),
      );
    }
  }

  private async request(path: string, accept: string, signal?: AbortSignal): Promise<Response> {
    const url = this.url(path);
    const headers: Record<string, string> = { ...this.headers, Accept: accept };
    if (this.authorization) headers.Authorization = this.authorization;
    let response: Response;
    try {
      response = await this.fetchImpl(url, { headers, signal });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new DicomWebError(`cannot reach ${url} (${reason})`, undefined, url);
    }
    if (!response.ok) {
      const detail = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
      const hint = response.status === 401 || response.status === 403 ? ' — check the username/password or token' : '';
      throw new DicomWebError(
        `HTTP ${response.status} ${response.statusText} from ${url}${hint}${detail ? `: ${detail}` : ''}`,
        response.status,
        url,
      );
    }
    return response;
  }

  private url(path: string): string {
    return `${this.base}/${path}`;
  }
}

/** The first value of an attribute of a DICOM JSON object, as a string ('' when absent). */
export function dicomJsonString(object: DicomJson, tag: string): string {
  const value = object[tag]?.Value?.[0];
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' && 'Alphabetic' in value) return String((value as { Alphabetic: unknown }).Alphabetic);
  return String(value);
}

function targetPath(target: StudyTarget): string {
  let path = `studies/${target.study}`;
  if (target.series) path += `/series/${target.series}`;
  if (target.instance) {
    if (!target.series) throw new TypeError('an instance needs its series');
    path += `/instances/${target.instance}`;
  }
  return path;
}

function queryString(query: QidoQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function* countBytes(
  stream: AsyncIterable<Uint8Array>,
  onChunk: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    onChunk(chunk.length);
    yield chunk;
  }
}
