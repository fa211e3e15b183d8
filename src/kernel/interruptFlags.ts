// Layout of the shared counters through which the interrupt worker and the kernel's main thread agree
// whether the main thread is responsive (see interruptWorker.ts).
export const REQUESTED = 0;
export const ACKED = 1;
export const FLAG_COUNT = 2;
/** How long the main thread may take to answer before its running code is terminated. */
export const MAIN_THREAD_GRACE_MS = 150;

/** What the worker tells the main thread: the request's number and when the user asked (Date.now()). */
export interface InterruptRequest {
  request: number;
  at: number;
}
