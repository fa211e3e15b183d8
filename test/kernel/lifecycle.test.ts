// Stopping cells without losing state, surviving background errors, and reporting a kernel that dies
// or cannot start — the situations where a notebook user must not lose work or be left guessing.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KernelDiedError, KernelStartError, type KernelClient } from '../../src/kernel/client';
import { runCell, runOk, sleep, startKernel, valueOf, type CellRun } from './harness';

/** Starts a cell, interrupts it after `afterMs`, and returns the run and how long the stop took. */
async function interruptAfter(
  kernel: KernelClient,
  code: string,
  afterMs: number,
): Promise<{ run: CellRun; stopMs: number }> {
  let interruptedAt = 0;
  const timer = setTimeout(() => {
    interruptedAt = performance.now();
    kernel.interrupt();
  }, afterMs);
  const run = await runCell(kernel, code, 'Cell 9');
  clearTimeout(timer);
  assert.ok(interruptedAt > 0, `the cell ended on its own before the interrupt (${run.result.status})`);
  return { run, stopMs: performance.now() - interruptedAt };
}

describe('interrupt', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await startKernel();
  });
  after(() => kernel.shutdown());

  test('stops `while (true) {}` within 1 s and keeps every variable defined before', async () => {
    await runOk(
      kernel,
      "const patientCount = 128;\nlet model = { trained: true };\nfunction keep() { return 'kept'; }",
    );
    const { run, stopMs } = await interruptAfter(kernel, 'let spins = 0;\nwhile (true) { spins++; }', 200);
    assert.equal(run.result.status, 'interrupted');
    assert.ok(stopMs < 1000, `stopped after ${stopMs.toFixed(0)} ms`);
    assert.equal(
      await valueOf(kernel, 'JSON.stringify([patientCount, model, keep()])'),
      '[128,{"trained":true},"kept"]',
    );
  });

  test('stops a synchronous loop inside a function called from a cell', async () => {
    await runOk(kernel, 'function busy(): number { let x = 0; for (;;) x += Math.random(); }');
    const { run, stopMs } = await interruptAfter(kernel, 'busy();', 150);
    assert.equal(run.result.status, 'interrupted');
    assert.ok(stopMs < 1000, `stopped after ${stopMs.toFixed(0)} ms`);
  });

  test('cancels an awaiting loop: no more of its output after the interrupt', async () => {
    const code =
      'for (let i = 0; ; i++) {\n  console.log(`tick ${i}`);\n  await new Promise((r) => setTimeout(r, 50));\n}';
    const { run, stopMs } = await interruptAfter(kernel, code, 300);
    assert.equal(run.result.status, 'interrupted');
    assert.ok(stopMs < 1000, `stopped after ${stopMs.toFixed(0)} ms`);
    assert.match(run.stdout, /tick 0\n/);
    // Output written after the interrupt would land in the next cell: there must be none.
    const next = await runOk(kernel, "await new Promise((r) => setTimeout(r, 400));\n'next'");
    assert.equal(next.stdout, '');
  });

  test('stops `await new Promise(() => {})`, a promise that never settles', async () => {
    const { run, stopMs } = await interruptAfter(kernel, 'await new Promise(() => {});', 200);
    assert.equal(run.result.status, 'interrupted');
    assert.ok(stopMs < 1000, `stopped after ${stopMs.toFixed(0)} ms`);
  });

  test('stops a synchronous loop that starts after an await', async () => {
    const { run, stopMs } = await interruptAfter(
      kernel,
      'await new Promise((r) => setTimeout(r, 20));\nwhile (true) {}',
      200,
    );
    assert.equal(run.result.status, 'interrupted');
    assert.ok(stopMs < 1000, `stopped after ${stopMs.toFixed(0)} ms`);
  });

  test("aborts the display host's signal, so library loops (training) can stop between steps", async () => {
    // Load the library first: under load its first import alone can take longer than the interrupt delay.
    await runOk(kernel, "import { getDisplayHost } from 'radnb';");
    const code = 'const trainingSignal = getDisplayHost()!.signal;\nawait new Promise(() => {});';
    const { run } = await interruptAfter(kernel, code, 200);
    assert.equal(run.result.status, 'interrupted');
    assert.equal(await valueOf(kernel, 'trainingSignal.aborted'), 'true');
  });

  test('after interrupts the kernel runs cells as before: state, awaits, output', async () => {
    const run = await runOk(
      kernel,
      "await new Promise((r) => setTimeout(r, 10));\nconsole.log('still here');\npatientCount + 1",
    );
    assert.equal(run.stdout, 'still here\n');
    assert.equal(run.result.value?.['text/plain'], '129');
  });

  test('interrupting an idle kernel changes nothing', async () => {
    kernel.interrupt();
    await sleep(300);
    assert.equal(await valueOf(kernel, 'patientCount'), '128');
  });

  test('stops a runaway timer callback that spins after its cell ended', async () => {
    await runOk(kernel, "setTimeout(() => { while (true) {} }, 20);\n'armed'");
    await sleep(200); // the timer now spins: the kernel cannot even read the next request
    kernel.interrupt();
    await sleep(500);
    assert.equal(await valueOf(kernel, 'patientCount'), '128');
  });
});

describe('background errors', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await startKernel();
  });
  after(() => kernel.shutdown());

  test('an exception thrown in a timer is reported and does not kill the kernel', async () => {
    await runOk(
      kernel,
      "const before = 'kept';\nsetTimeout(() => {\n  throw new Error('timer failed');\n}, 100);",
      'Cell 1',
    );
    const run = await runOk(kernel, 'await new Promise((r) => setTimeout(r, 400));\nbefore', 'Cell 2');
    assert.match(run.stderr, /Error: timer failed\n\s+at Timeout\._onTimeout \(Cell 1:3:9\)/);
    assert.equal(run.result.value?.['text/plain'], 'kept');
  });

  test('a rejected promise nobody awaits is reported and does not kill the kernel', async () => {
    await runOk(kernel, "setTimeout(() => Promise.reject(new Error('nobody caught this')), 20);\n1");
    const run = await runOk(kernel, "await new Promise((r) => setTimeout(r, 100));\n'alive'");
    assert.match(run.stderr, /Error: nobody caught this/);
    assert.equal(run.result.value?.['text/plain'], 'alive');
    assert.ok(kernel.alive);
  });
});

describe('a kernel that dies', () => {
  test('process.exit(1) in a cell is reported on that cell as KernelDiedError', async () => {
    const kernel = await startKernel();
    await runOk(kernel, 'const lost = 1;');
    const exitReported = new Promise<string>((resolve) => kernel.onExit(resolve));
    await assert.rejects(runCell(kernel, 'process.exit(1);'), (err: unknown) => {
      assert.ok(err instanceof KernelDiedError);
      assert.equal(err.exitCode, 1);
      assert.match(
        err.message,
        /The kernel died while running this cell \(exit code 1\)\. Its variables are lost; the notebook and its outputs are kept/,
      );
      return true;
    });
    assert.equal(await exitReported, 'exit code 1');
    assert.equal(kernel.alive, false);
    await assert.rejects(runCell(kernel, 'lost'), KernelDiedError, 'a dead kernel refuses further cells');
  });

  test('SIGKILL (what the system does when memory runs out) is reported with a clear reason', async () => {
    const kernel = await startKernel();
    await assert.rejects(
      runCell(kernel, "process.kill(process.pid, 'SIGKILL');\nawait new Promise(() => {});"),
      (err: unknown) => {
        assert.ok(err instanceof KernelDiedError);
        assert.equal(err.signal, 'SIGKILL');
        assert.match(err.message, /killed by SIGKILL — by the system when memory runs out, or by a user/);
        return true;
      },
    );
  });

  test('a kernel that exits between cells is reported, and the next cell is refused with the reason', async () => {
    const kernel = await startKernel();
    const exitReported = new Promise<string>((resolve) => kernel.onExit(resolve));
    await runOk(kernel, 'setTimeout(() => process.exit(7), 50);');
    assert.equal(await exitReported, 'exit code 7');
    await assert.rejects(runCell(kernel, '1'), (err: unknown) => {
      assert.ok(err instanceof KernelDiedError);
      assert.equal(err.message, 'The kernel has ended (exit code 7).');
      return true;
    });
  });

  test('kill() from the client while a cell runs ends that cell with KernelDiedError', async () => {
    const kernel = await startKernel();
    const running = runCell(kernel, 'while (true) {}');
    await sleep(100);
    kernel.kill();
    await assert.rejects(running, KernelDiedError);
  });

  test('running out of heap names the memory limit and the setting', async () => {
    const kernel = await startKernel({ maxOldSpaceSizeMb: 64 });
    const code = 'const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(1e5).fill(Math.random()));';
    await assert.rejects(runCell(kernel, code), (err: unknown) => {
      assert.ok(err instanceof KernelDiedError);
      assert.match(err.message, /out of memory: the heap limit is 64 MiB, setting radnb\.kernel\.maxOldSpaceSizeMb/);
      return true;
    });
  });
});

describe('a kernel that cannot start', () => {
  test('a Node path that does not exist gives KernelStartError naming the path', async () => {
    const nodePath = '/nonexistent/bin/node';
    const started = performance.now();
    await assert.rejects(startKernel({ nodePath }), (err: unknown) => {
      assert.ok(err instanceof KernelStartError);
      assert.match(
        err.message,
        /Node\.js was not found at '\/nonexistent\/bin\/node'\. Install Node\.js 20 or newer, or set radnb\.kernel\.nodePath\./,
      );
      return true;
    });
    assert.ok(performance.now() - started < 5000, 'fails fast, no silent hang');
  });

  test('a program that is not Node gives KernelStartError with its exit', async () => {
    await assert.rejects(startKernel({ nodePath: '/bin/false' }), (err: unknown) => {
      assert.ok(err instanceof KernelStartError);
      assert.match(err.message, /The radnb kernel exited while starting \(exit code 1\)/);
      return true;
    });
  });

  test('a kernel that never reports ready times out with KernelStartError', async () => {
    // A stand-in for a Node that hangs: it runs, but never talks on the IPC channel.
    const hanging = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-hang-')), 'node');
    writeFileSync(hanging, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    await assert.rejects(startKernel({ nodePath: hanging, startTimeoutMs: 500 }), (err: unknown) => {
      assert.ok(err instanceof KernelStartError);
      assert.ok(err.message.includes(`did not start within 0.5 s (${hanging})`), err.message);
      return true;
    });
  });
});
