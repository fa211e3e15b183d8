// Compare Runs: records of several notebooks become one table and one chart per metric, and the webview
// shows them in Chromium from text nodes and SVG only, themed by VS Code's variables, fetching nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { compareRuns, type Comparison, type ExperimentRecord } from '../../src/common/experiment';
import { needFile } from '../support/env';

const CHROMIUM = '/usr/bin/chromium';

function run(
  id: string,
  params: Record<string, unknown>,
  loss: (number | null)[],
  extra: Partial<ExperimentRecord> = {},
): ExperimentRecord {
  return {
    id,
    startedAt: '2026-01-01T10:00:00.000Z',
    endedAt: '2026-01-01T10:01:00.000Z',
    durationMs: 60_000,
    status: 'ok',
    environment: { node: '20.20.2', radnb: '0.1.0', platform: 'linux-x64', tfjs: '4.22.0', backend: 'wasm' },
    params,
    datasets: [],
    metrics: { loss: loss.map((value, step) => ({ step, value })) },
    ...extra,
  };
}

function sample(): Comparison {
  return compareRuns([
    {
      notebook: 'baseline.radnb',
      runs: [
        run('a', { lr: 0.01, epochs: 3 }, [0.9, 0.6, 0.4], { seed: 1 }),
        run('b', { lr: 0.1, epochs: 3 }, [0.9, null, 0.7], { seed: 1, status: 'failed', failedCell: 4 }),
      ],
    },
    {
      notebook: 'resnet.radnb',
      runs: [
        run('c', { lr: 0.01, epochs: 3, note: '<img src=x onerror=alert(1)>' }, [0.8, 0.5, 0.3], {
          seed: 1,
          metrics: {
            loss: [
              { step: 0, value: 0.8 },
              { step: 1, value: 0.3 },
            ],
            auc: [{ step: 1, value: 0.94 }],
          },
        }),
      ],
    },
  ]);
}

test('compareRuns lines runs up side by side and marks the rows where they differ', () => {
  const c = sample();
  assert.deepEqual(
    c.runs.map((r) => r.label),
    ['baseline.radnb #1', 'baseline.radnb #2', 'resnet.radnb #1'],
  );
  const row = (key: string) => c.rows.find((r) => r.key === key)!;
  assert.deepEqual(row('lr'), { section: 'param', key: 'lr', values: ['0.01', '0.1', '0.01'], differs: true });
  assert.deepEqual(row('epochs').differs, false);
  assert.deepEqual(row('seed').values, ['1', '1', '1']);
  assert.deepEqual(row('note').values, ['', '', '<img src=x onerror=alert(1)>']);
  assert.deepEqual(row('status').values, ['ok', 'failed (cell 4)', 'ok']);
  assert.deepEqual(row('loss').values, ['0.4', '0.7', '0.3']);
  assert.deepEqual(row('auc').values, ['', '', '0.94']);
  assert.deepEqual(
    c.charts.map((ch) => [ch.metric, ch.lines.map((l) => l.run)]),
    [
      ['auc', [2]],
      ['loss', [0, 1, 2]],
    ],
  );
});

test('the Compare Runs webview renders table and curves in Chromium with text nodes only and no network', async (t) => {
  if (!needFile(t, CHROMIUM, 'Debian chromium')) return;
  const { comparisonHtml } = loadWithoutVscode();
  const html = comparisonHtml('bm9uY2U=', 'vscode-resource:');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.route('http://compare.test/**', (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.addInitScript(() => {
    const w = window as unknown as { posted: unknown[]; acquireVsCodeApi(): unknown };
    w.posted = [];
    w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.posted.push(m) });
    document.addEventListener('DOMContentLoaded', () =>
      document.body.style.setProperty('--vscode-charts-blue', 'rgb(1, 2, 3)'),
    );
  });
  await page.goto('http://compare.test/');
  assert.deepEqual(await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted), [{ type: 'ready' }]);
  await page.evaluate((comparison) => window.postMessage({ type: 'comparison', comparison }, '*'), sample());
  await page.waitForSelector('table');

  const headers = await page.$$eval('thead th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(headers, ['', 'baseline.radnb #1', 'baseline.radnb #2', 'resnet.radnb #1']);
  const lrRow = await page.$$eval('tr.differs td.key', (tds) => tds.map((td) => td.textContent));
  assert.ok(lrRow.includes('lr') && !lrRow.includes('epochs'), lrRow.join());
  // Data is text: the would-be tag shows as characters and creates no element.
  assert.equal(
    await page.$$eval('td', (tds) => tds.filter((td) => td.textContent === '<img src=x onerror=alert(1)>').length),
    1,
  );
  assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0);
  // Loss: one line per run, run 2's NaN splits its line in two; auc: one line.
  assert.deepEqual(
    await page.$$eval('svg', (svgs) =>
      svgs.map((s) => [s.getAttribute('aria-label'), s.querySelectorAll('polyline').length]),
    ),
    [
      ['auc by step', 1],
      ['loss by step', 4],
    ],
  );
  const stroke = await page.$eval('svg[aria-label="loss by step"] polyline', (p) => getComputedStyle(p).stroke);
  assert.equal(stroke, 'rgb(1, 2, 3)', 'lines take the theme colour');
  assert.deepEqual(requests, ['http://compare.test/']);
  assert.deepEqual(errors, []);
});

/** compareRuns.ts imports 'vscode' for its command; the page builder under test needs none of it. */
function loadWithoutVscode(): typeof import('../../src/extension/compareRuns') {
  const stub = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-vscode-')), 'vscode.js');
  writeFileSync(stub, 'module.exports = {};');
  const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = loader._resolveFilename;
  loader._resolveFilename = (request, ...rest) =>
    request === 'vscode' ? stub : resolve.call(Module, request, ...rest);
  try {
    return require('../../src/extension/compareRuns');
  } finally {
    loader._resolveFilename = resolve;
  }
}
