// The inputs (and text results) of this kernel's executions, for Jupyter's history requests: the last n,
// a range of execution counts, or a glob search. Kept in memory for the life of the kernel process.

export interface HistoryEntry {
  line: number;
  input: string;
  /** The execute_result's text/plain, if the cell had one. */
  output: string | null;
}

export interface HistoryQuery {
  hist_access_type?: 'tail' | 'range' | 'search';
  output?: boolean;
  session?: number;
  start?: number;
  stop?: number;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

/** One row of a history reply: [session, line, input] or [session, line, [input, output]]. */
export type HistoryRow = [number, number, string | [string, string | null]];

/** Jupyter's number for the current session (IPython counts sessions in its database; there is one here). */
export const SESSION_NUMBER = 1;

export class ExecutionHistory {
  private readonly entries: HistoryEntry[] = [];

  add(entry: HistoryEntry): void {
    this.entries.push(entry);
  }

  /** The inputs in execution order: the cells "above" the one being typed, for the language service. */
  inputs(): string[] {
    return this.entries.map((e) => e.input);
  }

  query(q: HistoryQuery): HistoryRow[] {
    return this.select(q).map((e) => [SESSION_NUMBER, e.line, q.output ? [e.input, e.output] : e.input]);
  }

  private select(q: HistoryQuery): HistoryEntry[] {
    switch (q.hist_access_type) {
      case 'tail':
        return last(this.entries, q.n ?? 10);
      case 'range': {
        // Session 0 and negative offsets both mean this one: earlier sessions are not kept.
        if (q.session !== undefined && q.session > 0 && q.session !== SESSION_NUMBER) return [];
        const start = q.start ?? 0;
        const stop = q.stop ?? Number.POSITIVE_INFINITY;
        return this.entries.filter((e) => e.line >= start && e.line < stop);
      }
      case 'search': {
        const pattern = globPattern(q.pattern ?? '*');
        let found = this.entries.filter((e) => pattern.test(e.input));
        if (q.unique) {
          // The latest run of each input stays.
          const seen = new Set<string>();
          found = found
            .reverse()
            .filter((e) => !seen.has(e.input) && seen.add(e.input))
            .reverse();
        }
        return q.n ? last(found, q.n) : found;
      }
      default:
        return [];
    }
  }
}

function last<T>(items: T[], n: number): T[] {
  return n > 0 ? items.slice(-n) : [];
}

/** IPython's history search uses SQLite GLOB: `*` any text, `?` one character, case-sensitive. */
function globPattern(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[\\s\\S]*')
    .replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${body}$`);
}
