// Entry point of the kernel child process (one per notebook). It is started by a kernel client
// (src/kernel/client.ts) with an IPC channel and an interrupt pipe on fd 4, and must be run with
// --no-force-async-hooks-checks so that terminating a spinning callback does not abort Node.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { KernelMessage, KernelRequest } from '../common/kernelProtocol';
import { setIdentifiersAllowed } from '../common/phi';
import { Evaluator } from './evaluator';
import { ACKED, FLAG_COUNT, type InterruptRequest } from './interruptFlags';
import { Kernel } from './kernel';
import { LiveNames } from './liveNames';
import { ModuleLoader } from './moduleLoader';
import { redactMessage } from './redact';
import { silenceExperimentalImportWarning } from './warnings';

const MIN_NODE_MAJOR = 20;

function main(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    process.stderr.write(
      `radnb kernel needs Node.js ${MIN_NODE_MAJOR} or newer; this is ${process.version} (${process.execPath})\n`,
    );
    process.exit(3);
  }
  if (!process.send) {
    process.stderr.write('radnb kernel must be started by radnb (it talks over an IPC channel)\n');
    process.exit(2);
  }
  silenceExperimentalImportWarning();

  const allowIdentifiers = process.env.RADNB_ALLOW_IDENTIFIERS === '1';
  setIdentifiersAllowed(allowIdentifiers);
  const send = (message: KernelMessage) => process.send?.(allowIdentifiers ? message : redactMessage(message));
  const radnbDir = path.resolve(__dirname, '..', '..');
  const libraryPath = path.join(radnbDir, 'out', 'lib', 'index.js');
  const loadLibrary = () => require(libraryPath) as Record<string, unknown>;
  const notebookDir = process.env.RADNB_NOTEBOOK_DIR || process.cwd();

  const loader = new ModuleLoader({
    notebookDir,
    radnbDir,
    loadLibrary,
    beforeTfjs: async () => {
      const lib = loadLibrary() as {
        initBackend?: (o: { prefer?: string; packagePaths?: string[] }) => Promise<{ name: string; reason: string }>;
      };
      if (!lib.initBackend) return;
      // Backends installed outside radnb's node_modules (the extension's storage, CI's cache).
      const packagePaths = (process.env.RADNB_BACKEND_PACKAGES ?? '').split(path.delimiter).filter(Boolean);
      const info = await lib.initBackend({ prefer: process.env.RADNB_BACKEND || 'auto', packagePaths });
      send({ type: 'backend', name: info.name, reason: info.reason });
    },
  });

  const kernel = new Kernel({
    evaluator: new Evaluator(),
    loader,
    notebookDir,
    maxOutputBytes: Number(process.env.RADNB_MAX_OUTPUT_BYTES) || 8 * 1024 * 1024,
    send,
  });

  const flags = new Int32Array(new SharedArrayBuffer(FLAG_COUNT * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(path.join(__dirname, 'interruptWorker.js'), { workerData: { flags: flags.buffer } });
  worker.unref();
  worker.on('message', ({ request, at }: InterruptRequest) => {
    Atomics.store(flags, ACKED, request);
    Atomics.notify(flags, ACKED);
    kernel.interrupt(at);
  });

  // A throw from a timer or an unhandled rejection must not kill the notebook's state.
  process.on('uncaughtException', (err) => kernel.reportBackgroundError(err));
  process.on('unhandledRejection', (reason) => kernel.reportBackgroundError(reason));

  const liveNames = new LiveNames();
  process.on('message', (request: KernelRequest) => {
    if (request.type === 'execute') void kernel.execute(request);
    else if (request.type === 'complete') void liveNames.complete(request).then(send);
    else if (request.type === 'inspect') void liveNames.inspect(request).then(send);
    else if (request.type === 'shutdown') process.exit(0);
  });
  // The client going away (extension host reload, runner killed) ends the kernel.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', pid: process.pid, nodeVersion: process.version });
}

main();
