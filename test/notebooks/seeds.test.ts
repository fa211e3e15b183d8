// A notebook run with `--param seed=N` records N as its run's seed, and the same seed gives the same headline
// figures: notebook 03 (the U-Net) run twice in fast mode, read back from the experiment records.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { experimentRuns, finalMetrics } from '../../src/common/experiment';
import { parseNotebook } from '../../src/common/notebook';
import { runNotebook } from '../../bench/support/notebookRuns';

async function recordedRun(seed: number) {
  const run = await runNotebook('03-nodule-segmentation.radnb', { fast: true, seed }, 450_000);
  assert.equal(run.status, 0, `the notebook failed:\n${run.log}\n${run.errors.join('\n')}`);
  const [record] = experimentRuns(parseNotebook(readFileSync(run.outFile, 'utf8'), run.outFile)).slice(-1);
  return { record, perCase: run.text.match(/case \d+: largest nodule .*/g) ?? [] };
}

test(
  '03 with --param seed=2 twice: the record names seed 2, and the Dice of every case repeats exactly',
  { timeout: 1_000_000 },
  async () => {
    const [a, b] = [await recordedRun(2), await recordedRun(2)];
    assert.equal(a.record.seed, 2);
    assert.equal(a.record.params.seed, 2);
    const figures = finalMetrics(a.record);
    assert.ok(
      Object.keys(figures).some((k) => /dice/i.test(k)),
      `a Dice figure is logged: ${Object.keys(figures).join(', ')}`,
    );
    assert.deepEqual(finalMetrics(b.record), figures);
    assert.ok(a.perCase.length >= 2);
    assert.deepEqual(b.perCase, a.perCase);
  },
);
