// Label CSVs and patient-level splits: quoted CSV fields survive; no patient is ever in two splits;
// the split follows the asked fractions and the seed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CsvError, parseCsv } from '../../../src/medical/datasets/csv';
import { splitByPatient } from '../../../src/medical/datasets/split';

describe('label CSV', () => {
  test('header, quoted commas, quotes, line breaks, CRLF and BOM', () => {
    const table = parseCsv(
      '\uFEFFpath,label,note\r\na/1.dcm,1,"x, y"\r\n"b/2.dcm",0,"say ""hi""\nthere"\n',
      'labels.csv',
    );
    assert.deepEqual(table.columns, ['path', 'label', 'note']);
    assert.deepEqual(table.rows, [
      { path: 'a/1.dcm', label: '1', note: 'x, y' },
      { path: 'b/2.dcm', label: '0', note: 'say "hi"\nthere' },
    ]);
  });

  test('ragged rows and open quotes name the file and the row', () => {
    assert.throws(
      () => parseCsv('a,b\n1,2\n3\n', 'l.csv'),
      (e: unknown) => e instanceof CsvError && e.message === 'l.csv: row 3 has 1 fields, the header has 2',
    );
    assert.throws(() => parseCsv('a\n"open\n', 'l.csv'), /l\.csv: a quoted field is not closed/);
    assert.throws(() => parseCsv('', 'l.csv'), /empty CSV/);
  });
});

describe('split by patient', () => {
  // 60 patients with 1–9 examples each
  const patients = Array.from({ length: 60 }, (_, p) =>
    Array.from({ length: 1 + ((p * 7) % 9) }, () => `P${p}`),
  ).flat();

  test('no patient appears in two splits', () => {
    const splits = splitByPatient(patients, { val: 0.2, test: 0.2 }, 3);
    const seen = new Map<string, string>();
    patients.forEach((p, i) => {
      assert.equal(seen.get(p) ?? splits[i], splits[i], `${p} in two splits`);
      seen.set(p, splits[i]);
    });
  });

  test('fractions are met to within one patient, and the seed decides', () => {
    const splits = splitByPatient(patients, { val: 0.2, test: 0.1 }, 3);
    const share = (name: string): number => splits.filter((s) => s === name).length / patients.length;
    assert.ok(Math.abs(share('val') - 0.2) < 9 / patients.length, `val ${share('val')}`);
    assert.ok(Math.abs(share('test') - 0.1) < 9 / patients.length, `test ${share('test')}`);
    assert.deepEqual(splitByPatient(patients, { val: 0.2, test: 0.1 }, 3), splits);
    assert.notDeepEqual(splitByPatient(patients, { val: 0.2, test: 0.1 }, 4), splits);
    assert.throws(() => splitByPatient(patients, { val: 0.6, test: 0.4 }), RangeError);
  });

  test('a train share may be given too, and must complete val and test to 1', () => {
    assert.deepEqual(
      splitByPatient(patients, { train: 0.7, val: 0.2, test: 0.1 }, 3),
      splitByPatient(patients, { val: 0.2, test: 0.1 }, 3),
    );
    assert.throws(
      () => splitByPatient(patients, { train: 0.8, val: 0.2, test: 0.1 }),
      /train=0.8, val=0.2, test=0.1 do not add up to 1/,
    );
  });
});
