// viridis and inferno are matplotlib's published 256-colour tables, not an approximation: spot values from
// matplotlib's _cm_listed.py always, and every entry against an installed matplotlib (Debian
// python3-matplotlib) where there is one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { type ColormapName, colormapLut } from '../../src/common/colormaps';
import { need } from '../support/env';

function rgb(name: ColormapName, level: number): [number, number, number] {
  const v = colormapLut(name)[level];
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff];
}

const toBytes = (published: number[]): number[] => published.map((v) => Math.round(v * 255));

// `_viridis_data[i]` and `_inferno_data[i]` as printed in matplotlib's lib/matplotlib/_cm_listed.py.
const PUBLISHED: Record<'viridis' | 'inferno', Array<[number, number[]]>> = {
  viridis: [
    [0, [0.267004, 0.004874, 0.329415]],
    [64, [0.229739, 0.322361, 0.545706]],
    [128, [0.127568, 0.566949, 0.550556]],
    [192, [0.369214, 0.788888, 0.382914]],
    [255, [0.993248, 0.906157, 0.143936]],
  ],
  inferno: [
    [0, [0.001462, 0.000466, 0.013866]],
    [64, [0.3415, 0.062325, 0.429425]],
    [128, [0.735683, 0.215906, 0.330245]],
    [192, [0.978422, 0.557937, 0.034931]],
    [255, [0.988362, 0.998364, 0.644924]],
  ],
};

test("viridis and inferno give matplotlib's published colours at spot levels, opaque", () => {
  for (const [name, entries] of Object.entries(PUBLISHED) as Array<[ColormapName, Array<[number, number[]]>]>) {
    for (const [level, published] of entries)
      assert.deepEqual(rgb(name, level), toBytes(published), `${name}[${level}]`);
    assert.ok(
      colormapLut(name).every((v) => v >>> 24 === 255),
      `${name} is opaque`,
    );
  }
});

/** matplotlib's tables, as floats and as its own bytes (cmap(i, bytes=True)), from the first python3 that has it. */
function matplotlibTables(): Record<string, { floats: number[][]; bytes: number[][] }> | undefined {
  const script = [
    'import json, numpy, matplotlib',
    "maps = {n: matplotlib.colormaps[n] for n in ('viridis', 'inferno')}",
    "print(json.dumps({n: {'floats': m(numpy.arange(256))[:, :3].tolist(), 'bytes': m(numpy.arange(256), bytes=True)[:, :3].tolist()} for n, m in maps.items()}))",
  ].join('\n');
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    const run = spawnSync(python, ['-c', script], { encoding: 'utf8' });
    if (run.status === 0) return JSON.parse(run.stdout);
  }
  return undefined;
}

test("every entry of viridis and inferno matches matplotlib's: its floats rounded, its bytes within 1", (t) => {
  const reference = matplotlibTables();
  if (!need(t, reference !== undefined, 'python3 with matplotlib (Debian python3-matplotlib)')) return;
  for (const name of ['viridis', 'inferno'] as const) {
    const { floats, bytes } = (reference as NonNullable<typeof reference>)[name];
    for (let level = 0; level < 256; level++) {
      const ours = rgb(name, level);
      assert.deepEqual(ours, toBytes(floats[level]), `${name}[${level}]`);
      assert.ok(
        ours.every((v, c) => Math.abs(v - bytes[level][c]) <= 1),
        `${name}[${level}] ${ours} vs matplotlib's bytes ${bytes[level]}`,
      );
    }
  }
});
