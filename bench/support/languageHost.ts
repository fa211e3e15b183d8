// The part of the language benchmark that needs a real VS Code: code-server with radnb, two copies of the
// benchmark notebook in a scratch folder, and the e2e suite's measurement spec run inside the extension
// host (test/e2e/suite/languageBenchmark.spec.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emptyNotebook, serializeNotebook, type NotebookCell } from '../../src/common/notebook';
import { installCodeServer, runSuite } from '../../test/e2e/harness';

const SUITE_TIMEOUT_MS = 600_000;

export async function measureInVSCode(cells: NotebookCell[]): Promise<Record<string, unknown>> {
  installCodeServer();
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'radnb-bench-language-vscode-'));
  const names = ['first/notebook.radnb', 'second/notebook.radnb'];
  for (const name of names) {
    mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
    writeFileSync(
      path.join(workspace, name),
      serializeNotebook({ ...emptyNotebook(), cells: cells.map((c) => ({ ...c, outputs: [] })) }),
    );
  }
  try {
    const { report } = await runSuite({
      folder: workspace,
      env: { RADNB_BENCH_LANGUAGE: names.join(',') },
      timeoutMs: SUITE_TIMEOUT_MS,
    });
    if (!report || report.failed.length > 0)
      throw new Error(`the measurement spec failed: ${report?.failed.map((f) => f.error).join('\n') ?? 'no report'}`);
    return Object.fromEntries(
      Object.entries(report.measurements).map(([name, { value, unit }]) => [name, { value: Math.round(value), unit }]),
    );
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
