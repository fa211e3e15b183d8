// .npz/.npy reading against files written by NumPy itself: dtypes, byte orders, Fortran order,
// stored and deflated members; corrupt and truncated files fail with the file and the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadNpz, NpzError, parseNpz } from '../../src/medical/npz';
import { listZip } from '../../src/medical/npzZip';
import { need } from '../support/env';

const PYTHON = '/usr/bin/python3';
const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

// Arrays of every supported kind, saved stored and compressed, with their C-order values as JSON.
const WRITE = String.raw`
import json, sys, numpy as np
out = sys.argv[1]
a = {
  'u8': np.arange(24, dtype=np.uint8).reshape(2, 3, 4),
  'i16be': np.array([[-3, 1000], [32767, -32768]], dtype='>i2'),
  'f32fortran': np.asfortranarray(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)),
  'f64': np.array([np.pi, -np.e]),
  'i64': np.array([-(2**40), 7], dtype=np.int64),
  'u32be3d': np.asfortranarray(np.arange(30, dtype='>u4').reshape(2, 3, 5)),
  'flags': np.array([True, False, True]),
  'scalar': np.array(5, dtype=np.int32),
}
np.savez(out + '/stored.npz', **a)
np.savez_compressed(out + '/deflated.npz', **a)
json.dump({k: {'shape': list(v.shape), 'values': [int(x) if v.dtype.kind in 'iub' else float(x) for x in np.ascontiguousarray(v).ravel()]} for k, v in a.items()}, open(out + '/expected.json', 'w'))
`;

describe('.npz reader', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'radnb-npz-'));
    if (hasNumpy) assert.equal(spawnSync(PYTHON, ['-c', WRITE, dir]).status, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const kind of ['stored', 'deflated']) {
    test(`reads every array NumPy wrote (${kind}) with the right shape and values`, async (t) => {
      if (!need(t, hasNumpy, 'python3-numpy')) return;
      const expected: Record<string, { shape: number[]; values: number[] }> = JSON.parse(
        readFileSync(path.join(dir, 'expected.json'), 'utf8'),
      );
      const arrays = await loadNpz(path.join(dir, `${kind}.npz`));
      assert.deepEqual(Object.keys(arrays).sort(), Object.keys(expected).sort());
      for (const [name, want] of Object.entries(expected)) {
        assert.deepEqual(arrays[name].shape, want.shape, name);
        const got = Array.from(arrays[name].data as ArrayLike<number | bigint>, Number);
        if (name.startsWith('f32')) got.forEach((v, i) => assert.ok(Math.abs(v - want.values[i]) < 1e-6, name));
        else assert.deepEqual(got, want.values, name);
      }
      assert.equal(arrays.i16be.dtype, 'i2');
      assert.equal(arrays.flags.dtype, 'b1');
    });
  }

  test('a corrupt member, a truncated file and a non-zip fail naming the file', (t) => {
    if (!need(t, hasNumpy, 'python3-numpy')) return;
    const good = readFileSync(path.join(dir, 'deflated.npz'));
    const corrupt = Uint8Array.from(good);
    corrupt[listZip(good, 'deflated.npz')[1].localHeaderOffset - 5] ^= 0xff; // inside the first member's data
    assert.throws(
      () => parseNpz(corrupt, 'corrupt.npz'),
      (e: unknown) => e instanceof NpzError && e.file === 'corrupt.npz' && /CRC-32|inflate/.test(e.reason),
    );
    assert.throws(
      () => parseNpz(good.subarray(0, good.length - 300), 'cut.npz'),
      (e: unknown) => e instanceof NpzError && e.file === 'cut.npz',
    );
    assert.throws(() => parseNpz(Buffer.from('hello world, not a zip at all'), 'x.npz'), /x\.npz: not a zip/);
  });

  test('a missing file is a clear error', async () => {
    await assert.rejects(loadNpz(path.join(tmpdir(), 'no-such-file.npz')), /no-such-file\.npz: cannot read \(ENOENT\)/);
  });

  test('an unsupported dtype is refused rather than misread', (t) => {
    if (!need(t, hasNumpy, 'python3-numpy')) return;
    const file = path.join(dir, 'complex.npz');
    assert.equal(spawnSync(PYTHON, ['-c', `import numpy as np; np.savez('${file}', c=np.array([1+2j]))`]).status, 0);
    assert.throws(() => parseNpz(readFileSync(file), 'complex.npz'), /dtype c16 is not supported/);
  });
});
