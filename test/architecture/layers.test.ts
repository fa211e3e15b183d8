// Data flows one way (README, Architecture): each folder of src/ may import only the layers below it, the
// extension host reaches nothing of tfjs or DICOM, and shared contracts live in src/common. This reads every
// import of every src file (type-only, dynamic and require() too) and checks it against one table.
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from '../support/env';

type Layer =
  | 'extension'
  | 'kernel'
  | 'common'
  | 'renderers'
  | 'display'
  | 'medical'
  | 'cnn'
  | 'cli'
  | 'lib'
  | 'language'
  | 'jupyter';

/** Besides itself, what each layer may import: a whole layer, or one file of it ('kernel/client.ts'). */
const MAY_IMPORT: Record<Layer, readonly string[]> = {
  common: [],
  renderers: ['common'],
  display: ['common'],
  medical: ['common'],
  cnn: ['common', 'display'],
  kernel: ['common'],
  lib: ['common', 'display', 'medical', 'cnn'],
  language: ['common'],
  jupyter: ['common', 'kernel/client.ts', 'language'],
  cli: ['common', 'medical', 'kernel/client.ts', 'language', 'jupyter'],
  extension: ['common', 'kernel/client.ts', 'language'],
};

const isBuiltin = (spec: string): boolean => spec.startsWith('node:') || builtinModules.includes(spec);

/** Packages a layer may import, where it is restricted: the webview has no Node, the host and contracts no tfjs. */
const MAY_IMPORT_PACKAGE: Partial<Record<Layer, (spec: string) => boolean>> = {
  common: isBuiltin,
  renderers: (spec) => spec === 'vscode-notebook-renderer',
  extension: (spec) => spec === 'vscode' || isBuiltin(spec),
};

/** Imports of one file, as written: relative paths and package names. */
type ImportMap = ReadonlyMap<string, readonly string[]>;

const SRC = 'src';
const EXTENSIONS = ['', '.ts', '.d.ts', '/index.ts'];

function layerOf(file: string): Layer | undefined {
  const [top, layer] = file.split('/');
  return top === SRC && layer in MAY_IMPORT ? (layer as Layer) : undefined;
}

/** The repository path a relative import names (first existing candidate, else the plain join). */
function resolveRelative(from: string, spec: string, exists: (file: string) => boolean): string {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  return EXTENSIONS.map((ext) => base + ext).find(exists) ?? base;
}

/** Every import that breaks the table, as "file → import (reason)". */
function layerViolations(imports: ImportMap, exists: (file: string) => boolean = () => true): string[] {
  const violations: string[] = [];
  for (const [file, specs] of imports) {
    const layer = layerOf(file);
    if (layer === undefined) {
      violations.push(`${file}: not in a known layer of src/ (add it to MAY_IMPORT)`);
      continue;
    }
    for (const spec of specs) {
      if (!spec.startsWith('.')) {
        const allowed = MAY_IMPORT_PACKAGE[layer];
        if (allowed !== undefined && !allowed(spec))
          violations.push(`${file} → ${spec} (package not allowed in ${layer})`);
        continue;
      }
      const target = resolveRelative(file, spec, exists);
      if (target === 'package.json') continue;
      const targetLayer = layerOf(target);
      if (targetLayer === undefined) {
        violations.push(`${file} → ${spec} (outside src's layers)`);
        continue;
      }
      if (targetLayer === layer) continue;
      const inLayer = target.slice(`${SRC}/`.length);
      const ok = MAY_IMPORT[layer].some((allowed) => allowed === targetLayer || allowed === inLayer);
      if (!ok) violations.push(`${file} → ${spec} (${layer} may not import ${inLayer})`);
    }
  }
  return violations;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(repoRoot, rel)).isDirectory()) return sourceFiles(rel);
    return name.endsWith('.ts') ? [rel] : [];
  });
}

function importsOf(files: string[]): Map<string, string[]> {
  return new Map(
    files.map((file) => {
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      return [file, ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName)];
    }),
  );
}

const existsInRepo = (file: string): boolean =>
  existsSync(path.join(repoRoot, file)) && statSync(path.join(repoRoot, file)).isFile();

test('every import in src/ follows the layer table', () => {
  const imports = importsOf(sourceFiles(SRC));
  assert.ok(imports.size > 100, `read ${imports.size} files`);
  assert.deepEqual(layerViolations(imports, existsInRepo), []);
});

test('the rule fails on a backwards import: contracts importing the webview, the host importing the kernel', () => {
  const imports: ImportMap = new Map([
    ['src/common/display.ts', ['./viewer', '../renderers/dom', 'vscode']],
    ['src/renderers/dom.ts', ['../display/plotly', 'node:fs']],
    ['src/extension/controller.ts', ['../kernel/client', '../kernel/kernel', '../cnn/backend', '@tensorflow/tfjs']],
    ['src/medical/parse.ts', ['../cnn/train']],
  ]);
  assert.deepEqual(
    layerViolations(imports, (file) => file.endsWith('.ts') && !file.endsWith('index.ts')),
    [
      'src/common/display.ts → ../renderers/dom (common may not import renderers/dom.ts)',
      'src/common/display.ts → vscode (package not allowed in common)',
      'src/renderers/dom.ts → ../display/plotly (renderers may not import display/plotly.ts)',
      'src/renderers/dom.ts → node:fs (package not allowed in renderers)',
      'src/extension/controller.ts → ../kernel/kernel (extension may not import kernel/kernel.ts)',
      'src/extension/controller.ts → ../cnn/backend (extension may not import cnn/backend.ts)',
      'src/extension/controller.ts → @tensorflow/tfjs (package not allowed in extension)',
      'src/medical/parse.ts → ../cnn/train (medical may not import cnn/train.ts)',
    ],
  );
});

test('the extension host reaches no tfjs, DICOM or CNN code through any chain of imports', () => {
  const imports = importsOf(sourceFiles(SRC));
  const reached = new Set<string>();
  const packages = new Set<string>();
  const queue = [...imports.keys()].filter((file) => layerOf(file) === 'extension');
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const spec of imports.get(file) ?? []) {
      if (!spec.startsWith('.')) packages.add(spec);
      else if (imports.has(resolveRelative(file, spec, existsInRepo)))
        queue.push(resolveRelative(file, spec, existsInRepo));
    }
  }
  const layers = new Set([...reached].map(layerOf));
  for (const forbidden of ['medical', 'cnn', 'display', 'renderers', 'lib'] as const)
    assert.ok(!layers.has(forbidden), `reaches ${forbidden}`);
  assert.deepEqual(
    [...packages].filter((p) => p !== 'vscode' && !isBuiltin(p)),
    [],
  );
});
