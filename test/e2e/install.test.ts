// radnb installed the way people install it, not run from the repository: the .vsix that
// `npm run package` builds goes into a fresh code-server profile and runs a notebook in a scratch folder
// (tfjs on wasm, the DICOM codecs, the renderers); the tarball of `npm pack` installs the `radnb` command,
// which runs a notebook from another folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { version } from '../../package.json';
import { listZip } from '../../src/medical/npzZip';
import { need, repoRoot } from '../support/env';
import {
  CODE_SERVER_INSTALL_TIMEOUT_MS,
  installCodeServer,
  needVSCode,
  openNotebookFromExplorer,
  openWorkbench,
  runAll,
  screenshotsDir,
  waitForSelectorInFrames,
  waitForTextInFrames,
} from './harness';

before(installCodeServer, { timeout: CODE_SERVER_INSTALL_TIMEOUT_MS });

/** A notebook of code cells, as nbformat JSON. */
function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  });
}

const BACKEND_CELL = `import * as tf from '@tensorflow/tfjs';
const sum = tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0];
\`backend \${tf.getBackend()}, sum \${sum}\``;

// Each codec's Emscripten module loads its .wasm from the package folder.
const CODECS_CELL = `import charls from '@cornerstonejs/codec-charls/decodewasmjs';
import libjpeg from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';
import openjpeg from '@cornerstonejs/codec-openjpeg/decodewasmjs';
import openjph from '@cornerstonejs/codec-openjph/wasmjs';
const loaded = [];
for (const [factory, decoder] of [[charls, 'JpegLSDecoder'], [libjpeg, 'JPEGDecoder'], [openjpeg, 'J2KDecoder'], [openjph, 'HTJ2KDecoder']]) {
  const codec = await factory({ print() {}, printErr() {} }); // its own object: the module fills it in
  loaded.push(typeof codec[decoder] === 'function' ? decoder : \`\${decoder} missing\`);
}
\`codecs \${loaded.join(' ')}\``;

/** Runs, but does not type-check: the editor's language service must find radnb's declarations in the .vsix. */
const TYPED_CELL = `const reader: (file: string) => Promise<number> = readDicom;`;

const DICOM_CELL = `import { readDicom, writePhantomDataset } from 'radnb';
const phantom = await writePhantomDataset('phantom', 1, { size: 64, slices: 2, seed: 3 });
await readDicom(\`phantom/\${phantom.series[0].slices[0]}\`)`;

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout: number }) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
  );
  return result;
}

test(
  'npm run package makes a .vsix that installs into a fresh VS Code and runs notebooks outside the repository',
  { timeout: 600_000 },
  async (t) => {
    if (!needVSCode(t)) return;
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'radnb-vsix-'));
    const vsix = path.join(scratch, `radnb-${version}.vsix`);
    const folder = path.join(scratch, 'workspace');
    mkdirSync(folder);
    try {
      // Offline-safe: vsce packages from node_modules and calls no marketplace.
      run('npm', ['run', 'package', '--', '--out', vsix], { cwd: repoRoot, timeout: 300_000 });
      const members = listZip(readFileSync(vsix), vsix).map((m) => m.name);
      t.diagnostic(
        `${path.basename(vsix)}: ${(statSync(vsix).size / 2 ** 20).toFixed(1)} MiB, ${members.length} files`,
      );
      const topLevel = new Set(members.filter((m) => m.startsWith('extension/')).map((m) => m.split('/')[1]));
      assert.deepEqual(
        [...topLevel].sort(),
        ['changelog.md', 'media', 'node_modules', 'out', 'package.json', 'readme.md'],
        'only what the extension runs',
      );
      for (const needed of [
        'extension/out/extension/extension.js',
        'extension/out/kernel/main.js',
        'extension/out/renderers/main.js',
        'extension/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
        'extension/node_modules/@cornerstonejs/codec-charls/dist/charlswasm_decode.wasm',
        'extension/node_modules/esbuild/package.json',
        'extension/out/language/worker.js',
        'extension/out/types/lib/index.d.ts',
        'extension/out/types/kernelGlobals.global.d.ts',
        'extension/node_modules/typescript/lib/typescript.js',
        'extension/node_modules/typescript/lib/lib.es2023.d.ts',
        'extension/node_modules/@types/node/index.d.ts',
      ]) {
        assert.ok(members.includes(needed), `${needed} is in the .vsix`);
      }
      for (const devTool of [
        '@vscode/vsce',
        'playwright-core',
        'mocha',
        'tsx',
        '@vscode/test-electron',
        '@vscode/ripgrep',
      ]) {
        assert.ok(
          !members.some((m) => m.startsWith(`extension/node_modules/${devTool}/`)),
          `dev tool ${devTool} is not in the .vsix`,
        );
      }
      assert.ok(
        !members.some((m) => m.startsWith('extension/out/test/')),
        'not the end-to-end suite built into out/test',
      );

      writeFileSync(
        path.join(folder, 'installed.radnb'),
        notebook([BACKEND_CELL, CODECS_CELL, DICOM_CELL, TYPED_CELL]),
      );
      const workbench = await openWorkbench({ folder, extensions: [vsix], viewport: { width: 1400, height: 2000 } });
      const { page } = workbench;
      try {
        await openNotebookFromExplorer(page, 'installed.radnb');
        await runAll(page);
        await waitForTextInFrames(page, 'backend wasm, sum 6', 120_000);
        await waitForTextInFrames(page, 'codecs JpegLSDecoder JPEGDecoder J2KDecoder HTJ2KDecoder', 60_000);
        await waitForSelectorInFrames(page, 'canvas.radnb-dicom-canvas', 60_000);
        // The language service runs from the .vsix too: the type error names radnb's own DicomImage.
        await page.keyboard.press('Control+Shift+M');
        await page
          .locator('.markers-panel .monaco-list-row', { hasText: 'Promise<DicomImage>' })
          .first()
          .waitFor({ timeout: 90_000 });
        mkdirSync(screenshotsDir, { recursive: true });
        await page.screenshot({ path: path.join(screenshotsDir, 'installed-vsix.png') });
      } catch (error) {
        mkdirSync(screenshotsDir, { recursive: true });
        await page.screenshot({ path: path.join(screenshotsDir, 'installed-vsix-failure.png') }).catch(() => {});
        throw error;
      } finally {
        await workbench.close();
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
);

test(
  'the radnb command installs from the npm pack tarball and runs a notebook from any folder',
  { timeout: 600_000 },
  (t) => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'radnb-cli-install-'));
    try {
      run(process.execPath, ['esbuild.js'], { cwd: repoRoot, timeout: 120_000 });
      const packed = run('npm', ['pack', '--pack-destination', scratch, '--silent'], {
        cwd: repoRoot,
        timeout: 120_000,
      });
      const tarball = path.join(scratch, packed.stdout.trim().split('\n').at(-1)!);
      const prefix = path.join(scratch, 'prefix');
      const install = spawnSync(
        'npm',
        ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
        {
          cwd: scratch,
          encoding: 'utf8',
          timeout: 480_000,
        },
      );
      const offline = install.status !== 0 && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(install.stderr);
      if (
        !need(
          t,
          !offline,
          `the npm registry for the dependencies (npm install failed: ${install.stderr.trim().split('\n').at(-1)})`,
        )
      )
        return;
      assert.equal(install.status, 0, `npm install -g ${path.basename(tarball)} failed:\n${install.stderr}`);
      const radnb = path.join(prefix, 'bin', 'radnb');

      const notebookDir = path.join(scratch, 'notebooks');
      const elsewhere = path.join(scratch, 'elsewhere');
      mkdirSync(notebookDir);
      mkdirSync(elsewhere);
      writeFileSync(path.join(notebookDir, 'nb.radnb'), notebook([BACKEND_CELL, CODECS_CELL, DICOM_CELL]));
      run(radnb, ['run', '../notebooks/nb.radnb', '--out', 'ran.radnb'], { cwd: elsewhere, timeout: 180_000 });
      type Saved = { cells: { outputs: { data?: Record<string, string | string[]> }[] }[] };
      const { cells } = JSON.parse(readFileSync(path.join(elsewhere, 'ran.radnb'), 'utf8')) as Saved;
      const text = (i: number): string =>
        cells[i].outputs.map((o) => [o.data?.['text/plain'] ?? ''].flat().join('')).join('\n');
      assert.match(text(0), /backend wasm, sum 6/);
      assert.match(text(1), /codecs JpegLSDecoder JPEGDecoder J2KDecoder HTJ2KDecoder/);
      assert.ok(
        cells[2].outputs.some((o) => o.data?.['application/vnd.radnb.dicom']),
        'the DICOM image is an output for the viewer',
      );
      assert.ok(readdirSync(path.join(notebookDir, 'phantom')).length > 0, 'cells ran in the notebook folder');
      t.diagnostic(`installed from ${path.basename(tarball)} into a temporary prefix`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
);
