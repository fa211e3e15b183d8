// Helpers of the kernel tests: run code on a named backend, and compare a backend's numbers with a reference.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

/** Switches tfjs to `name`, then runs `fn` there. */
export async function onBackend<T>(name: string, fn: () => T): Promise<T> {
  await tf.setBackend(name);
  return fn();
}

/**
 * Asserts that `actual` matches `expected` within `tol` times the largest magnitude in `expected` (at least 1):
 * float32 kernels sum in other orders than a reference. Where `expected` is NaN, `actual` must be NaN too.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let [worst, scale] = [0, 1];
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(expected[i])) assert.ok(Number.isNaN(actual[i]), `${what}[${i}]: NaN expected`);
    else worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  assert.ok(worst <= tol * scale, `${what}: max |difference| ${worst} exceeds ${tol * scale}`);
}
