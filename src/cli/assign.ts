// `radnb assign source.radnb [--out student.radnb]`: writes the version students get — solutions replaced
// by stubs, hidden tests removed, outputs cleared, checksums of graded and read-only cells recorded.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createStudentVersion, studentFileName } from '../common/exercise';
import { parseNotebook, serializeNotebook } from '../common/notebook';

export async function runAssignCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 1) throw new Error('radnb assign takes exactly one source notebook');
  const sourceFile = positionals[0];
  const out = values.out ?? studentFileName(sourceFile);
  if (out === sourceFile) throw new Error(`${sourceFile}: the student version would overwrite the source; pass --out`);
  const text = await readFile(sourceFile, 'utf8').catch(() => {
    throw new Error(`${sourceFile}: no such notebook`);
  });
  await writeFile(out, serializeNotebook(createStudentVersion(parseNotebook(text, sourceFile), sourceFile)));
  process.stderr.write(`radnb assign: student version written to ${out}\n`);
  return 0;
}
