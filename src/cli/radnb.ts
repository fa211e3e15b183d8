// The `radnb` command: headless notebook runs and DICOM tools. Each subcommand lives in its own module;
// this file only dispatches and turns failures into a one-line reason and a non-zero exit code.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runAssignCommand } from './assign';
import { runCheckCommand } from './check';
import { runCleanCommand } from './clean';
import { runDicomCommand, type CommandIO } from './dicom';
import { runExportCommand } from './export';
import { runGradeCommand } from './grade';
import { runJupyterCommand } from './jupyter';
import { parseParams } from './params';
import { runNotebook } from './run';
import { UsageError } from './usageError';

const USAGE = `usage:
  radnb run NOTEBOOK.radnb [--out EXECUTED.radnb] [--param name=value]... [--timeout SECONDS] [--backend NAME]
            [--allow-identifiers]
      runs the notebook it is given, wherever it is: its code can do anything you can
  radnb check NB|DIR... [--json]
  radnb clean NB... [--check] [--stdin] [--outputs all|small|none] [--max-image-bytes N] [--drop-runs]
  radnb export NB --to ipynb|html [--out FILE]
  radnb assign SOURCE.radnb [--out STUDENT.radnb]
  radnb grade SUBMISSIONS_DIR --source SOURCE.radnb [--out DIR] [--timeout SECONDS] [--param name=value]...
            [--shard INDEX/COUNT]
  radnb grade --merge GRADED_DIR... [--out DIR]
  radnb dicom info FILE... [--json] [--phi]
  radnb dicom export FILE --out PATH.npy|PATH.png [--raw] [--frame N] [--window C,W | --preset NAME]
  radnb dicom deid IN_DIR OUT_DIR [--secret TEXT] [--json]
  radnb jupyter install [--user | --sys-prefix [--python PYTHON] | --prefix PREFIX]
  radnb jupyter uninstall [--user | --sys-prefix | --prefix PREFIX]
  radnb jupyter list
  radnb jupyter kernel -f CONNECTION_FILE   (started by Jupyter; runs cells with your rights)
`;

type Command = (args: string[]) => Promise<number>;

const consoleIO: CommandIO = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

const commands: Record<string, Command> = {
  run: runCommand,
  check: runCheckCommand,
  clean: runCleanCommand,
  export: runExportCommand,
  assign: runAssignCommand,
  grade: runGradeCommand,
  dicom: (args) => runDicomCommand(args, consoleIO),
  jupyter: (args) => runJupyterCommand(args, consoleIO),
};

async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      param: { type: 'string', multiple: true, default: [] },
      timeout: { type: 'string', default: '0' },
      backend: { type: 'string' },
      node: { type: 'string' },
      'allow-identifiers': { type: 'boolean', default: false },
      // Naming the notebook is the act of trust (as with nbconvert and papermill); 0.1.0 asked for
      // --trust outside the current folder, so scripts that pass it keep working.
      trust: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('radnb run takes exactly one notebook');
  if (!existsSync(positionals[0])) throw new Error(`${positionals[0]}: no such notebook`);
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0)
    throw new UsageError(`--timeout must be a number of seconds, not '${values.timeout}'`);
  const summary = await runNotebook(positionals[0], {
    out: values.out,
    params: parseParams(values.param ?? []),
    timeoutSeconds,
    backend: values.backend,
    nodePath: values.node,
    allowIdentifiers: values['allow-identifiers'],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (!summary.ok) {
    process.stderr.write(
      `radnb run: ${positionals[0]}: cell ${summary.failedCell} failed; outputs saved to ${summary.outFile}\n`,
    );
    return 1;
  }
  process.stderr.write(`radnb run: ${summary.executed} cells ok; outputs saved to ${summary.outFile}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(
      name && name !== '--help' && name !== '-h' ? `radnb: unknown command '${name}'\n${USAGE}` : USAGE,
    );
    return name && name !== '--help' && name !== '-h' ? 2 : 0;
  }
  try {
    return await command(rest);
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`radnb ${name}: ${e.message}\n`);
    if (err instanceof UsageError) process.stderr.write(USAGE);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
