// The kernel process behind the Jupyter front end: out of reach of the SIGINT a Jupyter client sends to
// the front end's process group, and never left running when the front end is killed mid-cell.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/env';

/** A front end stand-in: starts a kernel child as KernelChild does, runs `code`, prints the child's pid. */
function startFrontEnd(code: string) {
  const script = `
    const { KernelChild } = require(${JSON.stringify(path.join(repoRoot, 'src', 'jupyter', 'kernelChild.ts'))});
    const child = new KernelChild({ notebookDir: ${JSON.stringify(mkdtempSync(path.join(tmpdir(), 'radnb-child-')))}, params: {}, allowIdentifiers: false, log: () => {} });
    process.on('SIGINT', () => child.interrupt());
    child.ready().then((k) => {
      console.log('pid ' + k.pid);
      k.execute(${JSON.stringify(code)}, 'In[1]').then((r) => console.log('status ' + r.status));
    });`;
  const frontEnd = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  frontEnd.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const waitFor = (pattern: RegExp, ms = 30_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const started = Date.now();
      const poll = () => {
        const m = out.match(pattern);
        if (m) resolve(m);
        else if (Date.now() - started > ms) reject(new Error(`no ${pattern} in ${JSON.stringify(out)}`));
        else setTimeout(poll, 20);
      };
      poll();
    });
  return { frontEnd, waitFor };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

test('SIGINT to the front end’s process group interrupts the cell through the pipe; the kernel lives on', async () => {
  const { frontEnd, waitFor } = startFrontEnd('while (true) {}');
  const pid = Number((await waitFor(/pid (\d+)/))[1]);
  await new Promise((r) => setTimeout(r, 300));
  process.kill(-frontEnd.pid!, 'SIGINT');
  await waitFor(/status interrupted/, 10_000);
  assert.ok(alive(pid), 'the kernel process is still running');
  process.kill(-frontEnd.pid!, 'SIGKILL');
  assert.ok(await until(() => !alive(pid), 10_000), 'the kernel ended with its front end');
});

test('a front end killed while a cell spins leaves no kernel process behind', async () => {
  const { frontEnd, waitFor } = startFrontEnd('while (true) {}');
  const pid = Number((await waitFor(/pid (\d+)/))[1]);
  await new Promise((r) => setTimeout(r, 300));
  process.kill(-frontEnd.pid!, 'SIGKILL');
  assert.ok(await until(() => !alive(pid), 10_000), `kernel ${pid} still runs after its front end was killed`);
});
