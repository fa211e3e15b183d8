// Where Jupyter's complete and inspect requests get their answers. The first source asks the kernel
// about its live values; a TypeScript language service over the executed cells can implement the same
// interface and be put in front of it. Cursors here are UTF-16 offsets into the cell's code.
import type { KernelClient } from '../kernel/client';

export interface Completions {
  matches: string[];
  /** The span of `code` the chosen match replaces. */
  cursorStart: number;
  cursorEnd: number;
}

export interface Inspection {
  found: boolean;
  /** A MIME bundle describing what is at the cursor (text/plain at least when found). */
  data: Record<string, string>;
}

export interface CompletionSource {
  complete(code: string, cursor: number): Promise<Completions>;
  inspect(code: string, cursor: number): Promise<Inspection>;
}

/** Completions and inspections from the values the kernel holds now. */
export class LiveCompletions implements CompletionSource {
  constructor(private readonly kernel: () => Promise<KernelClient>) {}

  async complete(code: string, cursor: number): Promise<Completions> {
    const reply = await (await this.kernel()).complete(code, cursor);
    return { matches: reply.matches, cursorStart: reply.start, cursorEnd: reply.end };
  }

  async inspect(code: string, cursor: number): Promise<Inspection> {
    const reply = await (await this.kernel()).inspect(code, cursor);
    return { found: reply.found, data: reply.found ? { 'text/plain': reply.text } : {} };
  }
}
