// Resolves `import` in cells where common/importPolicy.ts says: packages from the notebook's folder
// first, then radnb's own installation; 'radnb' and TensorFlow.js always from radnb's own.
import path from 'node:path';
import vm from 'node:vm';
import { RADNB_LIBRARY, importSource, packageName } from '../common/importPolicy';

type DynamicImport = (specifier: string) => Promise<Record<string, unknown>>;

export class ModuleNotFoundError extends Error {
  constructor(specifier: string, notebookDir: string) {
    super(
      `Cannot find module '${specifier}': looked in ${path.join(notebookDir, 'node_modules')} (and the folders above) ` +
        `and in radnb's own packages. Install it in the notebook's folder: npm install ${packageName(specifier)}`,
    );
    this.name = 'ModuleNotFoundError';
  }
}

export interface ModuleLoaderOptions {
  notebookDir: string;
  /** Folder of radnb's installation (has node_modules with tfjs). */
  radnbDir: string;
  /** The radnb library module (out/lib/index.js). */
  loadLibrary: () => Record<string, unknown>;
  /** Called once before TensorFlow.js or the library is first handed to a cell (backend selection). */
  beforeTfjs: () => Promise<void>;
}

export class ModuleLoader {
  private readonly fromNotebook: DynamicImport;
  private readonly fromRadnb: DynamicImport;
  private tfjsReady: Promise<void> | undefined;

  constructor(private readonly options: ModuleLoaderOptions) {
    this.fromNotebook = importerAt(options.notebookDir);
    this.fromRadnb = importerAt(options.radnbDir);
  }

  async import(specifier: string): Promise<Record<string, unknown>> {
    const source = importSource(specifier);
    if (source === 'radnb') {
      await (this.tfjsReady ??= this.options.beforeTfjs());
      if (specifier === RADNB_LIBRARY) return namespaceOf(this.options.loadLibrary());
      return this.fromRadnb(specifier);
    }
    if (source === 'notebook') return this.fromNotebook(specifier);
    try {
      return await this.fromNotebook(specifier);
    } catch (err) {
      if (!isNotFound(err, specifier)) throw err;
    }
    try {
      return await this.fromRadnb(specifier);
    } catch (err) {
      if (isNotFound(err, specifier)) throw new ModuleNotFoundError(specifier, this.options.notebookDir);
      throw err;
    }
  }
}

/** `import x from 'cjs-module'` yields module.exports, like Node's ESM loader. */
export function defaultExport(ns: Record<string, unknown>): unknown {
  return 'default' in ns ? ns.default : ns;
}

function namespaceOf(exports: Record<string, unknown>): Record<string, unknown> {
  return { ...exports, default: exports };
}

/** An `import()` that resolves specifiers as a module file in `dir` would. Code evaluated through the
 *  inspector has no module context of its own, so it cannot call import() directly. */
function importerAt(dir: string): DynamicImport {
  const script = new vm.Script('(specifier) => import(specifier)', {
    filename: path.join(dir, '__radnb_import__.js'),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER as unknown as undefined,
  });
  return script.runInThisContext() as DynamicImport;
}

function isNotFound(err: unknown, specifier: string): boolean {
  const e = err as { code?: string; message?: string };
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    // A module that exists but fails to find one of *its* dependencies is a different error.
    typeof e.message === 'string' &&
    e.message.includes(`'${packageName(specifier)}`)
  );
}
