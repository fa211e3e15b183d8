// How tfjs models describe themselves in the editor's variables view and hovers, and the one-time
// registration of the library's summarizers (medical/dicomSummarizer.ts brings the DICOM ones).
import { registerSummarizer, type Summarizer, type VariableSummary } from '../common/variables';
import { isLayersModel } from './formatters';

export const modelSummarizer: Summarizer = (value): VariableSummary | undefined => {
  if (!isLayersModel(value)) return undefined;
  const parameters = value.countParams();
  return {
    type: value.getClassName(),
    summary: `${parameters.toLocaleString('en-US')} parameters, ${value.layers.length} layers`,
  };
};

const REGISTERED = Symbol.for('radnb.display.summarizersRegistered');

/** Registers summarizers once per process, however many bundles import this module. */
export function registerSummarizersOnce(summarizers: readonly Summarizer[]): void {
  const slot = globalThis as { [REGISTERED]?: boolean };
  if (slot[REGISTERED]) return;
  slot[REGISTERED] = true;
  summarizers.forEach(registerSummarizer);
}
