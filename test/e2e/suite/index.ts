// Entry of the end-to-end suite inside VS Code's extension host (extensionTestsPath): VS Code calls
// run() and reports its outcome. The same bundle runs under code-server (test/e2e/vscode.test.ts) and
// desktop VS Code (scripts/test-electron.mjs). Failures are also written as JSON to RADNB_E2E_REPORT,
// because the extension host's console is not visible from every launcher.
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import { registerKernelCellTests } from './kernelCells.spec';
import { registerLanguageBenchmark } from './languageBenchmark.spec';
import { registerLanguageFeatureTests } from './languageFeatures.spec';
import { measurements } from './measurements';
import { registerNotebookFeatureTests } from './notebookFeatures.spec';

export interface SuiteReport {
  /** Tests registered (after RADNB_E2E_GREP). */
  total: number;
  passed: string[];
  failed: { title: string; error: string }[];
  durationMs: number;
  /** Figures with their units, by what was measured. */
  measurements: Record<string, { value: number; unit: string }>;
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 60_000,
    reporter: 'spec',
    grep: process.env.RADNB_E2E_GREP,
  });
  // Bundled spec files are registered by calling them, with mocha's globals (describe, it, …) installed first.
  mocha.suite.emit('pre-require', globalThis, 'radnb-e2e', mocha);
  // bench/language.ts runs the suite for its measurements only.
  if (process.env.RADNB_BENCH_LANGUAGE) {
    registerLanguageBenchmark(process.env.RADNB_BENCH_LANGUAGE);
  } else {
    registerKernelCellTests();
    registerNotebookFeatureTests();
    registerLanguageFeatureTests();
  }

  const report: SuiteReport = { total: 0, passed: [], failed: [], durationMs: 0, measurements };
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    report.total = runner.total;
    runner.on('pass', (test) => report.passed.push(test.fullTitle()));
    runner.on('fail', (test, error: Error) => {
      report.failed.push({ title: test.fullTitle(), error: error.stack ?? String(error) });
      // Right away, not only in the summary: a later hang must not hide why this test failed.
      console.error(`FAILED: ${test.fullTitle()}\n${error.stack ?? String(error)}`);
    });
  });
  report.durationMs = Date.now() - started;
  if (process.env.RADNB_E2E_REPORT) writeFileSync(process.env.RADNB_E2E_REPORT, JSON.stringify(report, null, 2));
  if (report.failed.length > 0) {
    throw new Error(
      `${report.failed.length} end-to-end test(s) failed:\n${report.failed.map((f) => `- ${f.title}\n${f.error}`).join('\n')}`,
    );
  }
}
