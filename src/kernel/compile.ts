// Turns a TypeScript cell into a script the kernel can evaluate in REPL mode:
// esbuild strips the types (keeping a source map), then a syntax-tree pass rewrites what REPL-mode
// scripts cannot contain — static `import`/`export` — and routes `await` through the interrupt check so
// that a stopped cell's pending loops end at their next await. Edits never add or remove line breaks,
// so the esbuild map still gives the right TypeScript line.
import { transform } from 'esbuild';
import { parse, type Node } from 'acorn';
import { simple as walkSimple } from 'acorn-walk';

/** Name of the kernel's runtime helper object in the evaluated script's global scope. */
export const RUNTIME = '__radnb';

export interface CompiledCell {
  js: string;
  /** esbuild's source map (JSON) from `js` to the cell's TypeScript. */
  map: string;
  /** Names of the cell's top-level `var` and function declarations (they live on the global object). */
  globalNames: string[];
}

export class CompileError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'CompileError';
  }
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

export async function compileCell(source: string, fileName: string): Promise<CompiledCell> {
  let result;
  try {
    result = await transform(source, {
      loader: 'ts',
      format: 'esm',
      target: 'esnext',
      sourcemap: 'external',
      sourcefile: fileName,
      // Keep imports whose names are used only in later cells.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      logLevel: 'silent',
    });
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors?.[0];
    if (!first) throw err;
    throw new CompileError(first.text, first.location?.line ?? 1, (first.location?.column ?? 0) + 1);
  }
  const { js, globalNames } = rewriteModuleSyntax(result.code);
  const folded = endsWithExpression(js) ? undefined : await foldedLastExpression(source);
  return { js: folded ? `${js}\n${folded}` : js, map: result.map, globalNames };
}

/** Wraps a recovered last expression so the evaluated script's completion value is its value. */
export const KEEP_VALUE = `${RUNTIME}.value`;

/** Lines at the end of a cell that may hold a last expression esbuild folded away. */
const MAX_TAIL_LINES = 5;
/** Last lines that cannot end an expression statement: declarations, blocks, type syntax. */
const NOT_AN_EXPRESSION_END =
  /^(const|let|var|function|async function|class|interface|type|enum|declare|namespace|module|import|export|if|for|while|do|switch|try|return|throw|break|continue)\b|^[}\]]?\s*$/;

/**
 * esbuild drops a last expression statement that it folds to a constant (`-5`, `'a' + 'b'`, `void 0`),
 * which would lose the cell's displayed value. When the compiled script does not end with an expression
 * but the cell's last lines form one — and the lines before them compile on their own, so they really
 * start a statement — the expression is compiled again, kept alive by a call, and appended.
 */
async function foldedLastExpression(source: string): Promise<string | undefined> {
  const lines = source.replace(/\s+$/, '').split('\n');
  const lastLine = lines[lines.length - 1].replace(/\/\/.*$/, '').trim();
  if (lines.length === 0 || NOT_AN_EXPRESSION_END.test(lastLine)) return undefined;
  for (let k = 1; k <= Math.min(MAX_TAIL_LINES, lines.length); k++) {
    const tail = lines.slice(-k).join('\n').replace(/;\s*$/, '');
    const head = lines.slice(0, -k).join('\n');
    const kept = await compilesTo(`${KEEP_VALUE}((\n${tail}\n));`);
    if (kept !== undefined && (await compilesTo(head)) !== undefined) return kept.replace(/\s+/g, ' ').trim();
  }
  return undefined;
}

async function compilesTo(ts: string): Promise<string | undefined> {
  try {
    return (await transform(ts, { loader: 'ts', format: 'esm', target: 'esnext', logLevel: 'silent' })).code;
  } catch {
    return undefined;
  }
}

function endsWithExpression(js: string): boolean {
  const body = (
    parse(js, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true }) as unknown as {
      body: AnyNode[];
    }
  ).body;
  return body.length > 0 && body[body.length - 1].type === 'ExpressionStatement';
}

/** Rewrites import/export declarations, dynamic import() and await for REPL-mode evaluation. */
export function rewriteModuleSyntax(js: string): { js: string; globalNames: string[] } {
  const ast = parse(js, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true });
  const edits: Edit[] = [];
  const globalNames: string[] = [];
  let moduleCount = 0;
  for (const node of (ast as unknown as { body: AnyNode[] }).body) {
    const declaration: AnyNode = node.type === 'ExportNamedDeclaration' && node.declaration ? node.declaration : node;
    if (declaration.type === 'FunctionDeclaration') globalNames.push(declaration.id.name);
    if (declaration.type === 'VariableDeclaration' && declaration.kind === 'var') {
      for (const d of declaration.declarations as AnyNode[]) globalNames.push(...patternNames(d.id));
    }
    switch (node.type) {
      case 'ImportDeclaration':
        edits.push({
          start: node.start,
          end: node.end,
          text: keepLines(js, node, importStatement(node, moduleCount++)),
        });
        break;
      case 'ExportNamedDeclaration':
        if (node.declaration) edits.push({ start: node.start, end: node.declaration.start, text: '' });
        else edits.push({ start: node.start, end: node.end, text: keepLines(js, node, reexport(node)) });
        break;
      case 'ExportDefaultDeclaration':
        edits.push({ start: node.start, end: node.declaration.start, text: '' });
        break;
      case 'ExportAllDeclaration':
        edits.push({ start: node.start, end: node.end, text: keepLines(js, node, '') });
        break;
    }
  }
  walkSimple(ast as Node, {
    ImportExpression(node) {
      const n = node as unknown as AnyNode;
      edits.push({ start: n.start, end: n.source.start, text: `${RUNTIME}.import(` });
    },
    AwaitExpression(node) {
      const n = node as unknown as AnyNode;
      edits.push({ start: n.argument.start, end: n.argument.start, text: `${RUNTIME}.checked(` });
      edits.push({ start: n.argument.end, end: n.argument.end, text: ')' });
    },
  });
  return { js: applyEdits(js, edits), globalNames };
}

function patternNames(pattern: AnyNode): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return (pattern.properties as AnyNode[]).flatMap((p) =>
        patternNames(p.type === 'RestElement' ? p.argument : p.value),
      );
    case 'ArrayPattern':
      return (pattern.elements as (AnyNode | null)[]).flatMap((e) => (e ? patternNames(e) : []));
    case 'RestElement':
      return patternNames(pattern.argument);
    case 'AssignmentPattern':
      return patternNames(pattern.left);
    default:
      return [];
  }
}

// acorn's ESTree nodes, typed loosely for the few fields this pass reads.
interface AnyNode {
  type: string;
  start: number;
  end: number;
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function importStatement(node: AnyNode, index: number): string {
  const load = `await ${RUNTIME}.import(${JSON.stringify(node.source.value)})`;
  if (node.specifiers.length === 0) return `${load};`;
  const ns = `__radnb_m${index}`;
  const parts: string[] = [`const ${ns} = ${load};`];
  const named: string[] = [];
  for (const s of node.specifiers as AnyNode[]) {
    if (s.type === 'ImportNamespaceSpecifier') parts.push(`const ${s.local.name} = ${ns};`);
    else if (s.type === 'ImportDefaultSpecifier')
      parts.push(`const ${s.local.name} = ${RUNTIME}.defaultExport(${ns});`);
    else {
      const imported = s.imported.type === 'Literal' ? JSON.stringify(s.imported.value) : s.imported.name;
      named.push(imported === s.local.name ? imported : `${imported}: ${s.local.name}`);
    }
  }
  if (named.length > 0) parts.push(`const { ${named.join(', ')} } = ${ns};`);
  return parts.join(' ');
}

/** `export { a, b as c }` only names bindings for other modules: it has no meaning in a notebook.
 *  `export { a } from 'm'` still loads the module, as the user may rely on its side effects. */
function reexport(node: AnyNode): string {
  return node.source ? `await ${RUNTIME}.import(${JSON.stringify(node.source.value)});` : '';
}

/** Pads a replacement with the line breaks of the text it replaces, so later lines keep their numbers. */
function keepLines(js: string, node: AnyNode, replacement: string): string {
  const breaks = js.slice(node.start, node.end).split('\n').length - 1;
  return replacement + '\n'.repeat(breaks);
}

function applyEdits(js: string, edits: Edit[]): string {
  // By position; at the same offset, pure inserts go before a replacement starting there (so
  // `await import(x)` wraps the rewritten import), and inserts keep their discovery order.
  const isInsert = (e: Edit) => (e.start === e.end ? 0 : 1);
  const ordered = edits
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => a.start - b.start || isInsert(a) - isInsert(b) || a.i - b.i);
  let out = '';
  let pos = 0;
  for (const e of ordered) {
    out += js.slice(pos, e.start) + e.text;
    pos = Math.max(pos, e.end);
  }
  return out + js.slice(pos);
}
