// What a cell adds to the notebook's top-level scope: the names its top-level statements declare
// (variables, functions, classes, types, enums, namespaces, imports). Later cells see these names, as
// they see the values in the kernel once the cell has run.
import type * as TS from 'typescript';

export interface CellScope {
  /** Names the cell declares at top level, in source order, each once. */
  declared: string[];
  /** Names the cell already exports itself under their own name (`export const a`, `export { a }`). */
  exported: Set<string>;
  /** Declared names that cannot be assigned again: constants, functions, classes, enums, namespaces, imports. */
  constants: Set<string>;
  /** Where each declared name is declared in the cell (offset and length of the name). */
  positions: Map<string, { start: number; length: number }>;
  /** The cell does not parse: its names are a guess from what did parse. */
  hasSyntaxErrors: boolean;
  /** `// @ts-nocheck` before its code: the user asked for no type errors in this cell. */
  noCheck: boolean;
  /** `/// <reference lib="…" />`, `types="…"` and `path="…"` directives, which apply to the whole notebook. */
  references: { libs: string[]; types: string[]; paths: string[] };
}

export function cellScope(ts: typeof TS, sourceFile: TS.SourceFile): CellScope {
  const declared = new Set<string>();
  const exported = new Set<string>();
  const constants = new Set<string>();
  const positions = new Map<string, { start: number; length: number }>();
  const add = (name: TS.Node | undefined, isExported: boolean, isConstant = true) => {
    if (name && ts.isIdentifier(name)) {
      declared.add(name.text);
      positions.set(name.text, { start: name.getStart(sourceFile), length: name.text.length });
      if (isExported) exported.add(name.text);
      if (isConstant) constants.add(name.text);
      else constants.delete(name.text);
    }
  };
  for (const statement of sourceFile.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
    // `export default function f` exports `default`, not `f`: the cell's prelude still exports `f`.
    const isExported =
      modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) &&
      !modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (ts.isVariableStatement(statement)) {
      const isConstant = (statement.declarationList.flags & ts.NodeFlags.Constant) !== 0;
      for (const declaration of statement.declarationList.declarations)
        bindingNames(ts, declaration.name).forEach((n) => add(n, isExported, isConstant));
    } else if (
      ts.isFunctionDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      ts.isEnumDeclaration(statement) ||
      ts.isImportEqualsDeclaration(statement)
    ) {
      add(statement.name, isExported);
    } else if (
      ts.isModuleDeclaration(statement) &&
      ts.isIdentifier(statement.name) &&
      !(statement.flags & ts.NodeFlags.GlobalAugmentation)
    ) {
      add(statement.name, isExported);
    } else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      add(clause.name, false);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) add(bindings.name, false);
      else if (bindings) bindings.elements.forEach((element) => add(element.name, false));
    } else if (
      ts.isExportDeclaration(statement) &&
      !statement.moduleSpecifier &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      // `export { b as a }` exports `b` as `a` only: `b` still goes out under its own name.
      for (const element of statement.exportClause.elements) if (!element.propertyName) exported.add(element.name.text);
    }
  }
  const parseDiagnostics =
    (sourceFile as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics ?? [];
  return {
    declared: [...declared],
    exported,
    constants,
    positions,
    hasSyntaxErrors: parseDiagnostics.length > 0,
    noCheck: (ts.getLeadingCommentRanges(sourceFile.text, 0) ?? []).some((c) =>
      /@ts-nocheck\b/.test(sourceFile.text.slice(c.pos, c.end)),
    ),
    references: {
      libs: sourceFile.libReferenceDirectives.map((d) => d.fileName.toLowerCase()),
      types: sourceFile.typeReferenceDirectives.map((d) => d.fileName),
      paths: sourceFile.referencedFiles.map((d) => d.fileName),
    },
  };
}

function bindingNames(ts: typeof TS, name: TS.BindingName): TS.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(ts, element.name)));
}
