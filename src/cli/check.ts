// `radnb check NB|DIR...`: type-checks notebooks as the editor does, each cell against the cells above it,
// and prints `file:cell N:line:col: error TS… message`; exits 1 when there are errors. `--json` for tools.
// Teams run it in CI, teachers on submissions; the kernel never needs it to run a cell.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseNotebook, type Notebook } from '../common/notebook';
import { checkNotebook, notebookProblem, type NotebookProblem } from '../language/checkNotebook';
import { radnbTypesAt } from '../language/compilerOptions';

/** Problems worth a line: hints (unused names) are the editor's business. */
const REPORTED = new Set(['error', 'warning']);

export async function runCheckCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) throw new Error('radnb check needs notebooks or folders of notebooks');
  const files = positionals.flatMap(notebookFiles);
  if (files.length === 0) throw new Error(`no notebooks (.radnb, or TypeScript .ipynb) in ${positionals.join(', ')}`);
  const ts = (await import('typescript')).default;
  const context = {
    ts,
    radnb: radnbTypesAt(path.resolve(__dirname, '..', '..')),
    registry: ts.createDocumentRegistry(),
  };
  const found: { file: string; problems: NotebookProblem[] }[] = [];
  for (const file of files) {
    // One unreadable notebook is that notebook's error: the others are still checked and reported.
    let notebook: Notebook;
    try {
      notebook = parseNotebook(readFileSync(file, 'utf8'), file);
    } catch (error) {
      found.push({ file, problems: [notebookProblem((error as Error).message)] });
      continue;
    }
    if (file.endsWith('.ipynb') && !isTypeScript(notebook)) continue;
    found.push({
      file,
      problems: checkNotebook(notebook, path.resolve(file), context).filter((p) => REPORTED.has(p.severity)),
    });
  }
  if (values.json) {
    const rows = found.flatMap(({ file, problems }) =>
      problems.map((p) => ({
        file,
        cell: p.cell,
        line: p.range.start.line + 1,
        column: p.range.start.character + 1,
        endLine: p.range.end.line + 1,
        endColumn: p.range.end.character + 1,
        severity: p.severity,
        code: p.code,
        message: p.message,
      })),
    );
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    for (const { file, problems } of found) {
      for (const p of problems) {
        const code = p.code ? ` TS${p.code}` : '';
        process.stdout.write(
          `${file}:cell ${p.cell}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity}${code}: ${p.message.replace(/\n/g, '\n    ')}\n`,
        );
      }
    }
    const errors = found.reduce((n, f) => n + f.problems.filter((p) => p.severity === 'error').length, 0);
    process.stderr.write(
      `radnb check: ${found.length} notebook${found.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}\n`,
    );
  }
  return found.some((f) => f.problems.some((p) => p.severity === 'error')) ? 1 : 0;
}

/** A notebook file as given, or every notebook under a folder (node_modules left out). */
function notebookFiles(target: string): string[] {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (!stat) throw new Error(`${target}: no such file or folder`);
  if (!stat.isDirectory()) return [target];
  return readdirSync(target, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules' && !entry.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(target, entry.name);
      if (entry.isDirectory()) return notebookFiles(full);
      return /\.(radnb|ipynb)$/.test(entry.name) ? [full] : [];
    });
}

function isTypeScript(notebook: Notebook): boolean {
  const meta = notebook.metadata as { kernelspec?: { language?: string }; language_info?: { name?: string } };
  return meta.kernelspec?.language === 'typescript' || meta.language_info?.name === 'typescript';
}
