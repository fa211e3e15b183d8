// Helpers for the kernel tests: start a real kernel process through the client (the built
// out/kernel/main.js, so `node esbuild.js` must have run) and record everything one cell sends, with the
// time each message arrived, so tests can assert order and streaming.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExecuteResult, WireBundle } from '../../src/common/kernelProtocol';
import { KernelClient, type KernelClientOptions } from '../../src/kernel/client';
import { repoRoot } from '../support/env';

const kernelScript = path.join(repoRoot, 'out', 'kernel', 'main.js');

export type CellEvent =
  | { kind: 'stream'; at: number; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'display'; at: number; displayId: string; bundle: WireBundle; update: boolean };

export interface CellRun {
  result: ExecuteResult;
  /** Milliseconds from execute() to the result. */
  elapsedMs: number;
  events: CellEvent[];
  stdout: string;
  stderr: string;
  displays: Extract<CellEvent, { kind: 'display' }>[];
}

/** A kernel whose notebook folder is a fresh temp dir unless one is given. */
export async function startKernel(options: Partial<KernelClientOptions> = {}): Promise<KernelClient> {
  assert.ok(existsSync(kernelScript), `${kernelScript} is missing: run \`node esbuild.js\` (npm test builds first)`);
  const notebookDir = options.notebookDir ?? mkdtempSync(path.join(tmpdir(), 'radnb-kernel-test-'));
  return KernelClient.start({ kernelScript, ...options, notebookDir });
}

/** Runs one cell and collects its output; `cellName` is how stacks and errors name it. */
export async function runCell(kernel: KernelClient, code: string, cellName = 'Cell 1'): Promise<CellRun> {
  const started = performance.now();
  const events: CellEvent[] = [];
  const at = () => performance.now() - started;
  const result = await kernel.execute(code, cellName, {
    onStream: (name, text) => events.push({ kind: 'stream', at: at(), name, text }),
    onDisplay: (displayId, bundle, update) => events.push({ kind: 'display', at: at(), displayId, bundle, update }),
  });
  const streamText = (name: 'stdout' | 'stderr') =>
    events.flatMap((e) => (e.kind === 'stream' && e.name === name ? [e.text] : [])).join('');
  return {
    result,
    elapsedMs: at(),
    events,
    stdout: streamText('stdout'),
    stderr: streamText('stderr'),
    displays: events.filter((e): e is Extract<CellEvent, { kind: 'display' }> => e.kind === 'display'),
  };
}

/** Runs a cell that must succeed and returns its run; fails with the cell's error otherwise. */
export async function runOk(kernel: KernelClient, code: string, cellName = 'Cell 1'): Promise<CellRun> {
  const run = await runCell(kernel, code, cellName);
  assert.equal(run.result.status, 'ok', `${cellName} failed: ${run.result.error?.stack || run.result.error?.message}`);
  return run;
}

/** The text/plain of a cell's value (or of any bundle). */
export function plain(bundle: WireBundle | undefined): string | undefined {
  const text = bundle?.['text/plain'];
  assert.ok(text === undefined || typeof text === 'string', 'text/plain must travel as a string');
  return text;
}

/** The value a cell displays as text: the common case of "evaluate this and check it". */
export async function valueOf(kernel: KernelClient, code: string, cellName = 'Cell 1'): Promise<string | undefined> {
  return plain((await runOk(kernel, code, cellName)).result.value);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
