// How a kernel variable reads in the variables view and in hovers: type, shape or length, memory, and
// the kernel's one-line summary (already free of identifying DICOM values: the kernel redacts it).
import { formatBytes } from '../../common/formatBytes';
import type { KernelVariable } from '../../common/variables';

/** `Tensor [32, 28, 28, 1] · 98.0 KiB`, `string (length 12)`, `Map (size 3)`. */
export function variableLine(v: KernelVariable): string {
  const parts = [
    v.shape ? `${v.type} [${v.shape.join(', ')}]` : v.length !== undefined ? `${v.type} (length ${v.length})` : v.type,
  ];
  if (v.bytes !== undefined) parts.push(formatBytes(v.bytes));
  return parts.join(' · ');
}

/** Markdown for a hover: what the running kernel holds under this name. */
export function describeLive(v: KernelVariable): string {
  return `**Live value** (after the last cell run): ${escapeMarkdown(variableLine(v))} — ${escapeMarkdown(v.summary)}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~-]/g, '\\$&');
}
