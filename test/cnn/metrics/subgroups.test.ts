// Per-subgroup metrics for bias audits: each group gets the same metric on its own samples, undefined
// groups are reported not thrown, and the disparity summary names the worst and best groups.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DISPLAY, MIME } from '../../../src/common/display';
import {
  ageBands,
  ageInYears,
  bySubgroup,
  confusionMatrix,
  dice,
  metricsAtThreshold,
  rocAuc,
  rocCurve,
  sexGroups,
  type RocView,
  type TableView,
} from '../../../src/cnn/metrics';

// Sample i: sex, label, score. Females are ranked perfectly, males at chance.
const SEX = ['F', 'F', 'F', 'F', 'M', 'M', 'M', 'M', '', 'M'];
const LABELS = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0];
const SCORES = [0.1, 0.2, 0.8, 0.9, 0.7, 0.3, 0.4, 0.6, 0.5, 0.5];

describe('bySubgroup', () => {
  const sex = sexGroups(SEX);

  it('runs the metric per group, equal to running it on that group alone', () => {
    const report = bySubgroup(sex, (s) => rocAuc(s.pick(LABELS), s.pick(SCORES)));
    assert.deepEqual(
      report.rows.map((r) => [r.group, r.n]),
      [
        ['female', 4],
        ['male', 5],
        ['unknown', 1],
      ],
    );
    assert.equal(report.get('female'), 1);
    const males = [4, 5, 6, 7, 9];
    assert.equal(
      report.get('male'),
      rocAuc(
        males.map((i) => LABELS[i]),
        males.map((i) => SCORES[i]),
      ),
    );
    // One sample, one class: the AUC is undefined there, reported with the reason.
    assert.match(report.rows[2].error ?? '', /needs both classes/);
  });

  it('summarises the disparity of every numeric quantity and shows it under the table', () => {
    const report = bySubgroup(sex, (s) => metricsAtThreshold(s.pick(LABELS), s.pick(SCORES), 0.5), {
      metrics: ['sensitivity', 'specificity'],
    });
    const [sens] = report.disparities();
    // Females: sens 2/2; males: positives 0.3, 0.6 → 1/2; unknown: 0.5 ≥ 0.5 → 1/1.
    assert.equal(sens.metric, 'sensitivity');
    assert.equal(sens.lowestGroup, 'male');
    assert.equal(sens.lowest, 0.5);
    assert.equal(sens.highest, 1);
    assert.equal(sens.difference, 0.5);
    assert.equal(sens.ratio, 0.5);
    const table = report[DISPLAY]()[MIME.metrics] as TableView;
    assert.deepEqual(table.columns, ['group', 'n', 'sensitivity', 'specificity']);
    assert.ok(table.notes?.some((n) => /sensitivity: lowest male 0\.5000, highest female 1\.0000/.test(n)));
  });

  it('overlays the ROC curves of the groups in one view', () => {
    const report = bySubgroup(sex, (s) => rocCurve(s.pick(LABELS), s.pick(SCORES)), { minSize: 2, metrics: ['auc'] });
    const view = report[DISPLAY]()[MIME.metrics] as TableView | RocView;
    // 'unknown' has 1 sample (< minSize): no curve, so the bundle falls back to the table.
    assert.equal(view.kind, 'table');
    const known = bySubgroup(
      sex.map((g) => (g === 'unknown' ? 'female' : g)),
      (s) => rocCurve(s.pick(LABELS), s.pick(SCORES)),
    );
    const roc = known[DISPLAY]()[MIME.metrics] as RocView;
    assert.equal(roc.kind, 'roc');
    assert.deepEqual(
      roc.curves.map((c) => c.label),
      ['female', 'male'],
    );
  });

  it('picks rows of per-sample arrays for multi-class and segmentation metrics', () => {
    const groups = ['a', 'b', 'a', 'b'];
    // Argmax per sample: 0, 0, 1, 0 against truth 0, 1, 0, 1 → group a right once of 2, group b never.
    const values = [0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.6, 0.4];
    const probs = { shape: [4, 2], dataSync: () => values };
    const report = bySubgroup(groups, (s) => confusionMatrix(s.pick([0, 1, 0, 1]), s.pickRows(probs)).accuracy);
    assert.equal(report.get('a'), 0.5);
    assert.equal(report.get('b'), 0);
    const masks = [
      [1, 1, 0, 0],
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 0, 0],
    ];
    const truths = [
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 1, 1],
      [0, 0, 0, 0],
    ];
    const perCase = bySubgroup(groups, (s) => {
      const scores = s.pick(masks).map((m, k) => dice(m, s.pick(truths)[k]));
      return scores.reduce((a, b) => a + b, 0) / scores.length;
    });
    assert.equal(perCase.get('a'), 0.5);
    assert.equal(perCase.get('b'), (2 / 3 + 1) / 2);
  });
});

describe('groups from DICOM tags', () => {
  it('parses Age Strings and bands them', () => {
    assert.equal(ageInYears('045Y'), 45);
    assert.equal(ageInYears('006M'), 0.5);
    assert.ok(Number.isNaN(ageInYears('')));
    assert.throws(() => ageInYears('45 years'), /"45 years" is not a DICOM age string/);
    assert.deepEqual(ageBands(['010Y', '018Y', '039Y', '064Y', '065Y', null, 80]), [
      '<18',
      '18–39',
      '18–39',
      '40–64',
      '≥65',
      'unknown',
      '≥65',
    ]);
    assert.deepEqual(sexGroups(['M', 'f ', 'O', undefined]), ['male', 'female', 'other', 'unknown']);
  });
});
