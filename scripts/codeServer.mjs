// A real VS Code without a desktop: code-server, fetched on demand into the git-ignored .cache/ (like
// @vscode/test-electron keeps VS Code in .vscode-test/) — it is ~300 MB with native builds, so it never
// becomes a dependency of the extension. Used by `npm start` and by the end-to-end tests.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** 4.100.3 (VS Code 1.100.3) is the newest code-server whose engine is Node 20. */
export const codeServerVersion = '4.100.3';
const cacheDir = path.join(repoRoot, '.cache', 'code-server', codeServerVersion);
const packageDir = path.join(cacheDir, 'code-server');
const entryScript = path.join(packageDir, 'out', 'node', 'entry.js');
const installedMarker = path.join(cacheDir, 'installed');
/** Where VS Code's @vscode/ripgrep 1.15.11 looks for the ripgrep release it would download from GitHub. */
const RIPGREP_CACHE_DIR = 'vscode-ripgrep-cache-1.15.11';
/** Its release targets, by the platforms code-server runs on. */
const RIPGREP_TARGETS = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
};

export class CodeServerError extends Error {}

/** Installs code-server into the cache once; returns the path of its entry script. */
export function ensureCodeServer({ log = console.error } = {}) {
  if (existsSync(installedMarker) && existsSync(entryScript)) return entryScript;
  const rg = ripgrepBinary();
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'radnb-code-server-install-'));
  try {
    seedRipgrep(rg, tmp);
    log(`Installing code-server@${codeServerVersion} into ${path.relative(repoRoot, cacheDir)} (2–3 minutes, once)…`);
    const started = Date.now();
    // Unpacked and installed as a project of its own (not `npm install -g`), so that its postinstall —
    // which installs VS Code's modules with nested `npm install`s — runs as the root project's script.
    run('npm', ['pack', '--silent', '--pack-destination', tmp, `code-server@${codeServerVersion}`], repoRoot, tmp);
    run('tar', ['-xzf', path.join(tmp, `code-server-${codeServerVersion}.tgz`), '-C', tmp], repoRoot, tmp);
    renameSync(path.join(tmp, 'package'), packageDir);
    makeKerberosOptional(path.join(packageDir, 'lib', 'vscode'));
    const result = spawnSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: packageDir,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        TMPDIR: tmp,
        // code-server's postinstall refuses to run as root without it.
        npm_config_unsafe_perm: 'true',
        // node-pty's postinstall runs npx, which would otherwise wait for a "yes".
        npm_config_yes: 'true',
        // The nested installs build VS Code's native modules (node-pty, kerberos, @parcel/watcher, spdlog, …);
        // npm 11 blocks dependency scripts unless allowed and those nested projects have no allowScripts,
        // so allow them for this install only.
        npm_config_dangerously_allow_all_scripts: 'true',
      },
    });
    if (result.status !== 0 || !existsSync(entryScript)) {
      throw new CodeServerError(
        `Installing code-server@${codeServerVersion} from the npm registry failed (exit ${result.status}). ` +
          'It needs the npm registry (offline?) and a C/C++ toolchain with Python 3 for its native modules; see the log above.',
      );
    }
    writeFileSync(installedMarker, `${new Date().toISOString()}\n`);
    log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return entryScript;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The rg binary of the npm package @vscode/ripgrep (a dev dependency: its platform package holds the
 *  binary inside its tarball, so nothing is fetched from GitHub and no system ripgrep is needed). */
function ripgrepBinary() {
  const target = RIPGREP_TARGETS[`${process.platform}-${process.arch}`];
  if (!target) throw new CodeServerError(`code-server is not available for ${process.platform}-${process.arch} here`);
  let rgPath;
  try {
    // Resolved the way @vscode/ripgrep's own (ES module) index finds it, from its platform package.
    const fromRipgrep = createRequire(createRequire(import.meta.url).resolve('@vscode/ripgrep'));
    rgPath = fromRipgrep.resolve(`@vscode/ripgrep-${process.platform}-${process.arch}/bin/rg`);
  } catch (error) {
    throw new CodeServerError(
      `the ripgrep binary of @vscode/ripgrep is missing (run \`npm install\` first): ${error.message}`,
    );
  }
  return { rgPath, target };
}

/** Puts that rg where VS Code's @vscode/ripgrep postinstall looks for its cached download. */
function seedRipgrep({ rgPath, target }, tmp) {
  const dir = path.join(tmp, RIPGREP_CACHE_DIR);
  const stage = path.join(tmp, 'rg-stage');
  mkdirSync(dir, { recursive: true });
  mkdirSync(stage, { recursive: true });
  copyFileSync(rgPath, path.join(stage, 'rg'));
  // The release tarballs hold `rg` at their root; it is unpacked into @vscode/ripgrep/bin/.
  run('tar', ['-czf', path.join(dir, `ripgrep-v13.0.0-10-${target}.tar.gz`), '-C', stage, 'rg'], repoRoot, tmp);
}

/** VS Code loads kerberos only for Kerberos proxy authentication, and it builds only where the Kerberos
 *  headers are installed (Debian libkrb5-dev): as an optional dependency a failed build is left out. */
function makeKerberosOptional(vscodeDir) {
  const edit = (file, change) => {
    if (!existsSync(file)) return;
    const json = JSON.parse(readFileSync(file, 'utf8'));
    change(json);
    writeFileSync(file, JSON.stringify(json, null, 2));
  };
  const moveToOptional = (manifest) => {
    if (!manifest.dependencies?.kerberos) return;
    manifest.optionalDependencies = { ...manifest.optionalDependencies, kerberos: manifest.dependencies.kerberos };
    delete manifest.dependencies.kerberos;
  };
  edit(path.join(vscodeDir, 'package.json'), moveToOptional);
  edit(path.join(vscodeDir, 'npm-shrinkwrap.json'), (lock) => {
    moveToOptional(lock.packages['']);
    if (lock.packages['node_modules/kerberos']) lock.packages['node_modules/kerberos'].optional = true;
  });
}

function run(command, args, cwd, tmp) {
  const result = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, TMPDIR: tmp },
  });
  if (result.status !== 0) {
    throw new CodeServerError(
      `\`${command} ${args.join(' ')}\` failed (exit ${result.status}) while installing code-server — offline?`,
    );
  }
}

export function findOnPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Whether `port` on 127.0.0.1 can be listened on. */
export function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on 127.0.0.1 with `folder` open. Settings, extensions and caches live in a fresh
 * temporary profile so runs never touch the user's own. Resolves once the server answers HTTP.
 * @param {import('./codeServer.d.mts').LaunchOptions} options
 * @returns {Promise<import('./codeServer.d.mts').RunningCodeServer>}
 */
export async function launchCodeServer({
  folder,
  port,
  settings = {},
  env = {},
  trusted = true,
  extensions = [],
  log = () => {},
}) {
  const entry = ensureCodeServer();
  const host = '127.0.0.1';
  const chosenPort = port ?? (await freePort());
  const profile = mkdtempSync(path.join(os.tmpdir(), 'radnb-code-server-'));
  const dirs = Object.fromEntries(
    ['data', 'extensions', 'config', 'cache', 'state', 'tmp'].map((d) => [d, path.join(profile, d)]),
  );
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const profileEnv = {
    XDG_CONFIG_HOME: dirs.config,
    XDG_CACHE_HOME: dirs.cache,
    XDG_STATE_HOME: dirs.state,
    XDG_DATA_HOME: dirs.data,
    TMPDIR: dirs.tmp,
  };
  for (const vsix of extensions) {
    const installed = spawnSync(
      process.execPath,
      [entry, '--install-extension', vsix, '--user-data-dir', dirs.data, '--extensions-dir', dirs.extensions],
      {
        encoding: 'utf8',
        env: { ...process.env, ...profileEnv },
      },
    );
    if (installed.status !== 0) {
      rmSync(profile, { recursive: true, force: true });
      throw new CodeServerError(
        `code-server --install-extension ${vsix} failed (exit ${installed.status}):\n${installed.stdout}${installed.stderr}`,
      );
    }
    log(installed.stdout.trim());
  }
  mkdirSync(path.join(dirs.data, 'User'), { recursive: true });
  writeFileSync(
    path.join(dirs.data, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        // An untrusted folder stays in Restricted Mode without a modal prompt in the way.
        ...(trusted ? {} : { 'security.workspace.trust.startupPrompt': 'never' }),
        ...settings,
      },
      null,
      2,
    ),
  );
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `${host}:${chosenPort}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(trusted ? ['--disable-workspace-trust'] : []),
    '--user-data-dir',
    dirs.data,
    '--extensions-dir',
    dirs.extensions,
    folder,
  ];
  const child = spawn(process.execPath, args, {
    detached: true, // its own process group, so stop() also ends the extension host and the kernels
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...profileEnv, ...env },
  });
  let output = ''; // the tail, for the error when it fails to start
  const collect = (chunk) => {
    output = (output + chunk).slice(-8000);
    for (const line of String(chunk).split('\n')) if (line.trim()) log(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the whole group is gone already
    }
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    // Whatever outlived the server (a kernel stuck in a native call, its children) goes too.
    signalGroup('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  };

  const origin = `http://${host}:${chosenPort}`;
  await Promise.race([
    waitForHttp(`${origin}/healthz`, 60_000),
    exited.then(({ code, signal }) => {
      throw new CodeServerError(`code-server exited early (code ${code}, signal ${signal}):\n${output.slice(-4000)}`);
    }),
  ]).catch(async (error) => {
    await stop();
    throw error;
  });
  return { origin, stop, workbenchUrl: (options) => workbenchUrl(origin, { folder, ...options }) };
}

/**
 * The workbench URL that opens `folder`, with the extension under development loaded (and its tests run)
 * through the same `payload` parameter that @vscode/test-web uses.
 * @param {string} origin
 * @param {{ folder: string, extensionDevelopmentPath?: string, extensionTestsPath?: string }} options
 */
export function workbenchUrl(origin, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://${new URL(origin).host}${p}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const query = new URLSearchParams({ folder });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${origin}/?${query}`;
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new CodeServerError(`code-server did not answer ${url} within ${timeoutMs / 1000} s`);
}
