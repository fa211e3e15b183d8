// Resolves `import` in cells. Packages come from the notebook's folder (its node_modules, then the
// folders above it) first, then from radnb's own installation. 'radnb' and TensorFlow.js always come from
// radnb's own installation: the library and the cells must share one tfjs instance, or tensors made by
// one would be foreign to the other.
import path from 'node:path';
import vm from 'node:vm';

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
    if (specifier === 'radnb' || isTfjs(specifier)) {
      await (this.tfjsReady ??= this.options.beforeTfjs());
      if (specifier === 'radnb') return namespaceOf(this.options.loadLibrary());
      return this.fromRadnb(specifier);
    }
    if (/^(\.{1,2}\/|\/|file:|node:)/.test(specifier)) return this.fromNotebook(specifier);
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

function isTfjs(specifier: string): boolean {
  return specifier === '@tensorflow/tfjs' || specifier.startsWith('@tensorflow/tfjs-') || specifier.startsWith('@tensorflow/tfjs/');
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

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
