// Builds notebook outputs from what the kernel sends, the same way for the VS Code controller and the
// headless runner, so a notebook saved by either looks the same.
import type { CellError, WireBundle } from './kernelProtocol';
import { ERROR_MIME, STDERR_MIME, STDOUT_MIME, orderMimeTypes, type CellOutput, type OutputItem } from './notebook';

const encoder = new TextEncoder();

export function bundleItems(bundle: WireBundle): OutputItem[] {
  return orderMimeTypes(
    Object.entries(bundle).map(([mime, data]) => ({
      mime,
      data: typeof data === 'string' ? encoder.encode(data) : data,
    })),
  );
}

export function displayOutput(bundle: WireBundle, displayId: string): CellOutput {
  return { items: bundleItems(bundle), metadata: { outputType: 'display_data', displayId } };
}

export function resultOutput(bundle: WireBundle, executionCount: number): CellOutput {
  return { items: bundleItems(bundle), metadata: { outputType: 'execute_result', executionCount } };
}

export function streamItem(name: 'stdout' | 'stderr', text: string): OutputItem {
  return { mime: name === 'stderr' ? STDERR_MIME : STDOUT_MIME, data: encoder.encode(text) };
}

export function errorOutput(error: CellError): CellOutput {
  return {
    items: [{ mime: ERROR_MIME, data: encoder.encode(JSON.stringify(error)) }],
    metadata: { outputType: 'error' },
  };
}

/** The stream MIME type of an output that holds only stream text, else undefined. */
export function streamNameOf(output: CellOutput): 'stdout' | 'stderr' | undefined {
  const mime = output.items[0]?.mime;
  return mime === STDOUT_MIME ? 'stdout' : mime === STDERR_MIME ? 'stderr' : undefined;
}
