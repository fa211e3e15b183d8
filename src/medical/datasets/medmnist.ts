// MedMNIST (Yang et al. 2023, Scientific Data; CC BY 4.0) splits from the official .npz files: a local
// path works offline; a dataset name downloads the file once from the MedMNIST Zenodo record into a
// cache folder, checked against the MD5 the record publishes. Every load checks the zip CRCs, the
// arrays' presence and shapes, and the SHA-256 when the caller gives one.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { NpzError, parseNpz, type NpyArray } from '../npz';

export type MedMNISTSplitName = 'train' | 'val' | 'test';

export interface MedMNISTOptions {
  split: MedMNISTSplitName;
  /** Expected SHA-256 (hex) of the .npz; a mismatch is an error. */
  sha256?: string;
  /** Image size of the official file when loading by name: 28 (default), 64, 128 or 224. */
  size?: 28 | 64 | 128 | 224;
  /** Where downloads are kept. Default: ~/.cache/radnb/medmnist. */
  cacheDir?: string;
  /** Never download: a missing file is an error. */
  offline?: boolean;
  /** Zenodo record holding the files. Default: MedMNIST v2/v3 record 10519652. */
  zenodoRecord?: string;
  /** The fetch used for downloads (tests serve files from disk). Default: global fetch. */
  fetchImpl?: typeof fetch;
  /** Called with bytes received so far and the total, while downloading. */
  onProgress?: (received: number, total: number | undefined) => void;
}

export interface MedMNISTSplit {
  /** The file that was read. */
  file: string;
  split: MedMNISTSplitName;
  /** uint8, [N, H, W] or [N, H, W, 3]. */
  images: NpyArray;
  /** [N, 1] class index, or [N, K] multi-label. */
  labels: NpyArray;
  /** Number of samples per class index (first label column). */
  classCounts(): Map<number, number>;
  /** True for the 3-D datasets (organmnist3d, …): images are [N, D, H, W] volumes. */
  volumes: boolean;
  /** 2-D images as float32 [N, H, W, C] in [0, 1] and labels as int32 [N, K]. The caller disposes them. */
  toTensors(): { x: tf.Tensor4D; y: tf.Tensor2D };
  /** 3-D volumes as float32 [N, D, H, W, 1] in [0, 1] and labels as int32 [N, K]. */
  toVolumeTensors(): { x: tf.Tensor5D; y: tf.Tensor2D };
}

export const MEDMNIST_ATTRIBUTION =
  'MedMNIST v2 (Yang et al., Scientific Data 2023), CC BY 4.0 — cite the dataset and its source wherever data or results are shown';

const DEFAULT_RECORD = '10519652';

/** Loads one split of a MedMNIST dataset, by name ('pneumoniamnist') or from a local file ({path}). */
export async function loadMedMNIST(
  source: string | { path: string },
  options: MedMNISTOptions,
): Promise<MedMNISTSplit> {
  const file = typeof source === 'string' ? await ensureDownloaded(source, options) : source.path;
  if (!existsSync(file))
    throw new NpzError(
      file,
      'MedMNIST file not found — pass the path of the downloaded .npz, or a dataset name to download it',
    );
  const bytes = await readFile(file);
  if (options.sha256) {
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== options.sha256.toLowerCase())
      throw new NpzError(
        file,
        `SHA-256 mismatch: expected ${options.sha256}, got ${actual} (corrupt or different file)`,
      );
  }
  const arrays = parseNpz(bytes, file);
  const images = arrays[`${options.split}_images`];
  const labels = arrays[`${options.split}_labels`];
  if (!images || !labels)
    throw new NpzError(
      file,
      `no ${options.split}_images/${options.split}_labels arrays (has: ${Object.keys(arrays).join(', ')})`,
    );
  if (images.shape[0] !== labels.shape[0] || images.shape.length < 3) {
    throw new NpzError(
      file,
      `inconsistent ${options.split} arrays: images (${images.shape}) and labels (${labels.shape})`,
    );
  }
  return split(file, options.split, images, labels);
}

function split(file: string, name: MedMNISTSplitName, images: NpyArray, labels: NpyArray): MedMNISTSplit {
  const n = images.shape[0];
  const k = labels.shape[1] ?? 1;
  // 2-D sets are [N, H, W] (grey) or [N, H, W, 3] (RGB); 3-D sets are [N, D, H, W] with D = H = W.
  const volumes = images.shape.length === 4 && images.shape[3] !== 3;
  const scaled = (): tf.Tensor => tf.tensor(Float32Array.from(images.data as Uint8Array), images.shape).div(255);
  const labelTensor = (): tf.Tensor2D =>
    tf.tensor2d(Int32Array.from(labels.data as ArrayLike<number>, Number), [n, k], 'int32');
  return {
    file,
    split: name,
    images,
    labels,
    volumes,
    classCounts() {
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const c = Number(labels.data[i * k]);
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      return counts;
    },
    toTensors() {
      if (volumes)
        throw new NpzError(file, `images are 3-D volumes (${images.shape.join('×')}): use toVolumeTensors()`);
      const [, h, w] = images.shape;
      return { x: tf.tidy(() => scaled().reshape([n, h, w, images.shape[3] ?? 1]) as tf.Tensor4D), y: labelTensor() };
    },
    toVolumeTensors() {
      if (!volumes) throw new NpzError(file, `images are 2-D (${images.shape.join('×')}): use toTensors()`);
      const [, d, h, w] = images.shape;
      return { x: tf.tidy(() => scaled().reshape([n, d, h, w, 1]) as tf.Tensor5D), y: labelTensor() };
    },
  };
}

/** The cached file for a dataset name, downloading it first when absent (unless offline). */
async function ensureDownloaded(name: string, options: MedMNISTOptions): Promise<string> {
  if (!/^[a-z0-9]+mnist(3d)?$/.test(name))
    throw new NpzError(name, 'not a MedMNIST dataset name (e.g. "pneumoniamnist"); pass {path} for a local file');
  const fileName = options.size && options.size !== 28 ? `${name}_${options.size}.npz` : `${name}.npz`;
  const cacheDir = options.cacheDir ?? path.join(homedir(), '.cache', 'radnb', 'medmnist');
  const target = path.join(cacheDir, fileName);
  if (existsSync(target)) return target;
  const record = options.zenodoRecord ?? DEFAULT_RECORD;
  if (options.offline)
    throw new NpzError(
      target,
      `not downloaded yet, and offline: get ${fileName} from https://zenodo.org/records/${record} and pass {path}`,
    );
  const fetchImpl = options.fetchImpl ?? fetch;
  const entry = await recordEntry(fetchImpl, record, fileName);
  const bytes = await download(fetchImpl, entry.url, fileName, options.onProgress);
  const md5 = createHash('md5').update(bytes).digest('hex');
  if (md5 !== entry.md5)
    throw new NpzError(fileName, `download is corrupt: MD5 ${md5}, the Zenodo record says ${entry.md5}`);
  await mkdir(cacheDir, { recursive: true });
  await writeFile(`${target}.part`, bytes);
  await rename(`${target}.part`, target); // a crash never leaves a half file under the real name
  return target;
}

interface ZenodoFile {
  key: string;
  checksum: string;
  links: { self?: string; content?: string };
}

async function recordEntry(
  fetchImpl: typeof fetch,
  record: string,
  fileName: string,
): Promise<{ url: string; md5: string }> {
  const url = `https://zenodo.org/api/records/${record}`;
  const response = await fetchOrExplain(fetchImpl, url, fileName);
  const body = (await response.json()) as { files?: ZenodoFile[] };
  const file = body.files?.find((f) => f.key === fileName);
  if (!file) throw new NpzError(fileName, `not in Zenodo record ${record}`);
  const [algorithm, md5] = file.checksum.split(':');
  if (algorithm !== 'md5' || !md5)
    throw new NpzError(fileName, `unexpected checksum "${file.checksum}" in Zenodo record ${record}`);
  return { url: file.links.content ?? file.links.self ?? `${url}/files/${fileName}/content`, md5 };
}

async function download(
  fetchImpl: typeof fetch,
  url: string,
  fileName: string,
  onProgress: MedMNISTOptions['onProgress'],
): Promise<Uint8Array> {
  const response = await fetchOrExplain(fetchImpl, url, fileName);
  const total = Number(response.headers.get('content-length')) || undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    received += chunk.length;
    onProgress?.(received, total);
  }
  return Buffer.concat(chunks);
}

async function fetchOrExplain(fetchImpl: typeof fetch, url: string, fileName: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url);
  } catch (error) {
    throw new NpzError(
      fileName,
      `cannot download from ${url} (${(error as Error).message}); when offline, pass {path} of a local copy`,
    );
  }
  if (!response.ok) throw new NpzError(fileName, `download failed: HTTP ${response.status} from ${url}`);
  return response;
}
