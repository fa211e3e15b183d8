// The display protocol shared by the kernel, the radnb library and the renderers.
// A value shows as a MIME bundle; any object can choose its own bundle by implementing
// `[Symbol.for('radnb.display')]()`. Library code (training curves, viewers) reaches the running kernel
// through the display host, which lives on globalThis so that separately bundled modules share it.

/** What a value shows as: one entry per MIME type. `text/*` and `image/svg+xml` are strings,
 *  binary types (image/png, application/vnd.radnb.*) are bytes, `*json` types are JSON-able values. */
export type MimeBundle = Record<string, string | Uint8Array | unknown>;

/** Symbol under which an object offers its own MIME bundle (sync or async). */
export const DISPLAY = Symbol.for('radnb.display');

export interface Displayable {
  [DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

/** MIME types of radnb's own renderers (see src/renderers). */
export const MIME = {
  /** Binary: viewer payload for a DICOM image / multi-frame / series / volume (src/common/dicomPayload.ts). */
  dicom: 'application/vnd.radnb.dicom',
  /** Binary: feature maps of one or more layers (src/common/featureMapsPayload.ts). */
  featureMaps: 'application/vnd.radnb.featuremaps',
  /** JSON: plotly figure {data, layout}; training curves and other charts. */
  plotly: 'application/vnd.plotly.v1+json',
  /** JSON: a metrics view (confusion matrix, ROC, PR, calibration, per-class table). */
  metrics: 'application/vnd.radnb.metrics+json',
  /** JSON: a model summary (layers, output shapes, parameter counts). */
  model: 'application/vnd.radnb.model+json',
  png: 'image/png',
  html: 'text/html',
  text: 'text/plain',
  json: 'application/json',
  error: 'application/vnd.code.notebook.error',
} as const;

/** A handle to an output that can be replaced later (live training curves, progress). */
export interface DisplayHandle {
  readonly id: string;
}

export interface DisplayOptions {
  /** Re-use a handle id chosen by the caller. */
  id?: string;
}

/** What the running kernel offers library code. Absent outside a kernel (plain Node, tests). */
export interface DisplayHost {
  /** Shows a value in the output of the cell that is running now. */
  display(value: unknown, options?: DisplayOptions): DisplayHandle;
  /** Replaces the output behind a handle (it may belong to an earlier output of the same cell). */
  update(handle: DisplayHandle, value: unknown): void;
  /** Aborted when the user stops the running cell: long loops (training) check it between steps. */
  readonly signal: AbortSignal;
}

const HOST_KEY = Symbol.for('radnb.displayHost');

type HostSlot = { [HOST_KEY]?: DisplayHost };

export function setDisplayHost(host: DisplayHost | undefined): void {
  (globalThis as HostSlot)[HOST_KEY] = host;
}

export function getDisplayHost(): DisplayHost | undefined {
  return (globalThis as HostSlot)[HOST_KEY];
}

export function isDisplayable(value: unknown): value is Displayable {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Partial<Displayable>)[DISPLAY] === 'function'
  );
}

/** Shows values of a type the kernel does not know (registered by the radnb library and by users). */
export type Formatter = (value: unknown) => MimeBundle | undefined | Promise<MimeBundle | undefined>;

const FORMATTERS_KEY = Symbol.for('radnb.formatters');

type FormatterSlot = { [FORMATTERS_KEY]?: Formatter[] };

/** Registers a formatter; the most recently registered one is asked first. */
export function registerFormatter(formatter: Formatter): void {
  const slot = globalThis as FormatterSlot;
  (slot[FORMATTERS_KEY] ??= []).unshift(formatter);
}

export function getFormatters(): readonly Formatter[] {
  return (globalThis as FormatterSlot)[FORMATTERS_KEY] ?? [];
}
