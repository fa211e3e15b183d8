// radnb's WebAssembly SIMD kernels (src/cnn/kernels/simd): the committed module is the one its C
// source builds, it can only touch memory it is given, the wasm backend binds it on all of XNNPACK's threads,
// and the thread pool splits work correctly and reports a trap in any thread without hanging. The kernels'
// numbers are checked against the definition and the cpu backend in convGradients.test.ts and
// poolAndMatMul.test.ts.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import vm from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../../src/cnn/backend';
import { plainModule, sharedModule } from '../../../../src/cnn/kernels/simd/simdKernelsWasm';
import { simdKernelsOf, simdKernelsUnavailable } from '../../../../src/cnn/kernels/simd/simdKernels';
import { SimdThreadPool } from '../../../../src/cnn/kernels/simd/threadPool';
import { wantedThreads } from '../../../../src/cnn/wasmThreads';
import { repoRoot } from '../../../support/env';

const hasClang = spawnSync('clang-14', ['--version']).status === 0;

/** Section ids of a WebAssembly binary, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8; // magic and version
  while (at < bytes.length) {
    ids.push(bytes[at++]);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    at += size;
  }
  return ids;
}

/** A pool of two threads (the caller and a worker) over a fresh shared memory of `pages` × 64 KiB. */
function twoThreadPool(pages: number): { memory: WebAssembly.Memory; pool: SimdThreadPool } {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
  const module = new WebAssembly.Module(Buffer.from(sharedModule, 'base64'));
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Record<
    string,
    (...args: number[]) => void
  >;
  return { memory, pool: new SimdThreadPool(module, memory, exports, 2) };
}

describe('SIMD kernels', () => {
  before(async () => {
    assert.equal((await initBackend({ prefer: 'wasm' })).name, 'wasm');
  });

  it(
    'the committed module is what simdKernels.c builds',
    {
      skip:
        !hasClang &&
        !process.env.CI &&
        'clang-14 is not installed (apt-get install clang-14 lld-14); CI installs it and runs this check',
    },
    () => {
      const run = spawnSync(process.execPath, ['scripts/buildSimdKernels.mjs', '--check'], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stdout + run.stderr);
    },
  );

  it('imports only the memory and has no data segment: it writes nothing but the outputs it is handed', () => {
    for (const [name, base64, shared] of [
      ['shared', sharedModule, true],
      ['plain', plainModule, false],
    ] as const) {
      const bytes = Buffer.from(base64, 'base64');
      const module = new WebAssembly.Module(bytes);
      assert.deepEqual(WebAssembly.Module.imports(module), [{ module: 'env', name: 'memory', kind: 'memory' }], name);
      assert.ok(!sectionIds(bytes).includes(11), `${name}: data section`);
      const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared });
      assert.doesNotThrow(() => new WebAssembly.Instance(module, { env: { memory } }), name);
    }
  });

  it('keeps no stack in the memory it shares: every kernel leaves the memory outside its buffers as it was', () => {
    // A function with locals left in memory would keep them below the module's stack pointer (64 KiB in),
    // which is tfjs' own data: the module must never use its stack (see the top of simdKernels.c).
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
    const k = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(sharedModule, 'base64')), { env: { memory } })
      .exports as unknown as Record<string, (...args: number[]) => void>;
    const heap = new Float32Array(memory.buffer);
    const FREE = 1 << 20; // buffers from 1 MiB on; everything below must stay untouched
    heap.fill(1.5, 0, FREE / 4);
    let next = FREE;
    const buffer = (floats: number) => {
      const at = next;
      heap.fill(0.25, at / 4, at / 4 + floats);
      next += Math.ceil(floats / 16) * 64;
      return at;
    };
    const [B, H, W, CI, CO] = [2, 5, 6, 8, 8];
    const [x, w, y, dy] = [buffer(B * H * W * CI), buffer(9 * CI * CO), buffer(B * H * W * CO), buffer(B * H * W * CO)];
    const u = buffer(36 * (CI * CO + 16));
    const scratch = buffer(36 * (CI * CO + 16) + 36 * (16 * CI + 16 + 16 * CO + 16));
    // every argument, checked against the export's parameter count: a missing one would be a silent 0
    const call = (name: string, ...args: number[]) => {
      assert.equal(k[name].length, args.length, `${name}: parameter count`);
      k[name](...args);
    };
    for (const m of [2, 4]) {
      // both tile sizes: F(2×2, 3×3) and F(4×4, 3×3)
      const tiles = B * Math.ceil(H / m) * Math.ceil(W / m);
      heap.fill(0.25, y / 4, y / 4 + B * H * W * CO);
      call('winograd_filter_transform', w, u, CI, CO, m);
      call('winograd_conv2d', x, u, w, 3, y, scratch, H, W, CI, H, W, CO, 1, 1, tiles, 16, m, 0, Math.ceil(tiles / 16));
      assert.ok(
        Array.from(heap.subarray(y / 4, y / 4 + B * H * W * CO)).some((v) => v !== 0.25),
        `the F(${m}×${m}, 3×3) convolution ran (its output changed)`,
      );
      call('winograd_filter_grad', x, dy, scratch, H, W, CI, H, W, CO, 1, 1, tiles, 16, m, 0, Math.ceil(tiles / 16));
      call('winograd_filter_grad_finish', scratch, w, CI, CO, m);
    }
    call('conv2d_filter_grad', x, dy, w, H, W, CI, H, W, CO, 3, 3, 1, 1, 1, 1, 1, 1, 0, B * H);
    call('max_pool_grad_tiling', x, y, dy, H, W, 2, 3, CI, 2, 2, 0, B * 2);
    call('max_pool_grad', x, y, dy, H, W, CI, 2, 3, 2, 2, 2, 2, 0, 0, 0, B);
    call('matmul', x, CI, 1, w, y, 8, CO, CI, 0, 1);
    call('adam_step', x, y, dy, w, u, scratch, x, 64, ...Array<number>(8).fill(0x3f000000), 0, 1);
    call('relu_grad', dy, x, y, 100, 0, 1);
    call('add_bias', x, w, y, CI, 0, 10);
    call('add_into', x, y, 100);
    call('direct_conv2d', x, w, w, 3, y, H, W, CI, H, W, CO, 3, 3, 1, 1, 1, 1, 0, B * H);
    // one input channel and 16 outputs: the unrolled 3×3 first-layer code, with windows reaching into the padding
    const y16 = buffer(B * H * W * 16);
    call('direct_conv2d', x, w, w, 3, y16, H, W, 1, H, W, 16, 3, 3, 1, 1, 1, 1, 0, B * H);
    call('max_pool', x, y, H, W, 2, 3, CI, 2, 2, 0, B * 2);
    for (const relu of [0, 2]) call('channel_affine', x, w, w, w, y, 6, relu, 0, 10); // 6 channels: the SIMD loop and its tail
    for (const relu of [0, y]) {
      call('batch_norm_sums', dy, relu, x, w, u, 6, 0, 10);
      call('batch_norm_input_grad', dy, relu, x, w, u, y16, 6, 0, 10);
    }
    for (const mean of [0, w]) call('channel_sums', x, mean, u, 6, 0, 10);
    call('global_average_pool', x, y, H * W, 6, 0, B);
    call('global_average_pool_grad', y, dy, H * W, 6, 0, B);
    call('add_elements', x, dy, y, 100, 0, 1);
    call('copy_channels', x, CI, 2, y, CO, 1, 6, 0, B * H * W);
    const changed = heap.subarray(0, FREE / 4).findIndex((v) => v !== 1.5);
    assert.equal(changed, -1, `a kernel wrote at byte ${changed * 4}, outside its buffers`);
  });

  it("binds to the wasm backend's memory with one thread per XNNPACK thread; other backends say why they have none", async () => {
    const kernels = simdKernelsOf(tf.engine().backend);
    assert.ok(kernels !== undefined);
    assert.equal(kernels.threads, wantedThreads());
    assert.equal(simdKernelsUnavailable(tf.engine().backend), undefined);
    await tf.setBackend('cpu');
    assert.equal(simdKernelsUnavailable(tf.engine().backend), "the backend's memory cannot be imported");
    assert.equal(simdKernelsOf(tf.engine().backend), undefined);
    await tf.setBackend('wasm');
  });

  it('the thread pool covers every row once, and a trap in any thread is an error, not a hang', () => {
    const { memory, pool } = twoThreadPool(16);
    try {
      // 2×2 max pooling of 64 images of 4×4×4: x at 0, dy (= 1 + index) after it, dx after that
      const [images, side, ch] = [64, 4, 4];
      const inSize = images * side * side * ch;
      const outSize = inSize / 4;
      const heap = new Float32Array(memory.buffer);
      for (let i = 0; i < inSize; i++) heap[i] = (i * 7919) % 13;
      for (let i = 0; i < outSize; i++) heap[inSize + i] = 1 + i;
      const job = (x: number) => ({
        name: 'max_pool_grad_tiling',
        args: [x, inSize * 4, (inSize + outSize) * 4, side, side, side / 2, side / 2, ch, 2, 2],
        rows: images * (side / 2),
      });
      pool.run(job(0));
      const dx = heap.subarray(inSize + outSize, 2 * inSize + outSize);
      // every output gradient lands exactly once
      const total = dx.reduce((a, b) => a + b, 0);
      assert.equal(total, (outSize * (outSize + 1)) / 2);
      assert.throws(() => pool.run(job(0xfffffff0)), /max_pool_grad_tiling trapped/);
      dx.fill(0);
      pool.run(job(0)); // still works after a trap
      assert.equal(
        dx.reduce((a, b) => a + b, 0),
        total,
      );
    } finally {
      pool.close();
    }
  });

  it('the worker takes part in a job whether it was spinning or asleep when the job came', async () => {
    const { memory, pool } = twoThreadPool(200);
    try {
      // C (512×512) = A · B: ~10 ms of work in 64 chunks, plenty for a worker that was told of the job
      const n = 512;
      new Float32Array(memory.buffer).fill(1, 0, 2 * n * n);
      const job = { name: 'matmul', args: [0, n, 1, n * n * 4, 2 * n * n * 4, n, n, n], rows: n / 8, chunks: 64 };
      // the worker thread boots (and compiles the module) in the background: wait until it takes part
      for (const start = Date.now(); pool.workerChunks === 0 && Date.now() - start < 10_000;) {
        pool.run(job);
        await new Promise((resolve) => setImmediate(resolve));
      }
      pool.run(job); // right after a job: the worker is still spinning and needs no wake-up
      assert.ok(pool.workerChunks > 0, 'a spinning worker took no chunk');
      await new Promise((resolve) => setTimeout(resolve, 50)); // long past the spin: the worker sleeps
      pool.run(job);
      assert.ok(pool.workerChunks > 0, 'a sleeping worker was not woken');
    } finally {
      pool.close();
    }
  });

  it('a job abandoned by a terminated cell (Stop) is settled before the next one, which is then exact', () => {
    const { memory, pool } = twoThreadPool(200);
    try {
      // C (1024×1024) = A · B with A = B = ones: every element is 1024 (~50 ms of work)
      const n = 1024;
      const heap = new Float32Array(memory.buffer);
      heap.fill(1, 0, 2 * n * n);
      const product = heap.subarray(2 * n * n, 3 * n * n);
      const job = { name: 'matmul', args: [0, n, 1, n * n * 4, 2 * n * n * 4, n, n, n], rows: n / 8 };
      pool.run(job); // the worker is up and taking chunks
      // vm's timeout terminates the code as Stop does: inside the product or while waiting for the worker
      assert.throws(() => vm.runInNewContext('pool.run(job)', { pool, job }, { timeout: 5 }), /timed out/);
      pool.settleAbandonedJob(); // as every SIMD kernel does before it allocates its output
      product.fill(0);
      pool.run(job);
      assert.ok(
        product.every((v) => v === n),
        'a chunk of the abandoned job wrote into the new result',
      );
    } finally {
      pool.close();
    }
  });
});
