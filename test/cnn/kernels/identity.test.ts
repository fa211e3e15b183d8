// radnb's Identity on wasm shares the input's buffer instead of copying it: a clone keeps its values
// after the original is disposed, the buffer is freed once both are gone, and strings still clone.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/cnn/backend';

describe('Identity kernel on wasm', () => {
  before(async () => {
    assert.equal((await initBackend({ prefer: 'wasm' })).name, 'wasm');
  });

  it('a clone shares the buffer, outlives its original, and frees it when both are disposed', () => {
    const backend = tf.engine().backend;
    const buffers = backend.numDataIds();
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const copy = tf.clone(x);
    assert.equal(backend.numDataIds(), buffers + 1, 'no second buffer');
    x.dispose();
    assert.deepEqual(Array.from(copy.dataSync()), [1, 2, 3, 4]);
    copy.dispose();
    assert.equal(backend.numDataIds(), buffers);
  });

  it('string tensors still clone', () => {
    const s = tf.tensor1d(['a', 'bc'], 'string');
    const copy = tf.clone(s);
    s.dispose();
    assert.deepEqual(copy.arraySync(), ['a', 'bc']);
    copy.dispose();
  });
});
