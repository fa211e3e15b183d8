// Maps stack frames of evaluated cells back to the cell's TypeScript lines. Every execution is
// evaluated under its own script name (sourceURL); functions defined in one cell and called from another
// keep their own cell's name, so the maps of past executions are kept (bounded).
import { SourceMap } from 'node:module';

const MAX_SCRIPTS = 2000;
const CELL_LOCATION = /([\w.-]+\.radnb-cell\.js):(\d+):(\d+)/;
/** Frames of the kernel itself or of Node's internals: noise in a user's stack. */
const KERNEL_FRAME = /[/\\](out|src)[/\\]kernel[/\\]|node:internal|node:inspector|new Promise \(<anonymous>\)/;

interface ScriptInfo {
  cellName: string;
  map: SourceMap;
}

export class StackMapper {
  private readonly scripts = new Map<string, ScriptInfo>();

  register(scriptName: string, cellName: string, sourceMapJson: string): void {
    this.scripts.set(scriptName, { cellName, map: new SourceMap(JSON.parse(sourceMapJson)) });
    if (this.scripts.size > MAX_SCRIPTS) {
      const oldest = this.scripts.keys().next().value as string;
      this.scripts.delete(oldest);
    }
  }

  /** Rewrites `script:line:col` locations of known cells to `Cell N:line:col` in the TypeScript source,
   *  and drops the frames below the outermost cell frame (the kernel's own), which say nothing about the
   *  user's code. */
  mapStack(stack: string): string {
    const lines = stack.split('\n');
    const isFrame = (line: string) => /^\s+at /.test(line);
    const lastCellFrame = lines.findLastIndex((line) => isFrame(line) && CELL_LOCATION.test(line));
    const kept = lines.filter(
      (line, i) => !isFrame(line) || (!KERNEL_FRAME.test(line) && (lastCellFrame < 0 || i <= lastCellFrame)),
    );
    return kept
      .map((line) =>
        line.replace(new RegExp(CELL_LOCATION.source, 'g'), (whole, name: string, l: string, c: string) => {
          const pos = this.original(name, Number(l), Number(c));
          return pos ? `${pos.cellName}:${pos.line}:${pos.column}` : whole;
        }),
      )
      .join('\n');
  }

  /** 1-based position in the cell's TypeScript for a 1-based position in the evaluated script. */
  original(
    scriptName: string,
    line: number,
    column: number,
  ): { cellName: string; line: number; column: number } | undefined {
    const info = this.scripts.get(scriptName);
    if (!info) return undefined;
    const entry = info.map.findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number };
    if (entry.originalLine === undefined) return { cellName: info.cellName, line, column };
    return { cellName: info.cellName, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
  }
}
