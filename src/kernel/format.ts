// Turns any value into the MIME bundle a cell output shows, IPython-style: the value's own
// `[Symbol.for('radnb.display')]()`, then registered formatters, then built-ins (tensors, PNG bytes),
// then text. The result is made wire-ready (JSON types as text) and capped in size.
import { inspect } from 'node:util';
import { DISPLAY, getFormatters, isDisplayable, type Formatter, type MimeBundle } from '../common/display';
import { formatBytes } from '../common/formatBytes';
import type { WireBundle } from '../common/kernelProtocol';
import { formatTensor, isTensorLike } from './formatTensor';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The bundle for a value; synchronous unless the value's own display method or a formatter is async,
 *  so that a display() call keeps its place among the console output around it. */
export function toMimeBundle(value: unknown): MimeBundle | Promise<MimeBundle> {
  if (isDisplayable(value)) return value[DISPLAY]();
  const formatters = getFormatters();
  for (let i = 0; i < formatters.length; i++) {
    const bundle = formatters[i](value);
    if (bundle instanceof Promise) return bundle.then((b) => b ?? formatAfter(formatters.slice(i + 1), value));
    if (bundle) return bundle;
  }
  return builtIn(value);
}

async function formatAfter(formatters: readonly Formatter[], value: unknown): Promise<MimeBundle> {
  for (const formatter of formatters) {
    const bundle = await formatter(value);
    if (bundle) return bundle;
  }
  return builtIn(value);
}

function builtIn(value: unknown): MimeBundle {
  if (isTensorLike(value)) return formatTensor(value);
  if (value instanceof Uint8Array && isPng(value))
    return { 'image/png': value, 'text/plain': `<PNG image, ${value.length} bytes>` };
  return { 'text/plain': textOf(value) };
}

export function textOf(value: unknown): string {
  return typeof value === 'string'
    ? value
    : inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 });
}

function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Serialises a bundle for the wire and keeps it under `maxBytes`: items that do not fit are replaced
 *  by a note, text is cut, so one huge output can never freeze the editor. */
export function toWireBundle(bundle: MimeBundle, maxBytes: number): WireBundle {
  const wire: WireBundle = {};
  let total = 0;
  const dropped: string[] = [];
  for (const [mime, data] of Object.entries(bundle)) {
    if (data === undefined) continue;
    const item = wireItem(mime, data);
    const size = typeof item === 'string' ? Buffer.byteLength(item) : item.byteLength;
    if (total + size <= maxBytes) {
      wire[mime] = item;
      total += size;
    } else if (mime === 'text/plain' && typeof item === 'string') {
      wire[mime] = truncateText(item, Math.max(1024, maxBytes - total));
      total += Buffer.byteLength(wire[mime] as string);
    } else {
      dropped.push(`${mime} (${formatBytes(size)})`);
    }
  }
  if (dropped.length > 0) {
    const note = `[radnb: output too large — left out ${dropped.join(', ')}; the limit is ${formatBytes(maxBytes)} (setting radnb.output.maxBytes)]`;
    wire['text/plain'] = wire['text/plain'] ? `${wire['text/plain']}\n${note}` : note;
  }
  return wire;
}

export function truncateText(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const kept = Buffer.from(text)
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${kept}\n[radnb: output truncated — ${formatBytes(Buffer.byteLength(text))} in all, ${formatBytes(maxBytes)} shown]`;
}

function wireItem(mime: string, data: unknown): string | Uint8Array {
  if (data instanceof Uint8Array)
    return Buffer.isBuffer(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data;
  if (typeof data === 'string') return data;
  if (mime.endsWith('json')) return JSON.stringify(data);
  return textOf(data);
}
