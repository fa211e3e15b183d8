// More of what notebook users rely on, in a real VS Code: declarations that persist, imports from the
// notebook's folder (CommonJS and ES modules) and of tfjs/radnb without installing, display() with live
// updates and custom rich display, and a cap on huge outputs.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KERNEL_FIXTURE } from './kernelCells.spec';
import { describeOnNotebook, describeOutputs, outputText, plainValue } from './notebookDriver';

export function registerNotebookFeatureTests(): void {
  describeOnNotebook('radnb notebook features in VS Code', KERNEL_FIXTURE, (notebook) => {
    it('keeps function and class declarations for later cells', async () => {
      await notebook().run(
        'function double(n: number): number {\n  return 2 * n;\n}\nclass Scan {\n  constructor(readonly slices: number) {}\n}',
      );
      const { cell } = await notebook().run('double(new Scan(21).slices)');
      assert.equal(plainValue(cell), '42');
    });

    it("imports CommonJS and ES module packages from the notebook's node_modules", async () => {
      writePackage('e2e-cjs', { main: 'index.js' }, "exports.modality = () => 'CT';\n");
      writePackage('e2e-esm', { type: 'module', exports: './index.js' }, "export const modality = () => 'MR';\n");
      const { cell } = await notebook().run(
        "import { modality as cjs } from 'e2e-cjs';\nimport { modality as esm } from 'e2e-esm';\n`${cjs()} ${esm()}`",
      );
      assert.equal(plainValue(cell), 'CT MR', describeOutputs(cell));
    });

    it('imports @tensorflow/tfjs and radnb with nothing installed in the notebook folder', async () => {
      const { cell } = await notebook().run(
        "import * as tf from '@tensorflow/tfjs';\nimport * as radnb from 'radnb';\nconst sum = tf.tensor1d([1, 2, 3]).sum().dataSync()[0];\n`${sum} ${typeof radnb.readDicom}`",
        120_000,
      );
      assert.equal(plainValue(cell), '6 function', describeOutputs(cell));
    });

    it('updates a displayed output in place and uses rich display methods', async () => {
      const { cell } = await notebook().run(
        [
          "const progress = display('step 1');",
          'await new Promise((resolve) => setTimeout(resolve, 100));',
          "display.update(progress, 'step 2 of 2');",
          "display({ [Symbol.for('radnb.display')]: () => ({ 'text/html': '<b>rich</b>', 'text/plain': 'plain fallback' }) });",
        ].join('\n'),
      );
      const texts = outputText(cell);
      assert.match(texts, /step 2 of 2/);
      assert.doesNotMatch(texts, /step 1/, 'the first display was replaced, not appended');
      const html = cell.outputs.flatMap((o) => o.items).find((i) => i.mime === 'text/html');
      assert.equal(html && new TextDecoder().decode(html.data), '<b>rich</b>', describeOutputs(cell));
    });

    it('display.clear removes the outputs so far, at once or with the next output', async () => {
      const { cell } = await notebook().run(
        "console.log('first');\ndisplay('shown before');\ndisplay.clear();\nfor (let i = 1; i <= 3; i++) { display.clear(true); display(`step ${i}`); }",
      );
      const texts = outputText(cell);
      assert.doesNotMatch(texts, /first|shown before|step 1|step 2/, describeOutputs(cell));
      assert.match(texts, /step 3/);
    });

    it('caps a huge output with a note instead of freezing the editor', async () => {
      const { cell } = await notebook().run("'x'.repeat(20 * 1024 * 1024)");
      const bytes = cell.outputs.flatMap((o) => o.items).reduce((sum, item) => sum + item.data.byteLength, 0);
      assert.ok(bytes <= 8 * 1024 * 1024 + 4096, `outputs hold ${bytes} bytes`);
      assert.match(outputText(cell), /output truncated/);
    });
  });
}

function writePackage(name: string, manifest: Record<string, unknown>, source: string): void {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the end-to-end suite needs a workspace folder');
  const dir = path.join(folder.uri.fsPath, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }));
  writeFileSync(path.join(dir, 'index.js'), source);
}
