// `radnb jupyter install/list/uninstall`: a kernelspec Jupyter itself finds, in a temporary prefix only.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runJupyterCommand } from '../../src/cli/jupyter';
import { installKernelSpec, kernelSpecDir, listKernelSpecs, uninstallKernelSpec } from '../../src/jupyter/kernelspec';
import { need, repoRoot } from '../support/env';
import { readPng } from '../support/pngReader';

function sandbox() {
  const root = mkdtempSync(path.join(tmpdir(), 'radnb-kernelspec-'));
  const prefix = path.join(root, 'prefix');
  // Jupyter's own user folder is replaced too, so nothing outside the sandbox is read or written.
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: path.join(root, 'user-data'),
  };
  return { root, prefix, env };
}

test('install --prefix writes kernel.json and logos where Jupyter looks, starting this radnb with this Node.js', () => {
  const { prefix } = sandbox();
  const dir = installKernelSpec({ kind: 'prefix', prefix });
  assert.equal(dir, path.join(prefix, 'share', 'jupyter', 'kernels', 'radnb'));
  const spec = JSON.parse(readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
  assert.deepEqual(spec.argv, [
    process.execPath,
    path.join(repoRoot, 'out', 'cli', 'radnb.js'),
    'jupyter',
    'kernel',
    '-f',
    '{connection_file}',
  ]);
  assert.equal(spec.display_name, 'TypeScript (radnb)');
  assert.equal(spec.language, 'typescript');
  assert.equal(spec.interrupt_mode, 'message');
  for (const size of [32, 64]) {
    const logo = readPng(readFileSync(path.join(dir, `logo-${size}x${size}.png`)));
    assert.deepEqual([logo.width, logo.height], [size, size]);
  }
});

test('list shows each radnb kernelspec in search order and which one is broken; uninstall removes it', async () => {
  const { root, prefix, env } = sandbox();
  installKernelSpec({ kind: 'prefix', prefix });
  installKernelSpec({ kind: 'user' }, env);
  const broken = kernelSpecDir(path.join(root, 'broken', 'share', 'jupyter'));
  mkdirSync(broken, { recursive: true });
  writeFileSync(
    path.join(broken, 'kernel.json'),
    JSON.stringify({ argv: [process.execPath, '/gone/radnb.js'], display_name: 'x', language: 'typescript' }),
  );
  const specs = listKernelSpecs({
    ...env,
    JUPYTER_PATH: [env.JUPYTER_PATH, path.join(root, 'broken', 'share', 'jupyter')].join(path.delimiter),
  });
  assert.deepEqual(
    specs.map((s) => s.dir),
    [kernelSpecDir(env.JUPYTER_PATH), broken, kernelSpecDir(env.JUPYTER_DATA_DIR)],
  );
  assert.equal(specs[0].problem, undefined);
  assert.equal(specs[1].problem, '/gone/radnb.js does not exist');
  assert.equal(uninstallKernelSpec({ kind: 'prefix', prefix }), kernelSpecDir(env.JUPYTER_PATH));
  assert.equal(existsSync(kernelSpecDir(env.JUPYTER_PATH)), false);
  assert.equal(uninstallKernelSpec({ kind: 'prefix', prefix }), undefined);
  const lines: string[] = [];
  assert.equal(
    await runJupyterCommand(['uninstall', '--prefix', prefix], {
      stdout: (l) => lines.push(l),
      stderr: (l) => lines.push(l),
    }),
    1,
  );
  assert.match(lines[0], /no radnb kernelspec is installed there/);
});

test("Jupyter's own kernelspec manager finds the installed radnb kernel", (t) => {
  const { prefix, env } = sandbox();
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import jupyter_client'], { encoding: 'utf8' });
  if (!need(t, probe.status === 0, 'Debian python3-jupyter-client')) return;
  const cli = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'out', 'cli', 'radnb.js'), 'jupyter', 'install', '--prefix', prefix],
    { encoding: 'utf8', env },
  );
  assert.equal(cli.status, 0, cli.stderr);
  const listed = spawnSync('/usr/bin/python3', ['-m', 'jupyter_client.kernelspecapp', 'list', '--json'], {
    encoding: 'utf8',
    env,
  });
  assert.equal(listed.status, 0, listed.stderr);
  const specs = JSON.parse(listed.stdout).kernelspecs;
  assert.equal(specs.radnb.resource_dir, kernelSpecDir(env.JUPYTER_PATH));
  assert.equal(specs.radnb.spec.display_name, 'TypeScript (radnb)');
});

test('install refuses two targets at once and unknown subcommands are named', async () => {
  const io = { stdout: () => undefined, stderr: () => undefined };
  await assert.rejects(
    runJupyterCommand(['install', '--user', '--prefix', '/tmp/x'], io),
    /choose one of --user, --sys-prefix and --prefix/,
  );
  await assert.rejects(runJupyterCommand(['frobnicate'], io), /unknown subcommand 'frobnicate'/);
  await assert.rejects(runJupyterCommand(['kernel'], io), /needs -f CONNECTION_FILE/);
});
