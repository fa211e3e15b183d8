// NumPy .npz files (a zip of .npy arrays), e.g. the MedMNIST datasets.
import { readFile } from 'node:fs/promises';
import { parseNpy, type NpyArray } from './npzArray';
import { listZip, NpzError, readZipMember } from './npzZip';

export { NpzError } from './npzZip';
export { parseNpy, type NpyArray, type NpyData } from './npzArray';

/** Every array of an .npz, by name without ".npy". `file` names it in errors. */
export function parseNpz(bytes: Uint8Array, file: string): Record<string, NpyArray> {
  const arrays: Record<string, NpyArray> = {};
  for (const member of listZip(bytes, file)) {
    if (!member.name.endsWith('.npy')) continue;
    arrays[member.name.slice(0, -4)] = parseNpy(readZipMember(bytes, member, file), `${file}:${member.name}`);
  }
  return arrays;
}

export async function loadNpz(file: string): Promise<Record<string, NpyArray>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new NpzError(file, `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseNpz(bytes, file);
}
