// The clinical notebooks run top to bottom in fast mode with the real radnb CLI, and their key outputs
// are what a reader relies on: the pneumonia classifier beats a floor on the test split, the viewer,
// curves and metric tables are there.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { figure, runNotebook } from '../../bench/notebooks-clinical';
import type { NotebookRun } from '../../bench/notebooks-clinical';
import { needFile, sharedDir } from '../support/env';

const PNEUMONIA = path.join(sharedDir, 'data', 'pneumoniamnist.npz');
const VIEWER = 'application/vnd.radnb.dicom';
const METRICS = 'application/vnd.radnb.metrics+json';
const PLOTLY = 'application/vnd.plotly.v1+json';

function assertRan(run: NotebookRun): void {
  assert.equal(run.status, 0, `the notebook failed:\n${run.log}`);
}

const outputsOf = (run: NotebookRun, mime: string): string[] => run.plain.filter((_, i) => run.mimeTypes[i].includes(mime));

describe('clinical notebooks (fast mode)', () => {
  it('02-pneumonia-xray: trains, picks the threshold on val and reports test AUC with CI above the floor', { timeout: 240_000 }, async (t) => {
    if (!needFile(t, PNEUMONIA, '../shared/data/pneumoniamnist.npz')) return;
    const run = await runNotebook('02-pneumonia-xray.radnb', { fast: true, data: PNEUMONIA }, 230_000);
    assertRan(run);
    const auc = figure(run.text, 'TEST AUC');
    const [lower, upper] = [figure(run.text, 'CI LOWER'), figure(run.text, 'CI UPPER')];
    assert.ok(auc >= 0.85, `test AUC ${auc} below the fast-mode floor 0.85`);
    assert.ok(lower < auc && auc < upper && upper - lower < 0.15, `CI ${lower}–${upper} around ${auc}`);
    assert.ok(figure(run.text, 'TEST ACCURACY') >= 0.75);
    assert.match(run.text, /threshold chosen on val: 0\.\d+/);
    assert.equal(outputsOf(run, PLOTLY).filter((p) => /training pneumoniaNet: done/.test(p)).length, 1, 'one live training curve, finished');
    assert.ok(outputsOf(run, METRICS).some((p) => /Confusion matrix/.test(p)), 'confusion matrix shown');
    assert.ok(outputsOf(run, METRICS).some((p) => /Calibration/.test(p)), 'calibration shown');
    const gradCams = outputsOf(run, VIEWER).filter((p) => /^test #\d+: /.test(p));
    assert.ok(gradCams.some((p) => /correct/.test(p)) && gradCams.some((p) => /missed|false alarm/.test(p)), `Grad-CAM on right and wrong cases: ${gradCams.join(' | ')}`);
    console.log(`02 fast mode: ${run.seconds.toFixed(0)} s, test AUC ${auc}`);
  });
});
