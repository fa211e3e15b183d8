// Bundles the mocha suite that runs inside VS Code's extension host into one CommonJS file
// (out/test/e2e/suite/index.js): VS Code loads extensionTestsPath with require(), and mocha 12 is an
// ES module, so it is bundled in; only `vscode` (provided by the host) stays external.
import esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Folder to pass as extensionTestsPath. */
export const suiteDir = path.join(repoRoot, 'out', 'test', 'e2e', 'suite');

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
  });
  return suiteDir;
}
