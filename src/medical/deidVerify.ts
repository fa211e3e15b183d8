// Safety nets around de-identification. The editing parser (dcmjs) and radnb's reader (dicom-parser) must
// see the same attributes, or a damaged length could hide a patient's name inside an opaque value that
// no rule touches; and after writing, no identifying text of the input may be left outside the pixels.
import type { DataSet } from 'dicom-parser';
import { parseDicom } from './parse';
import type { ElementTree } from './writer';

/** Attributes whose original text must not survive anywhere in the output (outside pixel data). */
const IDENTIFYING = [
  '00100010',
  '00100020',
  '00101000',
  '00101001',
  '00101005',
  '00101060',
  '00101040',
  '00100030',
  '00080050',
  '00080090',
  '00081050',
];

/** Shorter values ("1", "CT") occur by chance in other attributes; they are not searched for. */
const MIN_SEARCHED_LENGTH = 4;

/** The first top-level attribute one parser sees and the other does not, or undefined when they agree. */
export function parserDisagreement(tree: ElementTree, reference: DataSet): string | undefined {
  const ours = new Set(Object.keys(tree).map((t) => t.toUpperCase()));
  const theirs = new Set(
    Object.keys(reference.elements)
      .map((t) => t.slice(1).toUpperCase())
      .filter((t) => !t.startsWith('0002')),
  );
  for (const tag of theirs) if (!ours.has(tag)) return tag;
  for (const tag of ours) if (!theirs.has(tag)) return tag;
  return undefined;
}

/** The identifying strings of a data set worth searching for later. */
export function identifyingText(tree: ElementTree): string[] {
  const texts = new Set<string>();
  for (const tag of IDENTIFYING) {
    for (const value of tree[tag]?.Value ?? []) {
      const text = typeof value === 'object' && value !== null ? (value as { Alphabetic?: string }).Alphabetic : value;
      const trimmed = typeof text === 'string' ? text.trim() : '';
      if (trimmed.length >= MIN_SEARCHED_LENGTH) texts.add(trimmed);
    }
  }
  return [...texts];
}

/** The first of `texts` found in the written file outside its pixel data, or undefined. */
export function leftoverText(output: Uint8Array, texts: string[], file: string): string | undefined {
  if (texts.length === 0) return undefined;
  const { dataSet } = parseDicom(output, file);
  const bytes = Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  const pixels = dataSet.elements.x7fe00010;
  const regions = pixels
    ? [bytes.subarray(0, pixels.dataOffset), bytes.subarray(pixels.dataOffset + Math.max(0, pixels.length))]
    : [bytes];
  return texts.find((text) =>
    regions.some(
      (region) => region.includes(Buffer.from(text, 'utf8')) || region.includes(Buffer.from(text, 'latin1')),
    ),
  );
}
