// Every run leaves an experiment record in the notebook: what it ran with and what it measured.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runNotebook } from '../../src/cli/run';
import {
  ExperimentRecorder,
  MAX_POINTS_PER_SERIES,
  appendRun,
  experimentRuns,
  finalMetrics,
  type ExperimentRecord,
} from '../../src/common/experiment';
import { emptyNotebook, parseNotebook } from '../../src/common/notebook';
import { needFile, repoRoot } from '../support/env';

const environment = { node: '20.20.2', radnb: '0.1.0', platform: 'linux-x64' };

function clock(...isoTimes: string[]): () => Date {
  return () => new Date(isoTimes.shift()!);
}

test('the recorder keeps metric series with steps, seed, params, data set checksums and times', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-exp-'));
  const data = path.join(dir, 'train.npz');
  writeFileSync(data, 'not really a zip, but bytes');
  const recorder = new ExperimentRecorder({
    params: { seed: 42, lr: 0.001 },
    environment,
    now: clock('2026-01-01T10:00:00Z', '2026-01-01T10:05:00Z'),
  });
  recorder.onBackend('wasm', 'tfjs-node is not installed');
  recorder.onLog({ metrics: { loss: 0.9 } });
  recorder.onLog({ metrics: { loss: 0.5, auc: 0.8 } });
  recorder.onLog({ metrics: { auc: 0.9 }, step: 10 });
  recorder.onLog({ metrics: { loss: Number.NaN } });
  recorder.onDataset({ path: data });
  recorder.onDataset({ path: data });
  recorder.onDataset({ path: path.join(dir, 'missing.npz') });
  const record = await recorder.finish('ok');
  assert.deepEqual(record.metrics, {
    loss: [
      { step: 0, value: 0.9 },
      { step: 1, value: 0.5 },
      { step: 2, value: null },
    ],
    auc: [
      { step: 0, value: 0.8 },
      { step: 10, value: 0.9 },
    ],
  });
  assert.deepEqual(finalMetrics(record), { loss: null, auc: 0.9 });
  assert.equal(record.seed, 42);
  assert.deepEqual(record.params, { seed: 42, lr: 0.001 });
  assert.deepEqual(record.environment, {
    ...environment,
    backend: 'wasm',
    backendReason: 'tfjs-node is not installed',
  });
  assert.equal(record.durationMs, 300_000);
  assert.equal(record.startedAt, '2026-01-01T10:00:00.000Z');
  assert.deepEqual(record.datasets, [
    { path: data, sha256: createHash('sha256').update('not really a zip, but bytes').digest('hex'), bytes: 27 },
    { path: path.join(dir, 'missing.npz'), sha256: '', bytes: 0, error: 'ENOENT' },
  ]);
});

test('long series are thinned keeping the last point, and a notebook keeps only its latest runs', async () => {
  const recorder = new ExperimentRecorder({ params: {}, environment });
  for (let step = 0; step < 3 * MAX_POINTS_PER_SERIES; step++) recorder.onLog({ metrics: { loss: 1 / (step + 1) } });
  const record = await recorder.finish('ok');
  const loss = record.metrics.loss;
  assert.ok(loss.length <= MAX_POINTS_PER_SERIES, `${loss.length} points`);
  assert.deepEqual(loss[loss.length - 1], {
    step: 3 * MAX_POINTS_PER_SERIES - 1,
    value: 1 / (3 * MAX_POINTS_PER_SERIES),
  });
  assert.ok(loss.every((p, i) => i === 0 || p.step > loss[i - 1].step));

  const notebook = emptyNotebook();
  notebook.metadata.radnb = { outputs: 'small' };
  for (let i = 0; i < 5; i++) appendRun(notebook, { ...record, id: `run-${i}` } as ExperimentRecord, 3);
  assert.deepEqual(
    experimentRuns(notebook).map((r) => r.id),
    ['run-2', 'run-3', 'run-4'],
  );
  assert.equal((notebook.metadata.radnb as { outputs: string }).outputs, 'small');
});

test('radnb run appends an experiment record with the injected parameters and the outcome', async (t) => {
  if (!needFile(t, path.join(repoRoot, 'out', 'kernel', 'main.js'), 'the built kernel (npm run build)')) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-exp-'));
  const file = path.join(dir, 'nb.radnb');
  const cells = ['const lr = param("lr", 0.1);', 'throw new Error("diverged")'];
  writeFileSync(
    file,
    JSON.stringify({
      cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null })),
      metadata: {},
      nbformat: 4,
      nbformat_minor: 4,
    }),
  );
  const options = { params: { lr: 0.01, seed: 7 }, timeoutSeconds: 10, log: () => {} };
  await runNotebook(file, options);
  await runNotebook(file, { ...options, params: { lr: 0.02 } });
  const runs = experimentRuns(parseNotebook(readFileSync(file, 'utf8'), file));
  assert.equal(runs.length, 2);
  assert.deepEqual(
    runs.map((r) => r.params),
    [{ lr: 0.01, seed: 7 }, { lr: 0.02 }],
  );
  assert.equal(runs[0].seed, 7);
  assert.equal(runs[0].status, 'failed');
  assert.equal(runs[0].failedCell, 2);
  assert.equal(runs[0].environment.node, process.versions.node);
  const tfjs = JSON.parse(
    readFileSync(path.join(repoRoot, 'node_modules', '@tensorflow', 'tfjs', 'package.json'), 'utf8'),
  ).version;
  assert.equal(runs[0].environment.tfjs, tfjs);
  assert.ok(Date.parse(runs[0].endedAt) >= Date.parse(runs[0].startedAt));
});

test("radnb run saves outputs by the notebook's outputs policy and still records the run", async (t) => {
  if (!needFile(t, path.join(repoRoot, 'out', 'kernel', 'main.js'), 'the built kernel (npm run build)')) return;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-exp-')), 'nb.radnb');
  writeFileSync(
    file,
    JSON.stringify({
      cells: [
        { cell_type: 'code', metadata: {}, source: 'console.log("trained")', outputs: [], execution_count: null },
      ],
      metadata: { radnb: { outputs: 'none' } },
      nbformat: 4,
      nbformat_minor: 4,
    }),
  );
  const summary = await runNotebook(file, { params: {}, timeoutSeconds: 10, log: () => {} });
  assert.equal(summary.ok, true);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(saved.cells[0].outputs, []);
  assert.equal(saved.metadata.radnb.runs[0].status, 'ok');
});
