// The editor's language service on a 63-cell notebook (notebook 02's cells three times), beside the peer
// in the same run: TypeScript's own language service on the same code as one .ts file, which is what
// VS Code's TypeScript support does for a file. Measured as a person types: one keystroke every 150 ms
// into the last cell, each an edit that is checked; the completion asked at the first letter of a name
// (all names in scope) and at the dot after it (its members) is timed.
//   completion while typing             radnb: worker round trip        peer: in-process call
//   diagnostics of the edited cell      radnb: edit → its event         peer: getSemanticDiagnostics
//   diagnostics of the whole notebook   radnb: edit → last cell's event
//   cold start                          radnb: open → every cell checked
//   extension activation and extension-host memory per open notebook: in code-server (bench/support/languageHost.ts)
// Writes bench/results/language.json. Run: node esbuild.js && node --import tsx bench/language.ts
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import type { CellDiagnostic } from '../src/common/cellLanguage';
import { parseNotebook } from '../src/common/notebook';
import { LanguageClient } from '../src/extension/language/languageClient';
import { measureInVSCode } from './support/languageHost';
import { stats } from './support/stats';

const SAMPLES = 40;
/** About 80 words a minute; the checks run when typing pauses, as in the editor. */
const KEY_GAP_MS = 150;
const EDITS = 20;
const GOALS = { completionP50Ms: 30, completionP95Ms: 100, diagnosticsAfterEditMs: 300 };
const repoRoot = path.resolve(__dirname, '..');

const source = parseNotebook(
  readFileSync(path.join(repoRoot, 'notebooks', '02-pneumonia-xray.radnb'), 'utf8'),
  '02-pneumonia-xray.radnb',
);
const copies = [1, 2, 3].flatMap((copy) =>
  source.cells.map((cell, i) => ({ ...cell, id: `copy${copy}-cell${i + 1}` })),
);
const code = copies.filter((c) => c.kind === 'code').map((c) => ({ id: c.id, text: c.source }));
/** The cell a person types in: the last code cell of the last copy, so every cell above counts. */
const typed = code[code.length - 1];
/** Member completions on values declared in the cells above. */
const TYPED_LINES = ['xTrain.', 'yTrain.', 'splits.train.', 'full.val.x.', 'yVal.'];

async function radnb(): Promise<Record<string, unknown>> {
  const client = new LanguageClient(path.join(repoRoot, 'out', 'language', 'worker.js'), repoRoot, (m) =>
    console.error(m),
  );
  const events: { at: number; cellId: string; diagnostics: CellDiagnostic[] }[] = [];
  client.onDiagnostics((e) => events.push(...e.cells.map((c) => ({ at: performance.now(), ...c }))));
  const waitFor = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
  };
  try {
    const notebookFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'radnb-bench-language-')), 'notebook.radnb');
    const started = performance.now();
    client.notify('open', { notebook: 'nb', notebookFile, checkTypes: true });
    client.notify('update', { notebook: 'nb', order: code.map((c) => c.id), changed: code });
    await waitFor(() => new Set(events.map((e) => e.cellId)).size === code.length);
    const coldStartMs = performance.now() - started;
    const errorsAtStart = events.reduce((n, e) => n + e.diagnostics.filter((d) => d.severity === 'error').length, 0);

    const order = code.map((c) => c.id);
    const memberMs: number[] = [];
    const nameMs: number[] = [];
    const line = typed.text.split('\n').length;
    for (let i = 0; i < SAMPLES; i++) {
      const word = TYPED_LINES[i % TYPED_LINES.length];
      for (let k = 1; k <= word.length; k++) {
        const text = `${typed.text}\n${word.slice(0, k)}`;
        client.notify('update', { notebook: 'nb', order, changed: [{ id: typed.id, text }] });
        if (k === 1 || word[k - 1] === '.') {
          const asked = performance.now();
          const answer = await client.request('completions', {
            notebook: 'nb',
            cellId: typed.id,
            at: { line, character: k },
            ...(k > 1 && { triggerCharacter: '.' }),
          });
          (k === 1 ? nameMs : memberMs).push(performance.now() - asked);
          if (!answer || answer.entries.length === 0) throw new Error(`no completions for ${word.slice(0, k)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, KEY_GAP_MS));
      }
    }

    const editedMs: number[] = [];
    const wholeNotebookMs: number[] = [];
    const edited = code[Math.floor(code.length / 2)];
    for (let i = 0; i < EDITS; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300)); // let the previous edit's checks finish
      events.length = 0;
      const text = i % 2 === 0 ? `${edited.text}\nconst typo: number = 'seven';` : edited.text;
      const sent = performance.now();
      client.notify('update', { notebook: 'nb', order, changed: [{ id: edited.id, text }] });
      await waitFor(() => events.some((e) => e.cellId === edited.id));
      editedMs.push(events.find((e) => e.cellId === edited.id)!.at - sent);
      await waitFor(() => events.some((e) => e.cellId === order[order.length - 1]));
      wholeNotebookMs.push(events.find((e) => e.cellId === order[order.length - 1])!.at - sent);
      const found = events.find((e) => e.cellId === edited.id)!.diagnostics.some((d) => d.code === 2322);
      if (found !== (i % 2 === 0))
        throw new Error(`edit ${i}: the type error was ${found ? 'reported after its removal' : 'not reported'}`);
    }
    return {
      cells: copies.length,
      codeCells: code.length,
      errorsAtStart,
      coldStartMs: Math.round(coldStartMs),
      memberCompletionMs: stats(memberMs),
      nameCompletionMs: stats(nameMs),
      diagnosticsOfEditedCellMs: stats(editedMs),
      diagnosticsOfWholeNotebookMs: stats(wholeNotebookMs),
    };
  } finally {
    client.dispose();
  }
}

/** TypeScript alone on the same code as one file, in process: no worker, no cells, no preludes. */
function peer(): Record<string, unknown> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'radnb-bench-language-peer-'));
  const file = path.join(dir, 'notebook.ts');
  // Each copy in a block of its own, so that the same names in three copies do not collide.
  const base =
    code
      .map((c, i) => (i % (code.length / 3) === 0 ? `}\n{\n${c.text}` : c.text))
      .join('\n')
      .replace(/^}\n/, '') + '\n';
  const imports = [...base.matchAll(/^import[^;]+;$/gms)].map((m) => m[0]);
  const body = `${[...new Set(imports)].join('\n')}\n${base.replace(/^import[^;]+;$/gms, '')}}\n`;
  let text = body;
  let version = 0;
  const declare =
    'declare function param<T>(name: string, fallback: T): T; declare function display(v: unknown): void; declare function log(m: Record<string, number>, step?: number): void;\n';
  writeFileSync(path.join(dir, 'globals.d.ts'), declare);
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
    skipLibCheck: true,
    noEmit: true,
    paths: {
      radnb: [path.join(repoRoot, 'out', 'types', 'lib', 'index.d.ts')],
      '@tensorflow/tfjs': [path.join(repoRoot, 'node_modules', '@tensorflow', 'tfjs', 'dist', 'index.d.ts')],
    },
  };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [file, path.join(dir, 'globals.d.ts')],
    getScriptVersion: (f) => (f === file ? String(version) : '0'),
    getScriptSnapshot: (f) =>
      f === file
        ? ts.ScriptSnapshot.fromString(text)
        : ts.sys.fileExists(f)
          ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!)
          : undefined,
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host);
  const started = performance.now();
  service.getSemanticDiagnostics(file);
  const coldStartMs = performance.now() - started;
  const memberMs: number[] = [];
  const nameMs: number[] = [];
  const end = body.length - 2; // inside the last block
  for (let i = 0; i < SAMPLES; i++) {
    const word = TYPED_LINES[i % TYPED_LINES.length];
    for (let k = 1; k <= word.length; k++) {
      text = `${body.slice(0, end)}\n${word.slice(0, k)}\n}\n`;
      version++;
      if (k === 1 || word[k - 1] === '.') {
        const asked = performance.now();
        const answer = service.getCompletionsAtPosition(file, end + 1 + k, k > 1 ? { triggerCharacter: '.' } : {});
        (k === 1 ? nameMs : memberMs).push(performance.now() - asked);
        if (!answer || answer.entries.length === 0) throw new Error(`peer: no completions for ${word.slice(0, k)}`);
      }
      service.getSemanticDiagnostics(file); // what the editor asks after each keystroke
    }
  }
  const diagnosticsMs: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    text = i % 2 === 0 ? `${body}const typo: number = 'seven';\n` : body;
    version++;
    const sent = performance.now();
    service.getSemanticDiagnostics(file);
    diagnosticsMs.push(performance.now() - sent);
  }
  return {
    coldStartMs: Math.round(coldStartMs),
    memberCompletionMs: stats(memberMs),
    nameCompletionMs: stats(nameMs),
    diagnosticsOfFileMs: stats(diagnosticsMs),
  };
}

async function main(): Promise<void> {
  const result = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, TypeScript ${ts.version}`,
    notebook: 'notebooks/02-pneumonia-xray.radnb, its cells three times',
    goals: GOALS,
    radnb: await radnb(),
    peerTypeScriptOneFile: peer(),
    vscode: await measureInVSCode(copies),
  };
  writeFileSync(path.join(repoRoot, 'bench', 'results', 'language.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
