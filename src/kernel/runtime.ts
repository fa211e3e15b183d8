// What evaluated cells see of the kernel: the `display` function family, `params`/`param` from the
// headless runner, `require` relative to the notebook, and the hidden helper object the compiler
// rewrites imports and awaits to.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DisplayHandle, DisplayOptions } from '../common/display';
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
  /** Incremented on every interrupt: an await that spans an interrupt throws when it resumes. */
  generation(): number;
  log(metrics: Record<string, number>, step?: number): void;
  registerDataset(absolutePath: string): void;
}

export type DisplayFunction = ((value: unknown, options?: DisplayOptions) => DisplayHandle) & {
  update(handle: DisplayHandle | string, value: unknown): void;
  html(html: string): DisplayHandle;
  markdown(markdown: string): DisplayHandle;
  text(text: string): DisplayHandle;
  png(bytes: Uint8Array): DisplayHandle;
  json(value: unknown): DisplayHandle;
};

export function installRuntime(hooks: RuntimeHooks, notebookDir: string): void {
  const asBundle = (mime: string, data: unknown) => ({ [Symbol.for('radnb.display')]: () => ({ [mime]: data }) });
  const display = Object.assign((value: unknown, options?: DisplayOptions) => hooks.display(value, options), {
    update: (handle: DisplayHandle | string, value: unknown) => hooks.update(handle, value),
    html: (html: string) => hooks.display(asBundle('text/html', html)),
    markdown: (markdown: string) => hooks.display(asBundle('text/markdown', markdown)),
    text: (text: string) => hooks.display(asBundle('text/plain', text)),
    png: (bytes: Uint8Array) => hooks.display(asBundle('image/png', bytes)),
    json: (value: unknown) => hooks.display(asBundle('application/json', value)),
  }) satisfies DisplayFunction;

  const params: Record<string, unknown> = {};
  const g = globalThis as Record<string, unknown>;
  g.display = display;
  g.params = params;
  /** A parameter set by `radnb run --param name=value`, or the fallback. */
  g.param = <T>(name: string, fallback: T): T => (name in params ? (params[name] as T) : fallback);
  g.require = createRequire(path.join(notebookDir, '__radnb_notebook__.js'));
  /** Records metrics in the notebook's experiment record (`metadata.radnb.runs`). */
  g.log = (metrics: Record<string, number>, step?: number): void => {
    if (typeof metrics !== 'object' || metrics === null) throw new TypeError('log() takes an object of numbers, e.g. log({ auc: 0.93 })');
    const numbers = Object.fromEntries(Object.entries(metrics).filter(([, v]) => typeof v === 'number'));
    hooks.log(numbers, step);
  };
  /** Records a data file's checksum in the experiment record; returns its absolute path. */
  g.registerDataset = (file: string): string => {
    const absolute = path.resolve(notebookDir, file);
    if (!existsSync(absolute)) throw new Error(`registerDataset: ${absolute} does not exist`);
    hooks.registerDataset(absolute);
    return absolute;
  };
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
