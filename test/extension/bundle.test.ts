// The extension host must never load tfjs, codecs or any medical code: they live in the kernel process.
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/env';

test('the extension bundle requires only vscode and Node built-ins', () => {
  const bundle = readFileSync(path.join(repoRoot, 'out', 'extension', 'extension.js'), 'utf8');
  const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  assert.ok(required.includes('vscode'));
  const foreign = required.filter((r) => r !== 'vscode' && !builtinModules.includes(r.replace(/^node:/, '')));
  assert.deepEqual(foreign, []);
  // No dynamic import() either: every module the host loads is listed above.
  assert.doesNotMatch(bundle, /\bimport\(/);
});

test("package.json declares the notebook type, both controllers' activation and the renderer", () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  assert.equal(pkg.contributes.notebooks[0].type, 'radnb');
  assert.deepEqual(pkg.contributes.notebooks[0].selector, [{ filenamePattern: '*.radnb' }]);
  assert.ok(pkg.activationEvents.includes('onNotebook:jupyter-notebook'));
  assert.equal(pkg.contributes.notebookRenderer[0].id, 'radnb.renderer');
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
});
