// Test-only entry for the teams commands until the lead wires them into src/cli/radnb.ts:
// `node --import tsx test/teams/cli.ts clean --stdin`. Same contract: exit code, one-line reason on error.
import { runAssignCommand } from '../../src/cli/assign';
import { runCleanCommand } from '../../src/cli/clean';
import { runGradeCommand } from '../../src/cli/grade';

const commands: Record<string, (args: string[]) => Promise<number>> = {
  assign: runAssignCommand,
  clean: runCleanCommand,
  grade: runGradeCommand,
};

const [name, ...args] = process.argv.slice(2);
commands[name](args).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`radnb ${name}: ${err.message}\n`);
    process.exit(2);
  },
);
