// Feature maps, training curves (plotly, live updates, Stop), metric and model views in a real chromium,
// fed by radnb's Node encoders.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import {
  calibration,
  confusionMatrix,
  metricsAtThreshold,
  precisionRecallCurve,
  rocCurve,
} from '../../src/cnn/metrics';
import type { ConfusionView, MetricsView, RocView } from '../../src/common/metricsViews';
import { DISPLAY, type Displayable, MIME, type MimeBundle } from '../../src/common/display';
import { featureMapsView } from '../../src/cnn/explain';
import { featureMapsBundle } from '../../src/display/featureMaps';
import { modelSummaryBundle } from '../../src/display/modelSummary';
import { type PlotlyFigure, plotlyBundle } from '../../src/display/plotly';
import { need } from '../support/env';
import { CHROMIUM, RendererPage } from './browser';
import { smallCnn } from '../support/tinyCnn';

const SCREENSHOTS = path.join(__dirname, 'screenshots');
let view: RendererPage | undefined;
const requests: string[] = [];

before(async () => {
  await tf.setBackend('cpu');
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (!existsSync(CHROMIUM)) return;
  view = await RendererPage.open();
  view.page.on('request', (r) => requests.push(r.url()));
});
after(async () => view?.close());

const ready = (t: TestContext): RendererPage | undefined =>
  need(t, existsSync(CHROMIUM), 'Debian chromium at /usr/bin/chromium') ? view : undefined;

test('feature maps: layer picker, channel on hover, click to enlarge, first-layer filters; names stay text', async (t) => {
  const page = ready(t);
  if (!page) return;
  const model = smallCnn();
  const maps = featureMapsView(
    model,
    tf.tidy(() => tf.randomUniform([16, 16, 1], 0, 1, 'float32', 7)),
  ).maps;
  maps.layers[1].name = '<img src=x onerror="window.pwned=1">';
  await page.render(
    'fmaps',
    'application/vnd.radnb.featuremaps',
    featureMapsBundle(maps)['application/vnd.radnb.featuremaps'] as Uint8Array,
  );
  const root = page.page.locator('#fmaps');
  assert.equal(await root.locator('.radnb-fmaps-tile').count(), 4);
  assert.equal(await root.locator('.radnb-fmaps-filters canvas').count(), 4);
  await root.locator('.radnb-fmaps-tile[data-channel="2"]').hover();
  assert.match((await root.locator('.radnb-fmaps-status').textContent()) ?? '', /^conv_a channel 2 — range /);
  await root.locator('.radnb-fmaps-tile[data-channel="2"]').click();
  assert.equal(await root.locator('.radnb-fmaps-large').isVisible(), true);
  assert.match((await root.locator('.radnb-fmaps-large figcaption').textContent()) ?? '', /^conv_a channel 2/);
  // the pointer leaves the grid first: the new layer's tiles appearing under it would take the status by hover
  await page.page.mouse.move(0, 0);
  await root.locator('.radnb-fmaps-layer').selectOption('1');
  assert.equal(await root.locator('.radnb-fmaps-tile').count(), 6);
  await root.locator('.radnb-fmaps-tile[data-channel="5"]').focus();
  // The status line follows focus on the next frame: wait for it rather than read it at once.
  await root
    .locator('.radnb-fmaps-status', { hasText: '<img src=x onerror="window.pwned=1"> channel 5' })
    .waitFor({ timeout: 5000 });
  assert.ok(
    ((await root.locator('.radnb-fmaps-status').textContent()) ?? '').startsWith(
      '<img src=x onerror="window.pwned=1"> channel 5',
    ),
  );
  assert.equal(await root.locator('img').count(), 0);
  assert.equal(await page.page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
  await root.screenshot({ path: path.join(SCREENSHOTS, 'feature-maps.png') });
});

function trainingFigure(epochs: number, live: boolean): PlotlyFigure {
  const x = Array.from({ length: epochs }, (_, i) => i + 1);
  return {
    data: [
      { type: 'scatter', name: 'loss', x, y: x.map((e) => 0.7 * Math.exp(-e / 4) + 0.05) },
      { type: 'scatter', name: 'val_loss', x, y: x.map((e) => 0.75 * Math.exp(-e / 5) + 0.1) },
      { type: 'scatter', name: 'val_auc', x, y: x.map((e) => 0.95 - 0.4 * Math.exp(-e / 3)), yaxis: 'y2' },
    ],
    layout: {
      title: { text: 'Training' },
      xaxis: { title: { text: 'epoch' } },
      yaxis: { title: { text: 'loss' }, domain: [0.55, 1] },
      yaxis2: { title: { text: 'AUC' }, domain: [0, 0.45] },
      meta: { radnbLive: live },
    },
  };
}

test('training curves: plotly loads offline, live updates reuse the plot, Stop interrupts the kernel', async (t) => {
  const page = ready(t);
  if (!page) return;
  const plotlyMime = 'application/vnd.plotly.v1+json';
  await page.render('curves', plotlyMime, plotlyBundle(trainingFigure(2, true), { png: false })[plotlyMime]);
  const root = page.page.locator('#curves');
  await root.locator('.js-plotly-plot .scatterlayer .trace').first().waitFor();
  assert.equal(await root.locator('.scatterlayer .trace').count(), 3);
  await page.page.evaluate(
    () => ((document.querySelector('#curves .radnb-plotly') as HTMLElement & { radnbMark?: number }).radnbMark = 1),
  );
  for (let epochs = 3; epochs <= 6; epochs++) {
    await page.render('curves', plotlyMime, plotlyBundle(trainingFigure(epochs, true), { png: false })[plotlyMime]);
  }
  const marked = await page.page.evaluate(
    () => (document.querySelector('#curves .radnb-plotly') as HTMLElement & { radnbMark?: number }).radnbMark,
  );
  assert.equal(marked, 1, 'the same plot element was updated in place');
  const points = await page.page.evaluate(
    () => (document.querySelector('#curves .radnb-plotly') as unknown as { data: { x: number[] }[] }).data[0].x.length,
  );
  assert.equal(points, 6);
  await root.locator('.radnb-stop').click();
  assert.deepEqual(await page.messages(), [{ type: 'interrupt' }]);
  assert.equal(await root.locator('.radnb-stop').textContent(), 'Stopping…');
  await page.render('curves', plotlyMime, plotlyBundle(trainingFigure(6, false))[plotlyMime]);
  assert.equal(await root.locator('.radnb-live').isVisible(), false, 'the final figure has no Stop button');
  await root.screenshot({ path: path.join(SCREENSHOTS, 'training-curves.png') });
  assert.ok(
    requests.includes('http://radnb.test/renderers/plotly.min.js'),
    'plotly came from its dist beside the renderer',
  );
  const foreign = requests.filter((u) => !u.startsWith('http://radnb.test/'));
  assert.deepEqual(foreign, [], 'no request leaves the webview (no CDN)');
});

test('metric views drawn from real metric results: ROC with AUC, PR, calibration, confusion, tables', async (t) => {
  const page = ready(t);
  if (!page) return;
  // A small scored test set: labels 1 = pneumonia.
  const labels = [0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1];
  const scores = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.7, 0.6, 0.55, 0.3, 0.15, 0.95];
  const roc = rocCurve(labels, scores);
  const views = [
    roc,
    precisionRecallCurve(labels, scores),
    calibration(labels, scores),
    confusionMatrix(
      labels,
      scores.map((s) => (s >= 0.5 ? 1 : 0)),
    ),
    metricsAtThreshold(labels, scores, 0.5),
  ]
    .map((result) => (result as unknown as Displayable)[DISPLAY]())
    .map((bundle) => (bundle as MimeBundle)[MIME.metrics] as MetricsView);
  const table: MetricsView = {
    kind: 'table',
    title: 'per class',
    columns: ['class', 'sensitivity'],
    rows: [
      ['<b>pneumonia</b>', 0.969],
      ['normal', null],
    ],
    notes: ['n = 12'],
  };
  await page.render('metrics', MIME.metrics, [...views, table]);
  const root = page.page.locator('#metrics');
  assert.deepEqual(
    await root.locator('[data-kind]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))),
    views.map((v) => v.kind).concat('table'),
  );
  assert.equal(await root.locator('.radnb-error').count(), 0);
  const auc = (views[0] as RocView).curves[0].auc;
  assert.ok(
    ((await root.locator('[data-kind="roc"]').textContent()) ?? '').includes(`AUC = ${Number(auc.toPrecision(4))}`),
  );
  const pr = (await root.locator('[data-kind="pr"]').textContent()) ?? '';
  assert.match(pr, /all AP = 0\.\d+/);
  assert.ok(pr.includes('guessing (prevalence 0.5833)'), pr);
  assert.match((await root.locator('[data-kind="calibration"]').textContent()) ?? '', /ECE = [\d.]+, Brier = [\d.]+/);
  const confusion = views[3] as ConfusionView;
  assert.deepEqual(
    await root.locator('.radnb-confusion').first().locator('tbody td').allTextContents(),
    confusion.matrix.flat().map(String),
  );
  assert.deepEqual(await root.locator('.radnb-metrics-table tbody td').allTextContents(), [
    '<b>pneumonia</b>',
    '0.969',
    'normal',
    '—',
  ]);
  assert.equal(await root.locator('b').count(), 0);
  await root.screenshot({ path: path.join(SCREENSHOTS, 'metrics-light.png') });
  await page.theme('dark');
  const color = await root
    .locator('.radnb-confusion caption')
    .first()
    .evaluate((el) => getComputedStyle(el).color);
  assert.equal(color, 'rgb(204, 204, 204)', 'text follows --vscode-foreground');
  await root.screenshot({ path: path.join(SCREENSHOTS, 'metrics-dark.png') });
  await page.theme('light');
  await page.render('bad-metrics', MIME.metrics, { kind: 'sparkle' });
  assert.equal(
    await page.page.locator('#bad-metrics .radnb-error').textContent(),
    'radnb could not show this output: unknown metrics view kind "sparkle"',
  );
});

test('model summary view: one row per layer and the parameter totals', async (t) => {
  const page = ready(t);
  if (!page) return;
  await page.render(
    'model',
    'application/vnd.radnb.model+json',
    modelSummaryBundle(smallCnn())['application/vnd.radnb.model+json'],
  );
  const rows = await page.page
    .locator('#model tbody tr')
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)));
  assert.deepEqual(rows[2], ['conv_b', 'Conv2D', '[null,5,5,6]', '222']);
  assert.equal(rows.length, 5);
  assert.deepEqual(await page.page.locator('#model tfoot td').allTextContents(), ['413', '413', '0']);
});
