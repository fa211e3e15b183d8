// Jupyter's complete and inspect from the editor's language service: the code executed so far is read as the
// cells above the one being typed, so completions and inspections know their types and documentation, as in
// VS Code. Where types end (an `any` value, nothing at the cursor), the live kernel answers instead.
import path from 'node:path';
import type * as TS from 'typescript';
import type { CellPosition } from '../common/cellLanguage';
import { radnbTypesAt } from '../language/compilerOptions';
import { NotebookLanguageService } from '../language/notebookLanguageService';
import type { CompletionSource, Completions, Inspection } from './completionSource';

const CURRENT = 'current';

export class TypedCompletions implements CompletionSource {
  private service: NotebookLanguageService | undefined;

  constructor(
    private readonly options: {
      notebookDir: string;
      /** radnb's installation folder (its declarations and node_modules). */
      installDir: string;
      /** The inputs this kernel has executed, in order. */
      executed: () => string[];
      /** Answers when the language service has nothing. */
      fallback: CompletionSource;
    },
  ) {}

  async complete(code: string, cursor: number): Promise<Completions> {
    const service = await this.serviceWith(code);
    const found = service.completions(CURRENT, positionAt(code, cursor));
    if (found.entries.length === 0 || found.untypedMemberPath) return this.options.fallback.complete(code, cursor);
    const start = wordStart(code, cursor);
    const matches = found.entries
      .filter((e) => e.name.startsWith(code.slice(start, cursor)))
      .sort((a, b) => a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name))
      .map((e) => e.name);
    return { matches, cursorStart: start, cursorEnd: cursor };
  }

  async inspect(code: string, cursor: number): Promise<Inspection> {
    const service = await this.serviceWith(code);
    // Jupyter asks with the cursor just after the name (`model|` then Shift-Tab): look one character back too.
    const info =
      service.quickInfo(CURRENT, positionAt(code, cursor)) ??
      (cursor > 0 ? service.quickInfo(CURRENT, positionAt(code, cursor - 1)) : undefined);
    const live = await this.options.fallback.inspect(code, cursor);
    if (!info) return live;
    // The type and documentation first, then what the kernel holds under the name, as IPython shows both.
    const value = live.found ? live.data['text/plain'] : undefined;
    const text = [info.signature, info.documentation, value].filter(Boolean).join('\n\n');
    const markdown = [
      `\`\`\`typescript\n${info.signature}\n\`\`\``,
      info.documentation,
      value && `\`\`\`\n${value}\n\`\`\``,
    ]
      .filter(Boolean)
      .join('\n\n');
    return { found: true, data: { 'text/plain': text, 'text/markdown': markdown } };
  }

  private async serviceWith(code: string): Promise<NotebookLanguageService> {
    if (!this.service) {
      const ts = (await import('typescript')).default as typeof TS;
      this.service = new NotebookLanguageService({
        ts,
        notebookFile: path.join(this.options.notebookDir, 'jupyter-kernel.ipynb'),
        radnb: radnbTypesAt(this.options.installDir),
      });
    }
    const earlier = this.options.executed().map((text, i) => ({ id: `in-${i + 1}`, text }));
    this.service.update([...earlier, { id: CURRENT, text: code }]);
    return this.service;
  }
}

function positionAt(code: string, offset: number): CellPosition {
  const before = code.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function wordStart(code: string, cursor: number): number {
  let start = cursor;
  while (start > 0 && /[\w$]/.test(code[start - 1])) start--;
  return start;
}
