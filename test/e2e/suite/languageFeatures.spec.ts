// The editor knows the notebook, checked in a real VS Code through the same provider commands the editor
// calls as a person types: completions, hover, signature help and go to definition that read the cells
// above, type errors as diagnostics, and the live kernel's values where types end.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { record } from './measurements';
import { describeOnNotebook, describeOutputs, waitFor } from './notebookDriver';

export const EDITOR_FIXTURE = 'editor.radnb';
const RADNB_LANGUAGE = 'radnb-typescript';

/** The language service's first answer waits for TypeScript to load tfjs' and Node's declarations. */
const FIRST_ANSWER_MS = 60_000;

async function completionLabels(
  cell: vscode.NotebookCell,
  position: vscode.Position,
  trigger?: string,
): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    cell.document.uri,
    position,
    trigger,
  );
  return list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
}

/** Asks until the answer satisfies `done` (the first answers come while the language service starts). */
async function eventually<T>(ask: () => Thenable<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  const deadline = Date.now() + FIRST_ANSWER_MS;
  while (Date.now() < deadline) {
    last = await ask();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}; last answer: ${JSON.stringify(last)}`);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
    .join('\n');
}

export function registerLanguageFeatureTests(): void {
  describeOnNotebook('the editor knows the notebook', EDITOR_FIXTURE, (notebook) => {
    it('gives radnb cells their own language, also cells added as plain TypeScript', async () => {
      const first = notebook()
        .document.getCells()
        .find((c) => c.kind === vscode.NotebookCellKind.Code);
      assert.equal(first?.document.languageId, RADNB_LANGUAGE);
      const added = await notebook().append('spacing;', 'typescript');
      await waitFor(
        () => notebook().document.cellAt(added.index).document.languageId === RADNB_LANGUAGE,
        10_000,
        () => `cell language ${added.document.languageId}`,
      );
    });

    it("completes a value's members in a later cell, through the earlier cell's imports", async () => {
      const cell = await notebook().append('model.');
      const started = Date.now();
      const labels = await eventually(
        () => completionLabels(cell, new vscode.Position(0, 6), '.'),
        (l) => l.includes('predict'),
        'model. to offer predict',
      );
      record('first completion across cells (language service start)', Date.now() - started);
      assert.ok(labels.includes('countParams') && labels.includes('layers'), labels.slice(0, 40).join(', '));
      const spacing = await notebook().append('spacing.');
      assert.deepEqual((await completionLabels(spacing, new vscode.Position(0, 8), '.')).sort(), ['colMm', 'rowMm']);
    });

    it('squiggles a type error and nothing on valid code', async () => {
      const valid = await notebook().append('const width: number = spacing.colMm * 512;');
      const wrong = await notebook().append("const n: number = 'text';");
      const errors = await eventually(
        async () => vscode.languages.getDiagnostics(wrong.document.uri),
        (d) => d.length > 0,
        'a diagnostic on the type error',
      );
      assert.deepEqual(
        errors.map((d) => [d.range.start.line, d.range.start.character, d.severity, d.code, d.source, d.message]),
        [
          [
            0,
            6,
            vscode.DiagnosticSeverity.Error,
            'TS2322',
            'radnb',
            "Type 'string' is not assignable to type 'number'.",
          ],
        ],
      );
      assert.deepEqual(vscode.languages.getDiagnostics(valid.document.uri), [], 'valid code has no squiggle');
    });

    it("hover shows a name's type from the cell that declared it, and the kernel globals' documentation", async () => {
      const cell = await notebook().append("spacing.rowMm;\nconst fast = param('fast', false);");
      const hovers = await eventually(
        () =>
          vscode.commands.executeCommand<vscode.Hover[]>(
            'vscode.executeHoverProvider',
            cell.document.uri,
            new vscode.Position(0, 2),
          ),
        (h) => hoverText(h).includes('spacing'),
        'a hover on spacing',
      );
      assert.match(hoverText(hovers), /const spacing: \{\s*rowMm: number;\s*colMm: number;\s*\}/);
      const param = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        cell.document.uri,
        new vscode.Position(1, 15),
      );
      assert.match(hoverText(param), /A parameter of this run/);
    });

    it('signature help for a radnb function shows its parameters and documentation', async () => {
      const cell = await notebook().append('readDicom(');
      const help = await eventually(
        () =>
          vscode.commands.executeCommand<vscode.SignatureHelp>(
            'vscode.executeSignatureHelpProvider',
            cell.document.uri,
            new vscode.Position(0, 10),
            '(',
          ),
        (h) => (h?.signatures.length ?? 0) > 0,
        'signature help for readDicom(',
      );
      assert.equal(help.signatures[0].label, 'readDicom(file: string, options?: ReadOptions): Promise<DicomImage>');
      const doc = help.signatures[0].documentation;
      assert.match(typeof doc === 'string' ? doc : (doc?.value ?? ''), /Reads a DICOM file/);
    });

    it('go to definition lands in the earlier cell that declared the name', async () => {
      const first = notebook()
        .document.getCells()
        .find((c) => c.kind === vscode.NotebookCellKind.Code);
      const cell = await notebook().append('model.summary();');
      const locations = await eventually(
        () =>
          vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
            'vscode.executeDefinitionProvider',
            cell.document.uri,
            new vscode.Position(0, 2),
          ),
        (l) => l.length > 0,
        'a definition of model',
      );
      const target = locations[0];
      const uri = 'uri' in target ? target.uri : target.targetUri;
      const range = 'range' in target ? target.range : target.targetRange;
      assert.equal(uri.toString(), first?.document.uri.toString());
      assert.deepEqual([range.start.line, range.start.character], [2, 6]);
    });

    it('a 10,000-line cell and a cell that does not parse leave the others answered', async () => {
      await notebook().append(Array.from({ length: 10_000 }, (_, i) => `const v${i}: number = ${i};`).join('\n'));
      const broken = await notebook().append('const half = { ;');
      const cell = await notebook().append('spacing.');
      const started = Date.now();
      const labels = await eventually(
        () => completionLabels(cell, new vscode.Position(0, 8), '.'),
        (l) => l.includes('rowMm'),
        'spacing. after a huge cell',
      );
      record('completion with a 10,000-line cell above', Date.now() - started);
      assert.deepEqual(labels.sort(), ['colMm', 'rowMm']);
      const errors = await eventually(
        async () => vscode.languages.getDiagnostics(broken.document.uri),
        (d) => d.length > 0,
        'a syntax error on the broken cell',
      );
      assert.ok(
        errors.some((d) => d.code === 'TS1109' || d.code === 'TS1136'),
        errors.map((d) => `${d.code} ${d.message}`).join('; '),
      );
    });

    it("after a run, hover shows a variable's live value, and completions of an untyped value come from the kernel", async () => {
      const first = notebook()
        .document.getCells()
        .find((c) => c.kind === vscode.NotebookCellKind.Code);
      assert.ok(first);
      await notebook().runCell(first, 120_000);
      assert.equal(first.executionSummary?.success, true, describeOutputs(first));
      const loose = await notebook().run("const loaded: any = { organ: 'lung', slices: 12 };");
      assert.equal(loose.cell.executionSummary?.success, true, describeOutputs(loose.cell));
      const cell = await notebook().append('model;\nloaded.');
      const hovers = await eventually(
        () =>
          vscode.commands.executeCommand<vscode.Hover[]>(
            'vscode.executeHoverProvider',
            cell.document.uri,
            new vscode.Position(0, 2),
          ),
        (h) => hoverText(h).includes('Live value'),
        'a live value in the hover on model',
      );
      assert.match(hoverText(hovers), /parameters, \d+ layers/);
      const labels = await eventually(
        () => completionLabels(cell, new vscode.Position(1, 7), '.'),
        (l) => l.includes('organ'),
        'loaded. to offer organ',
      );
      assert.ok(labels.includes('slices'), labels.join(', '));
    });
  });

  describe('a Jupyter notebook run by radnb', function () {
    this.timeout(FIRST_ANSWER_MS * 2);
    it('gives its TypeScript cells the notebook-wide language service once radnb is its kernel', async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder);
      const document = await vscode.workspace.openNotebookDocument(vscode.Uri.joinPath(folder.uri, 'editor.ipynb'));
      await vscode.window.showNotebookDocument(document);
      const languages = () => document.getCells().map((c) => c.document.languageId);
      assert.deepEqual(languages(), ['typescript', 'typescript']);
      await vscode.commands.executeCommand('notebook.selectKernel', {
        id: 'radnb-kernel-jupyter',
        extension: 'radnb.radnb',
      });
      await waitFor(
        () => languages().every((l) => l === RADNB_LANGUAGE),
        10_000,
        () => `cell languages ${languages().join(', ')}`,
      );
      const second = document.cellAt(1);
      const labels = await eventually(
        () => completionLabels(second, new vscode.Position(0, 7), '.'),
        (l) => l.includes('lung'),
        'organs. to offer lung',
      );
      assert.deepEqual(labels.sort(), ['heart', 'lung']);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });
}
