// Removes identifying DICOM values from everything the kernel sends, unless the user allowed them
// for this notebook. Binary radnb payloads (the DICOM viewer's) are built without identifiers by their
// encoders; here text, HTML and JSON items, streams and errors are scanned.
import type { KernelMessage, WireBundle } from '../common/kernelProtocol';
import { phiRegistry } from '../common/phi';

const NOTE =
  '[radnb: identifying values of loaded DICOM files were redacted from this output; to keep them, allow identifiers for this notebook (setting radnb.privacy.allowIdentifiers)]';

export function redactMessage(message: KernelMessage): KernelMessage {
  switch (message.type) {
    case 'stream':
      return { ...message, text: phiRegistry().redact(message.text).text };
    case 'display':
      return { ...message, bundle: redactBundle(message.bundle) };
    case 'result':
      return {
        ...message,
        ...(message.value && { value: redactBundle(message.value) }),
        ...(message.error && {
          error: {
            ...message.error,
            message: redactText(message.error.message),
            stack: redactText(message.error.stack),
          },
        }),
      };
    case 'variables':
      // Described without identifiers already (kernel/variables.ts); scanned again like every message.
      return {
        ...message,
        variables: message.variables.map((v) => ({
          ...v,
          summary: redactText(v.summary),
          members: v.members.filter((m) => redactText(m) === m),
        })),
      };
    case 'inspect':
      return { ...message, text: redactText(message.text) };
    default:
      return message;
  }
}

function redactText(text: string): string {
  return phiRegistry().redact(text).text;
}

function redactBundle(bundle: WireBundle): WireBundle {
  let count = 0;
  const out: WireBundle = {};
  for (const [mime, data] of Object.entries(bundle)) {
    if (typeof data !== 'string') {
      out[mime] = data;
      continue;
    }
    const r = phiRegistry().redact(data);
    count += r.count;
    out[mime] = r.text;
  }
  if (count > 0 && typeof out['text/plain'] === 'string') out['text/plain'] = `${out['text/plain']}\n${NOTE}`;
  return out;
}
