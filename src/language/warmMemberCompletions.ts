// Member completions (`x.` as it is typed) from the type checker of the program before the keystroke.
// Every edit makes TypeScript build a new program and a cold checker, which must infer again the types
// of the cells above and resolve tfjs' export table (tens of ms); when everything before the dot is
// unchanged, the previous checker already knows the type, and the members are read from it.
import type * as TS from 'typescript';
import { expressionEndingAt, namePath } from './syntax';

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
 * previous program cannot answer for this text: the text before the dot differs, the expression is not a
 * value (a namespace import such as `tf.` is left to TypeScript's own completions), or it is not found.
 */
export function warmMemberCompletions(
  ts: typeof TS,
  previous: TS.Program,
  fileName: string,
  text: string,
  dot: number,
): WarmMembers | undefined {
  const old = previous.getSourceFile(fileName);
  if (!old || old.text.length < dot || old.text.slice(0, dot) !== text.slice(0, dot)) return undefined;
  const expression = expressionEndingAt(ts, old, dot);
  if (!expression) return undefined;
  const checker = previous.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(expression);
  const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  if (target && target.flags & (ts.SymbolFlags.Module | ts.SymbolFlags.Namespace | ts.SymbolFlags.Enum))
    return undefined;
  const type = checker.getTypeAtLocation(expression);
  const path = namePath(ts, expression);
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
      return {
        name: property.name,
        kind: memberKind(ts, property),
        ...(modifiers && { kindModifiers: modifiers }),
        sortText: deprecated ? DEPRECATED_SORT : MEMBER_SORT,
      };
    });
  if (properties.some((property) => property.name.startsWith('__@'))) entries.push(SYMBOL_ENTRY);
  return { entries, untyped: false, ...(path && { path }) };
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
