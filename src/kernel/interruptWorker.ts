// Runs on a worker thread of the kernel. It reads interrupt requests from the kernel's interrupt pipe
// (the main thread cannot read anything while user code spins) and first lets the main thread handle the
// request itself; only if the main thread does not answer in time — it is stuck in synchronous code —
// does it terminate the running JavaScript through the inspector. Termination stops that code but keeps
// every global, unlike terminating a worker or the process.
import { Session } from 'node:inspector';
import { Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { INTERRUPT_BYTE, INTERRUPT_FD } from '../common/kernelProtocol';
import { ACKED, MAIN_THREAD_GRACE_MS, REQUESTED, type InterruptRequest } from './interruptFlags';

/** How long a kernel whose client is gone may take to exit by itself. */
const ORPHAN_GRACE_MS = 2000;

const flags = new Int32Array((workerData as { flags: SharedArrayBuffer }).flags);
const session = new Session();
session.connectToMainThread();

const pipe = new Socket({ fd: INTERRUPT_FD, readable: true, writable: false });
pipe.on('data', (bytes: Buffer) => {
  if (bytes.includes(INTERRUPT_BYTE)) requestInterrupt();
});
pipe.on('error', () => undefined);
// The pipe closing means the client is gone. The kernel's IPC channel then ends the process, unless code
// spins on the main thread: then it is ended from here, so no kernel outlives its client.
pipe.on('close', () => setTimeout(() => process.kill(process.pid, 'SIGKILL'), ORPHAN_GRACE_MS));

function requestInterrupt(): void {
  const at = Date.now();
  const acked = Atomics.load(flags, ACKED);
  const request = Atomics.add(flags, REQUESTED, 1) + 1;
  parentPort?.postMessage({ request, at } satisfies InterruptRequest);
  const deadline = Date.now() + MAIN_THREAD_GRACE_MS;
  while (Atomics.load(flags, ACKED) < request && Date.now() < deadline) {
    Atomics.wait(flags, ACKED, acked, Math.max(1, deadline - Date.now()));
  }
  if (Atomics.load(flags, ACKED) < request) session.post('Runtime.terminateExecution');
}
