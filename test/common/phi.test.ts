// Redaction of identifying values: an ID or date made of digits is redacted where it stands alone, never
// inside a longer number (a chart's JSON of losses must stay valid JSON).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phiRegistry } from '../../src/common/phi';

test('numeric identifiers are redacted where they stand alone, not inside numbers', () => {
  phiRegistry().register([
    { keyword: 'PatientID', value: '123565' },
    { keyword: 'StudyDate', value: '20010316' },
  ]);
  const chart = JSON.stringify({ loss: [0.0123565, 1235650, 0.20010316, 5.123565e-4], note: 'study 2001-03-16' });
  const redacted = phiRegistry().redact(chart);
  assert.equal(redacted.count, 1, redacted.text);
  assert.deepEqual(JSON.parse(redacted.text).loss, [0.0123565, 1235650, 0.20010316, 5.123565e-4]);
  assert.equal(
    phiRegistry().redact('patient 123565 (ID123565), scanned 20010316.').text,
    'patient [PatientID redacted] (ID[PatientID redacted]), scanned [StudyDate redacted].',
  );
});
