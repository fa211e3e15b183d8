// Checks wait for the typing to stop: short after an isolated edit, longer than the gap between keystrokes
// while a person types, so that completions at each keystroke never wait behind a check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LONGEST_KEYSTROKE_GAP_MS, SHORTEST_TYPING_PAUSE_MS, typingPauseMs } from '../../src/language/typingPause';

test('an isolated edit is checked after the shortest pause', () => {
  assert.equal(typingPauseMs(5_000), SHORTEST_TYPING_PAUSE_MS);
  assert.equal(typingPauseMs(LONGEST_KEYSTROKE_GAP_MS), SHORTEST_TYPING_PAUSE_MS);
});

test('while keys come up to 300 ms apart, checks wait longer than the next key takes to come', () => {
  for (const gap of [10, 80, 150, 250, LONGEST_KEYSTROKE_GAP_MS - 1]) {
    const pause = typingPauseMs(gap);
    assert.ok(pause > gap, `gap ${gap} ms: pause ${pause} ms`);
    assert.ok(pause < 2 * LONGEST_KEYSTROKE_GAP_MS);
  }
});
