// `npm start`: builds radnb and opens it in a local VS Code with the notebooks/ folder — the desktop
// `code` when it is on the PATH, otherwise code-server on 127.0.0.1 (installed on first use) — and keeps
// running until Ctrl-C. Options: --port N (code-server's port, default 8080 or a free one),
// --code-server (use code-server even when `code` exists).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CodeServerError, findOnPath, isPortFree, launchCodeServer, repoRoot } from './codeServer.mjs';

const DEFAULT_PORT = 8080;
const args = process.argv.slice(2);
const portArg = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : undefined;
const forceCodeServer = args.includes('--code-server');

function build() {
  const result = spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`the build failed (node esbuild.js exited with ${result.status})`);
}

function notebooksFolder() {
  const folder = path.join(repoRoot, 'notebooks');
  return existsSync(folder) ? folder : repoRoot;
}

/** Desktop VS Code: a window with radnb as the extension under development; ends when it is closed. */
function startDesktop(code, folder) {
  console.log(`Opening VS Code (${code}) with radnb on ${folder}; close the window or press Ctrl-C to stop.`);
  const child = spawn(code, ['--new-window', '--wait', `--extensionDevelopmentPath=${repoRoot}`, folder], {
    stdio: 'inherit',
  });
  process.on('SIGINT', () => child.kill('SIGTERM'));
  child.on('exit', (status) => process.exit(status ?? 0));
}

/** The port asked for with --port; else 8080 when free; else undefined (code-server gets a free one). */
async function portToUse() {
  if (portArg !== undefined) {
    if (!Number.isInteger(portArg) || portArg <= 0 || portArg > 65535)
      throw new Error(`--port needs a port number, not "${args[args.indexOf('--port') + 1]}"`);
    return portArg;
  }
  return (await isPortFree(DEFAULT_PORT)) ? DEFAULT_PORT : undefined;
}

async function startCodeServer(folder) {
  const server = await launchCodeServer({ folder, port: await portToUse() });
  const url = server.workbenchUrl({ extensionDevelopmentPath: repoRoot });
  console.log(
    `\nradnb is running in VS Code (code-server) — open this URL in your browser:\n\n  ${url}\n\nPress Ctrl-C to stop.`,
  );
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main() {
  build();
  const folder = notebooksFolder();
  const code = forceCodeServer ? undefined : findOnPath('code');
  if (code) startDesktop(code, folder);
  else await startCodeServer(folder);
}

main().catch((error) => {
  console.error(error instanceof CodeServerError ? `Could not start code-server: ${error.message}` : error);
  process.exit(1);
});
