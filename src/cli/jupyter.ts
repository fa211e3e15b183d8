// `radnb jupyter install|uninstall|list|kernel`: makes radnb's kernel available to Jupyter and is the
// process Jupyter starts for it. The Jupyter front end (and zeromq) load only for `kernel`.
import { parseArgs } from 'node:util';
import type { CommandIO } from './dicom';
import { installKernelSpec, listKernelSpecs, uninstallKernelSpec, type InstallTarget } from '../jupyter/kernelspec';

const TARGET_OPTIONS = {
  user: { type: 'boolean', default: false },
  'sys-prefix': { type: 'boolean', default: false },
  prefix: { type: 'string' },
  python: { type: 'string', default: 'python3' },
} as const;

export async function runJupyterCommand(args: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'install': {
      const dir = installKernelSpec(installTarget(rest));
      io.stdout(`installed the radnb kernelspec in ${dir}`);
      return 0;
    }
    case 'uninstall': {
      const dir = uninstallKernelSpec(installTarget(rest));
      if (!dir) {
        io.stderr('radnb jupyter uninstall: no radnb kernelspec is installed there');
        return 1;
      }
      io.stdout(`removed ${dir}`);
      return 0;
    }
    case 'list': {
      const specs = listKernelSpecs();
      if (specs.length === 0) io.stdout('no radnb kernelspec is installed (radnb jupyter install)');
      specs.forEach((s, i) =>
        io.stdout(
          `${s.dir}${i === 0 ? '  (used by Jupyter)' : '  (hidden by the one above)'}${s.problem ? `  BROKEN: ${s.problem}` : `  ${s.spec?.argv.slice(0, 2).join(' ')}`}`,
        ),
      );
      return 0;
    }
    case 'kernel': {
      const { values } = parseArgs({ args: rest, options: { 'connection-file': { type: 'string', short: 'f' } } });
      if (!values['connection-file'])
        throw new Error('radnb jupyter kernel needs -f CONNECTION_FILE (Jupyter passes it)');
      const { runJupyterKernel } = await import('../jupyter/jupyterKernel');
      return runJupyterKernel({
        connectionFile: values['connection-file'],
        notebookDir: process.cwd(),
        env: process.env,
        log: (line) => process.stderr.write(`[radnb jupyter] ${line}\n`),
      });
    }
    default:
      throw new Error(`radnb jupyter: unknown subcommand '${sub ?? ''}' (install, uninstall, list, kernel)`);
  }
}

function installTarget(args: string[]): InstallTarget {
  const { values } = parseArgs({ args, options: TARGET_OPTIONS });
  const chosen = [values.user, values['sys-prefix'], values.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new Error('choose one of --user, --sys-prefix and --prefix');
  if (values.prefix !== undefined) return { kind: 'prefix', prefix: values.prefix };
  if (values['sys-prefix']) return { kind: 'sys-prefix', python: values.python };
  return { kind: 'user' };
}
