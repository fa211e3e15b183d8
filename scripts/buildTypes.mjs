// Declarations for the editor's language service, into out/types/: the radnb library (what cells import
// as 'radnb', generated from src/lib and the modules it exports) and the kernel's globals (generated from
// the KernelGlobals interface, with its comments as their documentation). Incremental: a build that
// changed nothing under src/ re-emits nothing.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Loaded only when something is to be built: reading TypeScript's compiler takes half a second. */
let ts;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(repoRoot, 'out', 'types');
const globalsSource = path.join(repoRoot, 'src', 'common', 'kernelGlobals.ts');
const GLOBALS_INTERFACE = 'KernelGlobals';

const globalsOut = path.join(outDir, 'kernelGlobals.global.d.ts');
const buildInfo = path.join(outDir, '.tsbuildinfo');

export async function buildTypes() {
  if (upToDate()) return;
  ts = (await import('typescript')).default;
  emitDeclarations();
  writeGlobals();
}

/** Even an incremental emit re-reads every file (seconds): skip it when nothing under src/ is newer. */
function upToDate() {
  if (!existsSync(globalsOut) || !existsSync(buildInfo)) return false;
  const built = statSync(globalsOut).mtimeMs; // written last, on every build
  const newest = (dir) =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? newest(full) : statSync(full).mtimeMs;
      }),
    );
  return newest(path.join(repoRoot, 'src')) < built && statSync(path.join(repoRoot, 'tsconfig.json')).mtimeMs < built;
}

function emitDeclarations() {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(repoRoot, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: fail },
  );
  if (!config) throw new Error('cannot read tsconfig.json');
  const options = {
    ...config.options,
    types: ['node'],
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: true,
    incremental: true,
    tsBuildInfoFile: buildInfo,
    outDir,
    rootDir: path.join(repoRoot, 'src'),
  };
  const program = ts.createIncrementalProgram({
    rootNames: [path.join(repoRoot, 'src', 'lib', 'index.ts'), globalsSource],
    options,
  });
  const result = program.emit();
  const errors = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...result.diagnostics,
  ];
  if (errors.length > 0) fail(errors);
}

/** `declare global { const display: KernelGlobals['display']; … }` with each member's own comment. */
function writeGlobals() {
  const source = ts.createSourceFile(globalsSource, readFileSync(globalsSource, 'utf8'), ts.ScriptTarget.Latest, true);
  const declaration = source.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === GLOBALS_INTERFACE);
  if (!declaration) throw new Error(`${path.relative(repoRoot, globalsSource)} has no interface ${GLOBALS_INTERFACE}`);
  const members = declaration.members.map((member) => {
    const name = member.name.getText(source);
    const comment = ts
      .getLeadingCommentRanges(source.text, member.pos)
      ?.map((range) => source.text.slice(range.pos, range.end))
      .join('\n  ');
    return `${comment ? `  ${comment.replace(/\n\s*/g, '\n   ')}\n` : ''}  const ${name}: ${GLOBALS_INTERFACE}['${name}'];`;
  });
  const text = [
    `// Generated from src/common/kernelGlobals.ts by scripts/buildTypes.mjs: the names every cell can use.`,
    `import type { ${GLOBALS_INTERFACE} } from './common/kernelGlobals';`,
    '',
    'declare global {',
    ...members,
    '}',
    '',
    'export {};',
    '',
  ].join('\n');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(globalsOut, text);
}

function fail(diagnostics) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => repoRoot, getNewLine: () => '\n' };
  throw new Error(`declarations for the language service:\n${ts.formatDiagnostics([].concat(diagnostics), host)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildTypes();
