// `npm run test:electron`: the end-to-end suite of test/e2e/suite in desktop VS Code, downloaded by
// @vscode/test-electron into .vscode-test/ — for machines that can reach update.code.visualstudio.com
// (here and in CI the same suite runs under code-server: test/e2e/vscode.test.ts). VSCODE_VERSION
// picks the version (default: the one radnb's engines field names). Linux without a display: run it
// under xvfb-run.
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSuite, makeScratchWorkspace } from '../test/e2e/buildSuite.mjs';
import { repoRoot } from './codeServer.mjs';

const engine = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).engines.vscode.replace(/^\^/, '');
const version = process.env.VSCODE_VERSION || engine;

async function main() {
  const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`the build failed (node esbuild.js exited with ${build.status})`);
  const extensionTestsPath = await buildSuite();
  const workspace = makeScratchWorkspace();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'radnb-vscode-profile-'));
  try {
    await runTests({
      version,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        path.join(profile, 'data'),
        '--extensions-dir',
        path.join(profile, 'extensions'),
      ],
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`test:electron failed (VS Code ${version}): ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
