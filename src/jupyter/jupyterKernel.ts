// `radnb jupyter kernel -f CONNECTION_FILE`: the process Jupyter starts for a notebook with the radnb
// kernelspec. It wires the connection file, the sockets, the message handlers and radnb's kernel child,
// and ends cleanly on a shutdown request or SIGTERM; SIGINT (Jupyter's signal interrupt) stops the cell.
import path from 'node:path';
import { LiveCompletions } from './completionSource';
import { readConnectionFile } from './connectionFile';
import { ExecutionHistory } from './executionHistory';
import { KernelChild, paramsFromEnvironment } from './kernelChild';
import { KernelSockets } from './kernelSockets';
import { MessageHandlers } from './messageHandlers';
import { TypedCompletions } from './typedCompletions';

export interface JupyterKernelOptions {
  connectionFile: string;
  /** Folder cells run in (Jupyter starts kernels in the notebook's folder). */
  notebookDir: string;
  env: NodeJS.ProcessEnv;
  log(line: string): void;
}

/** Runs until the kernel is shut down; resolves with the process exit code. */
export async function runJupyterKernel(options: JupyterKernelOptions): Promise<number> {
  const connection = readConnectionFile(options.connectionFile);
  const kernel = new KernelChild({
    notebookDir: options.notebookDir,
    params: paramsFromEnvironment(options.env),
    allowIdentifiers: options.env.RADNB_ALLOW_IDENTIFIERS === '1',
    backend: options.env.RADNB_BACKEND,
    log: options.log,
  });
  let handlers: MessageHandlers | undefined;
  const sockets = await KernelSockets.bind(connection, { onMessage: (m) => handlers?.handle(m), log: options.log });
  return new Promise((resolve) => {
    let ending = false;
    const end = async () => {
      if (ending) return;
      ending = true;
      await kernel.shutdown();
      await sockets.close();
      resolve(0);
    };
    const history = new ExecutionHistory();
    handlers = new MessageHandlers({
      transport: sockets,
      kernel,
      completions: new TypedCompletions({
        notebookDir: options.notebookDir,
        installDir: path.resolve(__dirname, '..', '..'),
        executed: () => history.inputs(),
        fallback: new LiveCompletions(() => kernel.ready()),
      }),
      history,
      connection,
      log: options.log,
      onShutdown: () => void end(),
    });
    process.on('SIGINT', () => kernel.interrupt());
    process.on('SIGTERM', () => void end());
    // The notebook's variables live in the kernel child: a bug here must not end it with this process.
    process.on('uncaughtException', (err) => options.log(`internal error: ${err.stack ?? String(err)}`));
    process.on('unhandledRejection', (reason) =>
      options.log(`internal error: ${String((reason as Error)?.stack ?? reason)}`),
    );
    void handlers.starting();
    // Start the kernel process now, so the first cell does not wait for it; a failure shows on that cell.
    kernel.ready().catch((err: Error) => options.log(err.message));
  });
}
