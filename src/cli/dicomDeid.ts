// `radnb dicom deid IN_DIR OUT_DIR`: de-identifies a folder of DICOM files (PS3.15 Basic Profile) into
// another folder, one consistent UID mapping for the whole folder, and prints what it did.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { deidentifyDirectory, type DeidDirectoryReport } from '../medical/deid';
import { isUsageError, UsageError } from './usageError';

export interface CommandIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

const USAGE = 'usage: radnb dicom deid IN_DIR OUT_DIR [--secret TEXT] [--json]';

/** Runs the command; `args` are the words after `radnb dicom deid`. Returns the exit code: 0 done,
 *  1 bad input (missing folder, files skipped), 2 wrong command line. */
export async function runDeidCommand(args: string[], io: CommandIO): Promise<number> {
  let parsed: DeidArgs;
  try {
    parsed = parseDeidArgs(args);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    io.stderr(`radnb dicom deid: ${(error as Error).message}`);
    io.stderr(USAGE);
    return 2;
  }
  const problem = await checkDirectories(parsed.inDir, parsed.outDir);
  if (problem) {
    io.stderr(`radnb dicom deid: ${problem}`);
    return 1;
  }
  const report = await deidentifyDirectory(parsed.inDir, parsed.outDir, { secret: parsed.secret });
  if (parsed.json) io.stdout(JSON.stringify(report, null, 2));
  else printSummary(report, parsed.outDir, io);
  if (report.files.length === 0) {
    io.stderr(`radnb dicom deid: no DICOM file could be de-identified in ${parsed.inDir}`);
    return 1;
  }
  return report.failed.length > 0 ? 1 : 0;
}

interface DeidArgs {
  inDir: string;
  outDir: string;
  secret?: string;
  json: boolean;
}

function parseDeidArgs(args: string[]): DeidArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { secret: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 2) throw new UsageError(`expected IN_DIR and OUT_DIR, got ${positionals.length} path(s)`);
  return { inDir: positionals[0], outDir: positionals[1], secret: values.secret, json: values.json ?? false };
}

async function checkDirectories(inDir: string, outDir: string): Promise<string | undefined> {
  const input = await stat(inDir).catch(() => undefined);
  if (!input?.isDirectory()) return `${inDir} is not a directory`;
  if (path.resolve(inDir) === path.resolve(outDir))
    return 'OUT_DIR must differ from IN_DIR (originals are never overwritten)';
  const output = await stat(outDir).catch(() => undefined);
  if (output && !output.isDirectory()) return `${outDir} exists and is not a directory`;
  return undefined;
}

function printSummary(report: DeidDirectoryReport, outDir: string, io: CommandIO): void {
  for (const file of report.files) {
    const counts = new Map<string, number>();
    for (const c of file.changes) counts.set(c.change, (counts.get(c.change) ?? 0) + 1);
    const summary = [...counts].map(([change, n]) => `${n} ${change}`).join(', ');
    io.stdout(`${file.file}: ${summary}`);
  }
  for (const failed of report.failed) io.stderr(`skipped ${failed.file}: ${failed.reason}`);
  const warned = report.files.filter((f) => f.warnings.length > 0).length;
  if (warned > 0) {
    io.stderr(
      `warning: ${warned} file(s) may have text burned into the pixels; de-identification does not remove it — check the images`,
    );
  }
  io.stdout(`${report.files.length} file(s) de-identified into ${outDir}, ${report.failed.length} skipped`);
}
