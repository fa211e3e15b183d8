// What a cell adds to the notebook's top-level scope: the names its top-level statements declare
// (variables, functions, classes, types, enums, namespaces, imports). Later cells see these names, as
// they see the values in the kernel once the cell has run.
import type * as TS from 'typescript';

export interface CellScope {
  /** Names the cell declares at top level, in source order, each once. */
  declared: string[];
  /** Names the cell already exports itself (`export const`, `export { a }`). */
  exported: Set<string>;
  /** The cell does not parse: its names are a guess from what did parse. */
  hasSyntaxErrors: boolean;
}

export function cellScope(ts: typeof TS, sourceFile: TS.SourceFile): CellScope {
  const declared = new Set<string>();
  const exported = new Set<string>();
  const add = (name: TS.Node | undefined, isExported: boolean) => {
    if (name && ts.isIdentifier(name)) {
      declared.add(name.text);
      if (isExported) exported.add(name.text);
    }
  };
  for (const statement of sourceFile.statements) {
    const isExported =
      ts.canHaveModifiers(statement) &&
      (ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations)
        bindingNames(ts, declaration.name).forEach((n) => add(n, isExported));
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
      for (const element of statement.exportClause.elements) exported.add(element.name.text);
    }
  }
  const parseDiagnostics =
    (sourceFile as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics ?? [];
  return { declared: [...declared], exported, hasSyntaxErrors: parseDiagnostics.length > 0 };
}

function bindingNames(ts: typeof TS, name: TS.BindingName): TS.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(ts, element.name)));
}
