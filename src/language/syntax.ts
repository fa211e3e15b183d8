// Small questions about a cell's syntax tree that several answers share.
import type * as TS from 'typescript';

/** The innermost node whose text covers `offset`. */
export function nodeAt(ts: typeof TS, file: TS.SourceFile, offset: number): TS.Node | undefined {
  const find = (node: TS.Node): TS.Node | undefined => {
    if (offset < node.getStart(file) || offset >= node.getEnd()) return undefined;
    return ts.forEachChild(node, find) ?? node;
  };
  return find(file);
}

/** The longest expression of `file` that ends at `end`: `a.b` in `a.b.`, not just `b`. */
export function expressionEndingAt(ts: typeof TS, file: TS.SourceFile, end: number): TS.Expression | undefined {
  let node = nodeAt(ts, file, end - 1);
  while (
    node?.parent &&
    node.parent.getEnd() === end &&
    !ts.isExpressionStatement(node.parent) &&
    !ts.isSourceFile(node.parent)
  )
    node = node.parent;
  return node && ts.isExpression(node) && node.getEnd() === end ? node : undefined;
}

/** `a.b.c` → ['a', 'b', 'c']; anything else (a call, an index) → undefined. */
export function namePath(ts: typeof TS, expression: TS.Expression): string[] | undefined {
  const names: string[] = [];
  let current: TS.Expression = expression;
  while (ts.isPropertyAccessExpression(current)) {
    names.unshift(current.name.text);
    current = current.expression;
  }
  return ts.isIdentifier(current) ? [current.text, ...names] : undefined;
}
