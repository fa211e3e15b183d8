// What the renderer ships: its own small bundle, and plotly.js as plotly publishes it (minified, no map),
// not a re-printed copy with a 10 MB source map.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/env';

const RENDERERS = path.join(repoRoot, 'out', 'renderers');
const PLOTLY_BANNER = /\* plotly\.js v\d/;

test("out/renderers holds plotly's dist unchanged and no re-printed plotly or its map", () => {
  const shipped = readFileSync(path.join(RENDERERS, 'plotly.min.js'));
  assert.ok(
    shipped.equals(readFileSync(require.resolve('plotly.js-dist-min'))),
    "plotly.min.js is the package's file byte for byte",
  );
  const others = readdirSync(RENDERERS).filter((name) => name !== 'plotly.min.js');
  assert.ok(others.includes('main.js'));
  for (const name of others) {
    const file = path.join(RENDERERS, name);
    assert.doesNotMatch(readFileSync(file, 'utf8'), PLOTLY_BANNER, `${name} holds no copy of plotly`);
    assert.ok(statSync(file).size < 1_000_000, `${name} is ${statSync(file).size} bytes`);
  }
});
