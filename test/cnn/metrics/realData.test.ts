// The metrics on real X-rays (PneumoniaMNIST test split, MedMNIST v2 — Yang et al. 2023, CC BY 4.0,
// from Kermany et al. 2018): a crude score (mean lung-field brightness) ranked against the labels. 624
// cases with many tied scores: the AUC must equal the Mann–Whitney reference exactly, and the chosen
// thresholds must do what they promise.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadMedMNIST } from '../../../src/medical/datasets/medmnist';
import { bootstrapAuc, metricsAtThreshold, rocAuc, thresholdForSensitivity } from '../../../src/cnn/metrics';
import { needFile, sharedDir } from '../../support/env';
import { needNumpy, reference } from '../reference/python';

const FILE = path.join(sharedDir, 'data', 'pneumoniamnist.npz');

describe('metrics on PneumoniaMNIST', () => {
  it('AUC, bootstrap interval and a screening threshold of a brightness score', async (t) => {
    if (!needFile(t, FILE, '../shared/data/pneumoniamnist.npz') || !needNumpy(t)) return;
    await tf.setBackend('cpu');
    const split = await loadMedMNIST({ path: FILE }, { split: 'test', offline: true });
    const { x, y } = split.toTensors();
    // Mean of the central 14×14 pixels, quantised to 1/255 steps so that many cases tie.
    const scores = Array.from(
      tf.tidy(() => x.slice([0, 7, 7, 0], [-1, 14, 14, 1]).mean([1, 2, 3]).mul(255).round().dataSync()),
    );
    const labels = Array.from(y.dataSync());
    tf.dispose([x, y]);
    assert.equal(labels.length, 624);
    assert.ok(new Set(scores).size < 400, 'the quantised score has ties');
    const auc = rocAuc(labels, scores);
    assert.equal(auc, reference<number>({ task: 'auc', labels, scores }));
    const interval = bootstrapAuc(labels, scores, { seed: 1, stratified: true });
    assert.ok(interval.lower < auc && auc < interval.upper && interval.upper - interval.lower < 0.15);
    const screening = thresholdForSensitivity(labels, scores, 0.95);
    assert.ok(screening.sensitivity >= 0.95);
    const nextHigher = Math.min(...scores.filter((s) => s > screening.threshold));
    assert.ok(
      metricsAtThreshold(labels, scores, nextHigher).sensitivity < 0.95,
      'it is the highest threshold reaching 95 %',
    );
  });
});
