// Captures everything the kernel process writes to stdout/stderr (console.log, console.error, native
// warnings from libraries) and streams it to the client as the running cell's output. Writes are sent
// immediately while output is sparse and coalesced while it floods, so 1,000 log lines do not become
// 1,000 messages yet a long synchronous loop still streams.
const FLUSH_AFTER_MS = 30;
const MAX_CHUNK = 64 * 1024;

export type StreamName = 'stdout' | 'stderr';
export type StreamSink = (name: StreamName, text: string) => void;

export class StreamCapture {
  private pending: { name: StreamName; text: string; since: number } | undefined;
  private lastFlushAt = 0;
  private flushScheduled = false;

  constructor(private readonly sink: StreamSink) {}

  install(): void {
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = process[name];
      stream.write = ((chunk: string | Uint8Array, encodingOrCb?: unknown, cb?: unknown): boolean => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        this.write(name, text);
        const callback = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
        if (typeof callback === 'function') queueMicrotask(() => (callback as () => void)());
        return true;
      }) as typeof stream.write;
    }
  }

  write(name: StreamName, text: string): void {
    const now = Date.now();
    if (this.pending && this.pending.name !== name) this.flush();
    if (!this.pending && now - this.lastFlushAt >= FLUSH_AFTER_MS) {
      this.lastFlushAt = now;
      this.sink(name, text);
      return;
    }
    if (this.pending) this.pending.text += text;
    else this.pending = { name, text, since: now };
    if (this.pending.text.length >= MAX_CHUNK || now - this.pending.since >= FLUSH_AFTER_MS) {
      this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  /** A new cell starts: its first line is sent at once, even if the last cell just wrote. */
  startCell(): void {
    this.flush();
    this.lastFlushAt = 0;
  }

  flush(): void {
    const p = this.pending;
    this.pending = undefined;
    this.lastFlushAt = Date.now();
    if (p) this.sink(p.name, p.text);
  }
}
