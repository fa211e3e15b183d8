// What the mocha suite running inside VS Code's extension host needs on disk, for every launcher
// (code-server in test/e2e/vscode.test.ts, desktop VS Code in scripts/test-electron.mjs): its bundle and
// a scratch workspace with the fixture notebooks.
import esbuild from 'esbuild';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Folder to pass as extensionTestsPath. */
export const suiteDir = path.join(repoRoot, 'out', 'test', 'e2e', 'suite');

/**
 * Bundles the suite into one CommonJS file (out/test/e2e/suite/index.js): VS Code loads extensionTestsPath
 * with require(), and mocha 12 is an ES module, so it is bundled in; only `vscode` stays external.
 */
export async function buildSuite() {
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test', 'e2e', 'suite', 'index.ts')],
    outfile: path.join(suiteDir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'warning',
    // mocha's parallel mode require.resolve()s worker files; the suite runs serially and never loads them.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return suiteDir;
}

/** A temporary copy of test/e2e/fixtures, so nothing the tests or the kernel write lands in the repository. */
export function makeScratchWorkspace() {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'radnb-e2e-workspace-'));
  cpSync(path.join(repoRoot, 'test', 'e2e', 'fixtures'), workspace, { recursive: true });
  return workspace;
}
