// What a notebook user relies on from the radnb kernel, checked in a real VS Code: cells share state,
// re-run, await, show values, errors point at the TypeScript line, interrupt keeps state, restart and
// a dying kernel recover.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { record } from './measurements';
import {
  NotebookDriver,
  describeOnNotebook,
  errorOutput,
  finished,
  outputText,
  plainValue,
  describeOutputs,
  waitFor,
} from './notebookDriver';

export const KERNEL_FIXTURE = 'kernel.radnb';

export function registerKernelCellTests(): void {
  describeOnNotebook('radnb kernel in VS Code', KERNEL_FIXTURE, (notebook) => {
    it('runs the fixture cell and keeps its state for later cells', async () => {
      // The fixture's own first code cell defines `greeting`.
      const first = notebook()
        .document.getCells()
        .find((c) => c.kind === vscode.NotebookCellKind.Code);
      assert.ok(first, 'the fixture has a code cell');
      record('first cell run (kernel start) → result', (await notebook().runCell(first)).elapsedMs);
      assert.equal(first.executionSummary?.success, true, describeOutputs(first));
      const { cell } = await notebook().run('let count = 1;\ncount += 41;\n`${greeting} ${count}`');
      assert.equal(plainValue(cell), 'hello from radnb 42');
    });

    it('re-runs a cell that declares a const', async () => {
      const { cell } = await notebook().run('const answer = 6 * 7;\nanswer');
      assert.equal(plainValue(cell), '42');
      const reruns: number[] = [];
      for (let i = 0; i < 5; i++) {
        reruns.push((await notebook().runCell(cell)).elapsedMs);
        assert.equal(cell.executionSummary?.success, true, describeOutputs(cell));
        assert.equal(plainValue(cell), '42');
      }
      record('trivial cell re-run → summary in the extension host (median of 5)', reruns.sort((a, b) => a - b)[2]);
    });

    it('awaits at the top level of a cell', async () => {
      const { cell } = await notebook().run(
        'const later = await new Promise<number>((resolve) => setTimeout(() => resolve(21), 50));\nlater * 2',
      );
      assert.equal(plainValue(cell), '42');
    });

    it('shows the last expression as text/plain', async () => {
      const { cell } = await notebook().run("({ organ: 'lung', slices: [1, 2, 3] })");
      const items = cell.outputs.flatMap((o) => o.items);
      assert.ok(
        items.some((i) => i.mime === 'text/plain'),
        describeOutputs(cell),
      );
      assert.equal(plainValue(cell), "{ organ: 'lung', slices: [ 1, 2, 3 ] }");
    });

    it('reports an error whose stack names the cell and its TypeScript line', async () => {
      const code = [
        'interface Scan { id: string }',
        'function failOn(scan: Scan): never {',
        '  throw new TypeError(`cannot read ${scan.id}`);',
        '}',
        "failOn({ id: 'ct-7' });",
      ].join('\n');
      const { cell } = await notebook().run(code);
      assert.equal(cell.executionSummary?.success, false);
      const error = errorOutput(cell);
      assert.ok(error, `an error output: ${describeOutputs(cell)}`);
      assert.equal(error.name, 'TypeError');
      assert.equal(error.message, 'cannot read ct-7');
      // Line 3 of the TypeScript source, even though the interface was erased by the compiler.
      assert.match(error.stack, new RegExp(`Cell ${cell.index + 1}:3:\\d+`), error.stack);
      assert.match(error.stack, new RegExp(`Cell ${cell.index + 1}:5:\\d+`), error.stack);
    });

    it('streams console.log into the output while the cell runs', async () => {
      const cell = await notebook().append(
        "console.log('first');\nawait new Promise((resolve) => setTimeout(resolve, 1500));\nconsole.error('second');\nconsole.log('third');",
      );
      const previous = cell.executionSummary;
      const execution = notebook().start(cell);
      await waitFor(
        () => outputText(cell).includes('first'),
        1200,
        () => `'first' while the cell still runs: ${describeOutputs(cell)}`,
      );
      assert.equal(cell.executionSummary?.success, undefined, 'the cell is still running when its first line shows');
      await Promise.all([execution, finished(cell, 10_000, previous)]);
      assert.equal(outputText(cell).replace(/\n/g, ' ').trim(), 'first second third');
    });

    it('interrupts a synchronous infinite loop within 1 s and keeps earlier variables', async () => {
      await notebook().run("const survivor = 'still here';");
      const loop = await notebook().append('while (true) {}');
      record('interrupt while (true) {} → cell ended', await interruptAfterStart(notebook(), loop));
      const { cell } = await notebook().run('survivor');
      assert.equal(plainValue(cell), 'still here');
    });

    it('interrupts a cell that awaits forever', async () => {
      const waiting = await notebook().append('await new Promise(() => {});');
      record('interrupt await forever → cell ended', await interruptAfterStart(notebook(), waiting));
      const { cell } = await notebook().run('survivor.length');
      assert.equal(plainValue(cell), '10');
    });

    it('restarts the kernel quickly with a clean state', async () => {
      const started = Date.now();
      await vscode.commands.executeCommand('radnb.restartKernel');
      const { cell } = await notebook().run('typeof survivor');
      const elapsed = Date.now() - started;
      record('restart kernel → first cell result', elapsed);
      assert.equal(plainValue(cell), 'undefined');
      assert.ok(elapsed < 5000, `restart and first result took ${elapsed} ms`);
    });

    for (const kill of ['process.exit(1);', "process.kill(process.pid, 'SIGKILL');"]) {
      it(`reports a kernel killed by ${kill} on its cell, then starts a fresh one`, async () => {
        await notebook().run('const lostWithTheKernel = 1;');
        const { cell: dying } = await notebook().run(kill, 15_000);
        assert.equal(dying.executionSummary?.success, false, describeOutputs(dying));
        assert.ok(errorOutput(dying), `an error output on the cell that killed the kernel: ${describeOutputs(dying)}`);
        const { cell: next } = await notebook().run('typeof lostWithTheKernel');
        assert.equal(next.executionSummary?.success, true, describeOutputs(next));
        assert.equal(plainValue(next), 'undefined');
      });
    }
  });
}

/** Starts `cell`, lets it run, cancels it like the Stop button, asserts it ended within 1 s; returns how long it took. */
async function interruptAfterStart(notebook: NotebookDriver, cell: vscode.NotebookCell): Promise<number> {
  const previous = cell.executionSummary;
  const execution = notebook.start(cell);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(cell.executionSummary?.success, undefined, 'the cell is still running before the interrupt');
  const asked = Date.now();
  await vscode.commands.executeCommand('notebook.cell.cancelExecution', {
    ranges: [{ start: cell.index, end: cell.index + 1 }],
    document: notebook.document.uri,
  });
  await Promise.all([execution, finished(cell, 5000, previous)]);
  const elapsed = Date.now() - asked;
  assert.notEqual(cell.executionSummary?.success, true);
  assert.ok(elapsed <= 1000, `the interrupt took ${elapsed} ms`);
  return elapsed;
}
