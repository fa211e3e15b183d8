import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecutionHistory, SESSION_NUMBER } from '../../src/jupyter/executionHistory';

function history(): ExecutionHistory {
  const h = new ExecutionHistory();
  ['const a = 1', 'a * 2', 'console.log(a)', 'a * 2', 'tf.version'].forEach((input, i) =>
    h.add({ line: i + 1, input, output: input === 'a * 2' ? '2' : null }),
  );
  return h;
}

test('tail gives the last n inputs, with outputs when asked', () => {
  assert.deepEqual(history().query({ hist_access_type: 'tail', n: 2 }), [
    [SESSION_NUMBER, 4, 'a * 2'],
    [SESSION_NUMBER, 5, 'tf.version'],
  ]);
  assert.deepEqual(history().query({ hist_access_type: 'tail', n: 1, output: true }), [
    [SESSION_NUMBER, 5, ['tf.version', null]],
  ]);
  assert.deepEqual(history().query({ hist_access_type: 'tail', n: 0 }), []);
});

test('range selects execution counts [start, stop) of this session only', () => {
  assert.deepEqual(
    history()
      .query({ hist_access_type: 'range', session: SESSION_NUMBER, start: 2, stop: 4 })
      .map((r) => r[1]),
    [2, 3],
  );
  assert.deepEqual(
    history()
      .query({ hist_access_type: 'range', session: 0, start: 5 })
      .map((r) => r[1]),
    [5],
  );
  assert.deepEqual(history().query({ hist_access_type: 'range', session: SESSION_NUMBER + 1, start: 1 }), []);
});

test('search matches a glob over whole inputs; unique keeps the latest of each; n the last n', () => {
  const h = history();
  assert.deepEqual(
    h.query({ hist_access_type: 'search', pattern: 'a *' }).map((r) => r[1]),
    [2, 4],
  );
  assert.deepEqual(
    h.query({ hist_access_type: 'search', pattern: 'a *', unique: true }).map((r) => r[1]),
    [4],
  );
  assert.deepEqual(
    h.query({ hist_access_type: 'search', pattern: '*a*', n: 2 }).map((r) => r[1]),
    [3, 4],
  );
  assert.deepEqual(
    h.query({ hist_access_type: 'search', pattern: 'tf.versio?' }).map((r) => r[1]),
    [5],
  );
  assert.deepEqual(h.query({ hist_access_type: 'search', pattern: 'tf?version(' }), [], 'regex characters are literal');
});
