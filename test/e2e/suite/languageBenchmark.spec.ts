// Measurements for bench/language.ts, taken inside VS Code's extension host: radnb's activation (VS Code's
// own performance marks) and the host's memory before any notebook, after one 63-cell notebook is
// checked, and after a second. Registered only when the benchmark runs the suite.
import * as vscode from 'vscode';
import { record } from './measurements';

const EXTENSION_ID = 'radnb.radnb';

interface PerformanceMarks {
  getMarks(): { name: string; startTime: number }[];
}

/** Resolves once diagnostics have not changed for `quietMs` (the language worker has checked every cell). */
function diagnosticsSettle(quietMs: number, limitMs: number): Promise<void> {
  return new Promise((resolve) => {
    let timer = setTimeout(done, quietMs);
    const limit = setTimeout(done, limitMs);
    const listener = vscode.languages.onDidChangeDiagnostics(() => {
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    function done() {
      clearTimeout(timer);
      clearTimeout(limit);
      listener.dispose();
      resolve();
    }
  });
}

async function openAndSettle(relative: string): Promise<vscode.NotebookDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the benchmark needs a workspace folder');
  const settled = diagnosticsSettle(5_000, 180_000);
  const document = await vscode.workspace.openNotebookDocument(vscode.Uri.joinPath(folder.uri, relative));
  await vscode.window.showNotebookDocument(document);
  await settled;
  return document;
}

export function registerLanguageBenchmark(notebooks: string): void {
  describe('language service measurements', function () {
    this.timeout(600_000);
    it('activation, and extension-host memory per open notebook', async () => {
      const [first, second] = notebooks.split(',');
      const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);
      const before = rssMiB();
      await openAndSettle(first);
      const afterFirst = rssMiB();
      await openAndSettle(second);
      const afterSecond = rssMiB();
      const marks =
        (globalThis as { MonacoPerformanceMarks?: PerformanceMarks }).MonacoPerformanceMarks?.getMarks() ?? [];
      const at = (what: string) => marks.find((m) => m.name === `code/extHost/${what}/${EXTENSION_ID}`)?.startTime;
      const willLoad = at('willLoadExtensionCode');
      const didLoad = at('didLoadExtensionCode');
      const activated = at('didActivateExtension');
      if (willLoad === undefined || activated === undefined)
        throw new Error(`no activation marks for ${EXTENSION_ID} among ${marks.length}`);
      record('activation: load + activate()', activated - willLoad);
      if (didLoad !== undefined) record('activation: activate() alone', activated - didLoad);
      record('extension host memory before any notebook', before, 'MiB');
      record('extension host memory with one notebook checked', afterFirst, 'MiB');
      record('extension host memory with two notebooks checked', afterSecond, 'MiB');
    });
  });
}
