// The names every cell can use without importing them. The kernel installs exactly this object on
// globalThis (src/kernel/runtime.ts), and the editor's language service declares the same names from
// it, with these comments as their documentation.
import type { DisplayHandle, DisplayOptions } from './display';

/** `display(value)` and its helpers. */
export interface DisplayFunction {
  /**
   * Shows `value` in the output of the running cell, as rich as its type allows (a DICOM image opens in the
   * viewer, a tensor shows shape and statistics, a model its summary). Returns a handle for `display.update`.
   * @param value Anything; an object can choose its own look with `[Symbol.for('radnb.display')]()`.
   * @param options `id` to re-use a handle id of your own.
   */
  (value: unknown, options?: DisplayOptions): DisplayHandle;
  /** Replaces the output shown under `handle` (live progress, a curve that grows). */
  update(handle: DisplayHandle | string, value: unknown): void;
  /** Shows HTML. */
  html(html: string): DisplayHandle;
  /** Shows Markdown. */
  markdown(markdown: string): DisplayHandle;
  /** Shows plain text. */
  text(text: string): DisplayHandle;
  /** Shows PNG bytes as an image. */
  png(bytes: Uint8Array): DisplayHandle;
  /** Shows a JSON-able value as application/json. */
  json(value: unknown): DisplayHandle;
  /** Removes the running cell's outputs so far (Jupyter's clear_output); `wait`: only when its next output arrives, so a loop does not flicker. */
  clear(wait?: boolean): void;
}

/** `param('fast', false)` is a boolean, not `false`: a parameter can take any value of its fallback's type. */
export type Widened<T> = T extends boolean ? boolean : T extends number ? number : T extends string ? string : T;

export interface KernelGlobals {
  /** Shows a value in the output of the running cell; see also `display.update`, `display.html`, `display.markdown`. */
  display: DisplayFunction;
  /** Every parameter given to this run (`radnb run --param name=value`), by name. */
  params: Record<string, unknown>;
  /**
   * A parameter of this run (`radnb run NB --param name=value`), or `fallback` when it was not given.
   * @param name The parameter's name.
   * @param fallback The value used when the run has no such parameter; its type is the result's type.
   * @example const epochs = param('epochs', 10);
   */
  param<T>(name: string, fallback: T): Widened<T>;
  /**
   * Records metrics in the notebook's experiment record (`metadata.radnb.runs`), shown by *radnb: Compare Runs*.
   * @param metrics Numbers by name, e.g. `{ auc: 0.93, loss: 0.21 }`; other values are ignored.
   * @param step The epoch or step the metrics belong to, for curves.
   */
  log(metrics: Record<string, number>, step?: number): void;
  /**
   * Records a data file's SHA-256 in the experiment record, so a run says which data it used.
   * @param file A path, relative to the notebook's folder or absolute.
   * @returns The file's absolute path.
   */
  registerDataset(file: string): string;
}
