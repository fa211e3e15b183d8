// Member completions (`x.` as it is typed) from the type checker of the program before the keystroke.
// Every edit makes TypeScript build a new program and a cold checker, which must infer again the types
// of the cells above and resolve tfjs' export table (tens of ms); when the text before the dot (or before
// the name being typed) is unchanged, the previous checker already knows the type, and the members are
// read from it.
import type * as TS from 'typescript';
import { expressionEndingAt, namePath, nodeAt } from './syntax';

export interface WarmMembers {
  /** `[Symbol]` replaces the dot and what was typed after it, as in TypeScript's own list. */
  entries: {
    name: string;
    kind: string;
    kindModifiers?: string;
    sortText: string;
    insertText?: string;
    replacesDot?: boolean;
  }[];
  /** The expression's type is `any` or `unknown`: the caller asks the live kernel. */
  untyped: boolean;
  /** The expression, as the live kernel would be asked for it: `a.b` → ['a', 'b']; undefined when not a name path. */
  path?: string[];
}

/** TypeScript's sort text for members of the accessed type (services' SortText.LocationPriority). */
const MEMBER_SORT = '11';
const DEPRECATED_SORT = `z${MEMBER_SORT}`;
/** Members keyed by a well-known symbol (`[Symbol.iterator]`) are offered through `[Symbol]`, after the members. */
const SYMBOL_ENTRY = { name: 'Symbol', kind: 'var', sortText: '15', insertText: '[Symbol]', replacesDot: true };

/**
 * The members at `dot` (the offset of the `.` in `text`), read from `previous`, or undefined when the
 * previous program cannot answer for this text: the expression is not a value (a namespace import such as
 * `tf.` is left to TypeScript's own completions), it is not found, or the text before it differs.
 */
export function warmMemberCompletions(
  ts: typeof TS,
  previous: TS.Program,
  fileName: string,
  text: string,
  dot: number,
): WarmMembers | undefined {
  const old = previous.getSourceFile(fileName);
  if (!old) return undefined;
  const checker = previous.getTypeChecker();
  const typed = typedNamePath(text, dot);
  let found: { type: TS.Type; target: TS.Symbol | undefined; path: string[] | undefined } | undefined;
  if (old.text.slice(0, dot) === text.slice(0, dot)) found = fromExpression(ts, checker, old, dot);
  // Keystrokes came faster than checks: the previous program has only part of the name typed since. The
  // name is then looked up in the scope where it starts, which the text before it decides.
  else if (typed && old.text.slice(0, typed.start) === text.slice(0, typed.start))
    found = fromScope(ts, checker, old, typed.start, typed.path);
  if (!found) return undefined;
  const { type, target, path } = found;
  if (target && target.flags & (ts.SymbolFlags.Module | ts.SymbolFlags.Namespace | ts.SymbolFlags.Enum))
    return undefined;
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))
    return { entries: [], untyped: true, ...(path && { path }) };
  const properties = checker.getPropertiesOfType(checker.getApparentType(type));
  const entries: WarmMembers['entries'] = properties
    .filter((property) => isPublic(ts, property) && !property.name.startsWith('__@') && !property.name.startsWith('#'))
    .map((property) => {
      const deprecated = property.getJsDocTags(checker).some((tag) => tag.name === 'deprecated');
      const modifiers = [property.flags & ts.SymbolFlags.Optional ? 'optional' : '', deprecated ? 'deprecated' : '']
        .filter(Boolean)
        .join(',');
      // `h["content-type"]`, as TypeScript writes a member whose name is not an identifier.
      const bracketed = isIdentifierText(ts, property.name)
        ? {}
        : { insertText: `[${JSON.stringify(property.name)}]`, replacesDot: true };
      return {
        name: property.name,
        kind: memberKind(ts, property),
        ...(modifiers && { kindModifiers: modifiers }),
        sortText: deprecated ? DEPRECATED_SORT : MEMBER_SORT,
        ...bracketed,
      };
    });
  if (properties.some((property) => property.name.startsWith('__@'))) entries.push(SYMBOL_ENTRY);
  return { entries, untyped: false, ...(path && { path }) };
}

/** The previous program holds the same text up to the dot: the checker's own type of the expression, narrowing included. */
function fromExpression(ts: typeof TS, checker: TS.TypeChecker, old: TS.SourceFile, dot: number) {
  const expression = expressionEndingAt(ts, old, dot);
  if (!expression) return undefined;
  const symbol = checker.getSymbolAtLocation(expression);
  const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return { type: checker.getTypeAtLocation(expression), target, path: namePath(ts, expression) };
}

/** `a.b` typed since: `a` looked up in the scope at `start`, then `b` among its type's properties (declared types). */
function fromScope(ts: typeof TS, checker: TS.TypeChecker, old: TS.SourceFile, start: number, path: string[]) {
  const location = nodeAt(ts, old, Math.min(start, old.text.length - 1)) ?? old;
  const [root, ...members] = path;
  const symbol = checker
    .getSymbolsInScope(location, ts.SymbolFlags.Value | ts.SymbolFlags.Alias)
    .find((s) => s.name === root);
  if (!symbol) return undefined;
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  let type = checker.getTypeOfSymbolAtLocation(target, location);
  let last = target;
  for (const name of members) {
    const property = checker.getPropertyOfType(checker.getApparentType(type), name);
    if (!property) return undefined;
    last = property;
    type = checker.getTypeOfSymbolAtLocation(property, location);
  }
  // A declared union may be narrowed where it is used (an `if` above): only the new text could say.
  if (type.isUnion()) return undefined;
  return { type, target: last, path };
}

/** `a.b.` → the names a, b and where `a` starts; undefined unless only names and dots come before the dot. */
function typedNamePath(text: string, dot: number): { start: number; path: string[] } | undefined {
  const match = /(?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*$/.exec(text.slice(Math.max(0, dot - 200), dot));
  if (!match) return undefined;
  const start = dot - match[0].length;
  return start > 0 && /[\w$.]/.test(text[start - 1]) ? undefined : { start, path: match[0].split('.') };
}

function isIdentifierText(ts: typeof TS, name: string): boolean {
  const points = [...name].map((c) => c.codePointAt(0) ?? 0);
  return (
    points.length > 0 &&
    ts.isIdentifierStart(points[0], ts.ScriptTarget.Latest) &&
    points.every((c) => ts.isIdentifierPart(c, ts.ScriptTarget.Latest))
  );
}

function isPublic(ts: typeof TS, symbol: TS.Symbol): boolean {
  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  return (
    !declaration ||
    !(ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))
  );
}

/** TypeScript's ScriptElementKind for a member, as its own completions name it. */
function memberKind(ts: typeof TS, symbol: TS.Symbol): string {
  const flags = symbol.flags;
  if (flags & ts.SymbolFlags.Method) return 'method';
  if (flags & ts.SymbolFlags.GetAccessor) return 'getter';
  if (flags & ts.SymbolFlags.SetAccessor) return 'setter';
  if (flags & ts.SymbolFlags.EnumMember) return 'enum member';
  if (flags & ts.SymbolFlags.Function) return 'function';
  if (flags & ts.SymbolFlags.Class) return 'class';
  return 'property';
}
