// Jupyter's is_complete request (a console deciding whether Enter runs the code or opens a new line):
// the code parses (complete), stops at its end mid-construct (incomplete, with the indent for the next
// line), or has an error before its end (invalid). esbuild parses it the way the kernel compiles cells.
import { transformSync } from 'esbuild';

export type Completeness = { status: 'complete' | 'invalid' } | { status: 'incomplete'; indent: string };

const INDENT = '  ';

export function codeCompleteness(code: string): Completeness {
  let error: { text: string; location: { line: number; column: number } | null } | undefined;
  try {
    transformSync(code, { loader: 'ts', logLevel: 'silent' });
    return { status: 'complete' };
  } catch (err) {
    error = (err as { errors?: (typeof error)[] }).errors?.[0];
  }
  if (!error?.location) return { status: 'invalid' };
  const lines = code.split('\n');
  const { line, column } = error.location;
  // esbuild counts columns in UTF-8 bytes.
  const offset =
    lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) +
    Buffer.from(lines[line - 1] ?? '')
      .subarray(0, column)
      .toString().length;
  const atEnd = code.slice(offset).trim() === '';
  // A quoted string cannot continue on the next line; a template literal can.
  const openString = /Unterminated string literal/.test(error.text) && !hasOpenTemplate(code);
  if (!atEnd || openString) return { status: 'invalid' };
  const lastLine = [...lines].reverse().find((l) => l.trim() !== '') ?? '';
  const indent = /^\s*/.exec(lastLine)![0] + (/[{([]\s*$/.test(lastLine) ? INDENT : '');
  return { status: 'incomplete', indent };
}

function hasOpenTemplate(code: string): boolean {
  return (code.replace(/\\./g, '').match(/`/g)?.length ?? 0) % 2 === 1;
}
