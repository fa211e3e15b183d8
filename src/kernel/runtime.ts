// What evaluated cells see of the kernel: the globals of common/kernelGlobals.ts, `require` relative to
// the notebook, and the hidden helper object the compiler rewrites imports and awaits to.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DisplayHandle, DisplayOptions } from '../common/display';
import type { DisplayFunction, KernelGlobals, Widened } from '../common/kernelGlobals';
import { RUNTIME } from './compile';
import { defaultExport, type ModuleLoader } from './moduleLoader';

export class InterruptedError extends Error {
  constructor() {
    super('Interrupted: the cell was stopped');
    this.name = 'InterruptedError';
  }
}

const DISPLAY_HANDLE = Symbol('radnb.displayHandle');

/** A display call's handle. Marked so that a cell ending in a display call shows only the display,
 *  as IPython's display() returns None: the handle is for display.update, not a result of its own. */
export function displayHandle(id: string): DisplayHandle {
  return Object.defineProperty({ id }, DISPLAY_HANDLE, { value: true });
}

export function isDisplayHandle(value: unknown): boolean {
  return typeof value === 'object' && value !== null && DISPLAY_HANDLE in value;
}

export interface RuntimeHooks {
  loader: ModuleLoader;
  display(value: unknown, options?: DisplayOptions): DisplayHandle;
  update(handle: DisplayHandle | string, value: unknown): void;
  clear(wait: boolean): void;
  /** Incremented on every interrupt: an await that spans an interrupt throws when it resumes. */
  generation(): number;
  log(metrics: Record<string, number>, step?: number): void;
  registerDataset(absolutePath: string): void;
}

export function installRuntime(hooks: RuntimeHooks, notebookDir: string): void {
  const asBundle = (mime: string, data: unknown) => ({ [Symbol.for('radnb.display')]: () => ({ [mime]: data }) });
  const display: DisplayFunction = Object.assign(
    (value: unknown, options?: DisplayOptions) => hooks.display(value, options),
    {
      update: (handle: DisplayHandle | string, value: unknown) => hooks.update(handle, value),
      html: (html: string) => hooks.display(asBundle('text/html', html)),
      markdown: (markdown: string) => hooks.display(asBundle('text/markdown', markdown)),
      text: (text: string) => hooks.display(asBundle('text/plain', text)),
      png: (bytes: Uint8Array) => hooks.display(asBundle('image/png', bytes)),
      json: (value: unknown) => hooks.display(asBundle('application/json', value)),
      clear: (wait = false) => hooks.clear(wait === true),
    },
  );
  const params: Record<string, unknown> = {};
  const globals: KernelGlobals = {
    display,
    params,
    param: <T>(name: string, fallback: T) => (name in params ? params[name] : fallback) as Widened<T>,
    log: (metrics, step) => {
      if (typeof metrics !== 'object' || metrics === null)
        throw new TypeError('log() takes an object of numbers, e.g. log({ auc: 0.93 })');
      const numbers = Object.fromEntries(Object.entries(metrics).filter(([, v]) => typeof v === 'number'));
      hooks.log(numbers, step);
    },
    registerDataset: (file) => {
      const absolute = path.resolve(notebookDir, file);
      if (!existsSync(absolute)) throw new Error(`registerDataset: ${absolute} does not exist`);
      hooks.registerDataset(absolute);
      return absolute;
    },
  };
  const g = globalThis as Record<string, unknown>;
  Object.assign(g, globals);
  g.require = createRequire(path.join(notebookDir, '__radnb_notebook__.js'));
  g[RUNTIME] = {
    import: (specifier: string) => hooks.loader.import(specifier),
    defaultExport,
    /** Gives back a cell's last value that the compiler recovered (see compile.ts). */
    value: <T>(v: T): T => v,
    checked<T>(value: T): Promise<Awaited<T>> {
      const generation = hooks.generation();
      const check = () => {
        if (hooks.generation() !== generation) throw new InterruptedError();
      };
      return Promise.resolve(value).then(
        (v) => (check(), v),
        (e: unknown) => {
          check();
          throw e;
        },
      );
    },
  };
}
