// The kernel's top-level variables as the editor shows them (variables view, hover, completions of values
// whose static type is `any`). Values of types the kernel does not know (DICOM images, models) describe
// themselves through summarizers the radnb library registers, as with display formatters.

export interface KernelVariable {
  name: string;
  /** What the value is, in words a user knows: 'Tensor', 'LayersModel', 'DicomImage', 'number', 'Array', … */
  type: string;
  /** Shape of a tensor, image or volume. */
  shape?: number[];
  /** Length of an array, string, typed array; size of a Map or Set. */
  length?: number;
  /** Bytes of tensor or typed-array memory. */
  bytes?: number;
  /** One line: a primitive's value, a tensor's dtype and range, a model's parameter count, an image's modality. */
  summary: string;
  /** Property names of the value (its own and its prototypes'), for completions. */
  members: string[];
  /** Showing it in a cell output is worth a click: a tensor, an image, a model. */
  viewable: boolean;
}

/** What a summarizer says of a value it knows. */
export type VariableSummary = Pick<KernelVariable, 'type' | 'summary'> &
  Partial<Pick<KernelVariable, 'shape' | 'length' | 'bytes'>>;

export type Summarizer = (value: unknown) => VariableSummary | undefined;

const SUMMARIZERS_KEY = Symbol.for('radnb.summarizers');

/** Registers a summarizer; like display formatters, the most recent is asked first. */
export function registerSummarizer(summarizer: Summarizer): void {
  const slot = globalThis as { [SUMMARIZERS_KEY]?: Summarizer[] };
  (slot[SUMMARIZERS_KEY] ??= []).unshift(summarizer);
}

export function getSummarizers(): readonly Summarizer[] {
  return (globalThis as { [SUMMARIZERS_KEY]?: Summarizer[] })[SUMMARIZERS_KEY] ?? [];
}
