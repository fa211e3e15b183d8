// The compiler options cells are checked with: a tsconfig.json beside the notebook is honoured, but a
// few options are fixed because the kernel fixes them — cells are ES modules with top-level await,
// imported names resolve like Node's ESM loader, and nothing is emitted. Cells run in Node, not a
// browser: the default libraries are ES2023 and Node's, without the DOM's thousand globals.
import path from 'node:path';
import type * as TS from 'typescript';

export interface NotebookOptions {
  options: TS.CompilerOptions;
  /** Declaration files the notebook's tsconfig.json includes (global declarations of the user's). */
  declarationFiles: string[];
  /** The tsconfig.json that was read, if any. */
  configFile?: string;
  /** What was wrong with that tsconfig.json, one line each. */
  configErrors: string[];
}

/** What radnb's installation brings for type checking. */
export interface RadnbTypes {
  /** radnb's installation folder: its node_modules hold tfjs, @types/node and the codecs. */
  installDir: string;
  /** The declarations generated from src/ at build time (scripts/buildTypes.mjs). */
  declarationsDir: string;
  /** Declarations of the library cells import as 'radnb'. */
  library: string;
  /** Declarations of the kernel's globals (display, param, log, …). */
  globals: string;
}

export function radnbTypesAt(installDir: string): RadnbTypes {
  const declarationsDir = path.join(installDir, 'out', 'types');
  return {
    installDir,
    declarationsDir,
    library: path.join(declarationsDir, 'lib', 'index.d.ts'),
    globals: path.join(declarationsDir, 'kernelGlobals.global.d.ts'),
  };
}

export function notebookCompilerOptions(ts: typeof TS, notebookDir: string, radnb: RadnbTypes): NotebookOptions {
  const configFile = path.join(notebookDir, 'tsconfig.json');
  const hasConfig = ts.sys.fileExists(configFile);
  let user: TS.CompilerOptions = {};
  let declarationFiles: string[] = [];
  const configErrors: string[] = [];
  if (hasConfig) {
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    if (read.error) {
      configErrors.push(flatten(ts, read.error));
    } else {
      const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, notebookDir, undefined, configFile);
      user = parsed.options;
      declarationFiles = parsed.fileNames.filter((f) => f.endsWith('.d.ts'));
      // "No inputs were found" only means the folder has no .ts files of its own: cells are the inputs.
      configErrors.push(...parsed.errors.filter((e) => e.code !== 18003).map((e) => flatten(ts, e)));
    }
  }
  const options: TS.CompilerOptions = {
    strict: true,
    lib: ['lib.es2023.d.ts'],
    esModuleInterop: true,
    resolveJsonModule: true,
    allowJs: true,
    skipLibCheck: true,
    ...user,
    target: Math.max(user.target ?? 0, ts.ScriptTarget.ES2022),
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    // A cell hands its names on through generated `export { … }` lists, which may name types.
    isolatedModules: false,
    verbatimModuleSyntax: false,
    noEmit: true,
    types: [...new Set(['node', ...(user.types ?? [])])],
    typeRoots: [
      ...(user.typeRoots ?? []),
      path.join(notebookDir, 'node_modules', '@types'),
      path.join(radnb.installDir, 'node_modules', '@types'),
    ],
  };
  return { options, declarationFiles, configFile: hasConfig ? configFile : undefined, configErrors };
}

function flatten(ts: typeof TS, diagnostic: TS.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
}
