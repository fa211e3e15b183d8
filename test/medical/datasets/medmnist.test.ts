// MedMNIST loader: the real PneumoniaMNIST file (../shared) loads offline with its checksum verified and
// the documented shapes and class counts; the download path works against a fake Zenodo served from disk
// and refuses a corrupt download; missing files and checksum mismatches are clear errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadMedMNIST } from '../../../src/medical/datasets/medmnist';
import { need, needFile, sharedDir } from '../../support/env';

const PYTHON = '/usr/bin/python3';
const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

const FILE = path.join(sharedDir, 'data', 'pneumoniamnist.npz');
const SHA256 = 'a554d2332488d3ddc075125e66a1af77ec379fd2bafc09108ab95a37e2bd9c26';

/** A fetch that answers like Zenodo's record API and file links, from bytes on disk. */
function fakeZenodo(bytes: Uint8Array, md5: string, requests: string[]): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    requests.push(url);
    if (url === 'https://zenodo.org/api/records/10519652') {
      return Response.json({
        files: [
          {
            key: 'pneumoniamnist.npz',
            checksum: `md5:${md5}`,
            links: { self: 'https://zenodo.org/files/pneumoniamnist.npz' },
          },
        ],
      });
    }
    if (url === 'https://zenodo.org/files/pneumoniamnist.npz')
      return new Response(Buffer.from(bytes), { headers: { 'content-length': String(bytes.length) } });
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
}

describe('loadMedMNIST', () => {
  const cacheDirs: string[] = [];
  const cacheDir = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'radnb-medmnist-'));
    cacheDirs.push(dir);
    return dir;
  };
  after(() => cacheDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('loads every split of the local PneumoniaMNIST with the documented shapes and class counts', async (t) => {
    if (!needFile(t, FILE, '../shared/data/pneumoniamnist.npz')) return;
    const expected = { train: [3882, 388, 3494], val: [524, 135, 389], test: [624, 234, 390] } as const;
    for (const split of ['train', 'val', 'test'] as const) {
      const data = await loadMedMNIST({ path: FILE }, { split, sha256: SHA256 });
      const [n, normal, pneumonia] = expected[split];
      assert.deepEqual(data.images.shape, [n, 28, 28]);
      assert.deepEqual(data.labels.shape, [n, 1]);
      assert.equal(data.images.dtype, 'u1');
      assert.deepEqual([...data.classCounts()].sort(), [
        [0, normal],
        [1, pneumonia],
      ]);
    }
  });

  test('toTensors gives NHWC float images in [0, 1] and integer labels', async (t) => {
    if (!needFile(t, FILE, '../shared/data/pneumoniamnist.npz')) return;
    const data = await loadMedMNIST({ path: FILE }, { split: 'val' });
    const { x, y } = data.toTensors();
    try {
      assert.deepEqual(x.shape, [524, 28, 28, 1]);
      assert.deepEqual(y.shape, [524, 1]);
      assert.equal(y.dtype, 'int32');
      const [min, max] = [x.min().dataSync()[0], x.max().dataSync()[0]];
      assert.ok(min >= 0 && max <= 1 && max > 0.5, `range ${min}..${max}`);
      assert.ok(Math.abs(x.dataSync()[100] - (data.images.data[100] as number) / 255) < 1e-6);
      assert.equal(y.sum().dataSync()[0], 389);
    } finally {
      x.dispose();
      y.dispose();
    }
  });

  test('3-D sets come as volumes [N, D, H, W, 1]; RGB sets keep their 3 channels', async (t) => {
    if (!need(t, hasNumpy, 'python3-numpy')) return;
    const dir = cacheDir();
    const script = `import numpy as np
r = np.random.default_rng(0)
np.savez_compressed('${dir}/vol3d.npz', train_images=r.integers(0, 256, (3, 8, 8, 8), dtype=np.uint8), train_labels=np.array([[0], [2], [1]], dtype=np.uint8))
np.savez_compressed('${dir}/rgb.npz', train_images=r.integers(0, 256, (2, 8, 8, 3), dtype=np.uint8), train_labels=np.array([[0], [1]], dtype=np.uint8))`;
    assert.equal(spawnSync(PYTHON, ['-c', script]).status, 0);
    const vol = await loadMedMNIST({ path: path.join(dir, 'vol3d.npz') }, { split: 'train' });
    assert.equal(vol.volumes, true);
    const { x, y } = vol.toVolumeTensors();
    assert.deepEqual(x.shape, [3, 8, 8, 8, 1]);
    assert.deepEqual(Array.from(y.dataSync()), [0, 2, 1]);
    assert.throws(() => vol.toTensors(), /3-D volumes .*toVolumeTensors/);
    const rgb = await loadMedMNIST({ path: path.join(dir, 'rgb.npz') }, { split: 'train' });
    const pair = rgb.toTensors();
    assert.deepEqual(pair.x.shape, [2, 8, 8, 3]);
    assert.ok(Math.abs(pair.x.dataSync()[5] - (rgb.images.data[5] as number) / 255) < 1e-6);
    tf.dispose([x, y, pair.x, pair.y]);
  });

  test('a checksum mismatch and a missing file are clear errors', async (t) => {
    if (!needFile(t, FILE, '../shared/data/pneumoniamnist.npz')) return;
    await assert.rejects(
      loadMedMNIST({ path: FILE }, { split: 'train', sha256: '0'.repeat(64) }),
      /pneumoniamnist\.npz: SHA-256 mismatch/,
    );
    await assert.rejects(
      loadMedMNIST({ path: '/nowhere/pneumoniamnist.npz' }, { split: 'train' }),
      /\/nowhere\/pneumoniamnist\.npz: MedMNIST file not found/,
    );
    await assert.rejects(
      loadMedMNIST('pneumoniamnist', { split: 'train', cacheDir: cacheDir(), offline: true }),
      /not downloaded yet, and offline.*zenodo\.org\/records\/10519652/,
    );
  });

  test('by name, downloads once from the Zenodo record into the cache, MD5-checked, then reuses it', async (t) => {
    if (!needFile(t, FILE, '../shared/data/pneumoniamnist.npz')) return;
    const bytes = readFileSync(FILE);
    const md5 = createHash('md5').update(bytes).digest('hex');
    const requests: string[] = [];
    const progress: number[] = [];
    const dir = cacheDir();
    const options = {
      split: 'test' as const,
      cacheDir: dir,
      fetchImpl: fakeZenodo(bytes, md5, requests),
      onProgress: (r: number) => progress.push(r),
    };
    const first = await loadMedMNIST('pneumoniamnist', options);
    assert.equal(first.file, path.join(dir, 'pneumoniamnist.npz'));
    assert.equal(first.images.shape[0], 624);
    assert.equal(progress.at(-1), bytes.length);
    assert.equal(requests.length, 2);
    await loadMedMNIST('pneumoniamnist', options);
    assert.equal(requests.length, 2, 'the second load reads the cache');
  });

  test('a corrupt download is refused and leaves nothing in the cache; HTTP errors name the status', async (t) => {
    if (!needFile(t, FILE, '../shared/data/pneumoniamnist.npz')) return;
    const bytes = readFileSync(FILE);
    const dir = cacheDir();
    const fetchImpl = fakeZenodo(bytes.subarray(0, 1000), createHash('md5').update(bytes).digest('hex'), []);
    await assert.rejects(
      loadMedMNIST('pneumoniamnist', { split: 'train', cacheDir: dir, fetchImpl }),
      /download is corrupt: MD5/,
    );
    assert.deepEqual(readdirSync(dir), []);
    await assert.rejects(
      loadMedMNIST('pneumoniamnist', { split: 'train', cacheDir: dir, fetchImpl, zenodoRecord: '1' }),
      /download failed: HTTP 404 from https:\/\/zenodo\.org\/api\/records\/1/,
    );
    assert.ok(!existsSync(path.join(dir, 'pneumoniamnist.npz')));
  });
});
