// Files under a folder, recursively, as sorted relative paths (stable order = reproducible datasets).
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export async function listFilesRecursive(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}
