// A TypeScript language service for one notebook whose code cells are read in document order: each cell
// is a module that imports, from the latest cell above that declares it, every name it uses but does not
// declare itself — as the kernel sees the values of the cells run before. A cell may declare a name
// again: from there on, the later declaration wins.
import path from 'node:path';
import type * as TS from 'typescript';
import type {
  CellCompletions,
  CellDiagnostic,
  CellPosition,
  CellRange,
  CellText,
  CodeLocation,
  CompletionDetails,
  Highlight,
  QuickInfo,
  Severity,
  SignatureHelp,
} from '../common/cellLanguage';
import { cellScope, type CellScope } from './cellScope';
import { notebookCompilerOptions, type NotebookOptions, type RadnbTypes } from './compilerOptions';
import { NotebookHost } from './notebookHost';

/** The generated prelude is one line, so a cell's line n is its module's line n + 1, columns unchanged. */
const PRELUDE_LINES = 1;
/** "Cannot assign to 'x' because it is an import": a `let` of an earlier cell may be assigned again. */
const ASSIGN_TO_IMPORT = 2632;
const ASSIGN_TO_CONSTANT = 2588;

interface CellModule {
  id: string;
  fileName: string;
  specifier: string;
  text: string;
  /** Where the cell's own text starts in `text`. */
  preludeLength: number;
  scope: CellScope;
  /** Names this cell takes from the cells above, each from the latest one that declares it. */
  imports: Map<string, string>;
}

export interface NotebookLanguageServiceOptions {
  ts: typeof TS;
  /** The notebook's file (its folder is where imports resolve from and a tsconfig.json is read). */
  notebookFile: string;
  radnb: RadnbTypes;
  /** Shared between the notebooks open at once, so TypeScript's libs and tfjs are parsed once. */
  registry?: TS.DocumentRegistry;
  /** Checked inside long operations: true stops the current one (it then throws OperationCanceledException). */
  isCancelled?: () => boolean;
}

let nextServiceId = 1;

export class NotebookLanguageService {
  private readonly ts: typeof TS;
  private readonly notebookDir: string;
  readonly settings: NotebookOptions;
  private readonly host: NotebookHost;
  private readonly service: TS.LanguageService;
  private readonly serviceId = nextServiceId++;
  private readonly fileNumbers = new Map<string, number>();
  private cells: CellModule[] = [];
  private readonly byId = new Map<string, CellModule>();
  private readonly byFile = new Map<string, CellModule>();
  /** A cell's names when it last parsed: a cell being typed must not take its names away from the cells below. */
  private readonly lastGoodNames = new Map<string, string[]>();
  private readonly scopeCache = new Map<string, { text: string; scope: CellScope }>();

  constructor(options: NotebookLanguageServiceOptions) {
    this.ts = options.ts;
    this.notebookDir = path.dirname(path.resolve(options.notebookFile));
    this.settings = notebookCompilerOptions(this.ts, this.notebookDir, options.radnb);
    const isCancelled = options.isCancelled ?? (() => false);
    this.host = new NotebookHost(this.ts, this.notebookDir, options.radnb, this.settings, {
      isCancellationRequested: isCancelled,
    });
    this.service = this.ts.createLanguageService(this.host, options.registry ?? this.ts.createDocumentRegistry());
  }

  /** Sets the notebook's code cells, in document order (markdown cells left out). */
  update(cells: readonly CellText[]): void {
    const visible = new Map<string, string>();
    const modules: CellModule[] = [];
    for (const cell of cells) {
      const specifier = this.specifierOf(cell.id);
      const scope = this.scopeOf(cell);
      if (!scope.hasSyntaxErrors) this.lastGoodNames.set(cell.id, scope.declared);
      const own = new Set(scope.declared);
      const imports = new Map([...visible].filter(([name]) => !own.has(name)));
      const exports = scope.declared.filter((name) => !scope.exported.has(name));
      const head = prelude(imports, exports);
      modules.push({
        id: cell.id,
        fileName: this.fileNameOf(cell.id),
        specifier,
        text: head + cell.text,
        preludeLength: head.length,
        scope,
        imports,
      });
      const names = scope.hasSyntaxErrors
        ? new Set([...scope.declared, ...(this.lastGoodNames.get(cell.id) ?? [])])
        : own;
      for (const name of names) visible.set(name, specifier);
    }
    this.cells = modules;
    this.byId.clear();
    this.byFile.clear();
    for (const m of modules) {
      this.byId.set(m.id, m);
      this.byFile.set(m.fileName, m);
    }
    const ids = new Set(cells.map((c) => c.id));
    for (const id of [...this.scopeCache.keys()]) if (!ids.has(id)) this.scopeCache.delete(id);
    for (const id of [...this.lastGoodNames.keys()]) if (!ids.has(id)) this.lastGoodNames.delete(id);
    this.host.setCells(modules);
  }

  /** The cells in document order, by id. */
  cellIds(): string[] {
    return this.cells.map((c) => c.id);
  }

  /** Errors of one cell: syntax errors, type errors, and deprecated or unused names. */
  diagnostics(cellId: string): CellDiagnostic[] {
    const cell = this.cell(cellId);
    const syntactic = this.service.getSyntacticDiagnostics(cell.fileName);
    const semantic = this.service.getSemanticDiagnostics(cell.fileName);
    const suggestions = this.service
      .getSuggestionDiagnostics(cell.fileName)
      .filter((d) => d.reportsDeprecated || d.reportsUnnecessary);
    return [...syntactic, ...semantic, ...suggestions]
      .filter((d) => this.inCell(cell, d.start))
      .flatMap((d) => {
        if (d.code !== ASSIGN_TO_IMPORT) return [d];
        const constant = this.assignedConstant(cell, d);
        return constant
          ? [
              {
                ...d,
                code: ASSIGN_TO_CONSTANT,
                messageText: `Cannot assign to '${constant}' because it is a constant.`,
              },
            ]
          : [];
      })
      .map((d) => this.toDiagnostic(cell, d));
  }

  completions(cellId: string, at: CellPosition, triggerCharacter?: string): CellCompletions {
    const cell = this.cell(cellId);
    const offset = this.offsetOf(cell, at);
    const info = this.service.getCompletionsAtPosition(cell.fileName, offset, {
      triggerCharacter: triggerCharacter as TS.CompletionsTriggerCharacter | undefined,
      includeCompletionsWithInsertText: true,
      includeCompletionsWithSnippetText: false,
      includeCompletionsForModuleExports: false,
      includeCompletionsWithClassMemberSnippets: false,
      includeCompletionsWithObjectLiteralMethodSnippets: false,
    });
    const entries = (info?.entries ?? [])
      .filter((e) => !e.name.startsWith('__radnb'))
      .map((e) => ({
        name: e.name,
        kind: e.kind,
        ...(e.kindModifiers && { kindModifiers: e.kindModifiers }),
        sortText: e.sortText,
        ...(e.insertText !== undefined && { insertText: e.insertText }),
        ...(e.isSnippet && { isSnippet: true }),
        ...(e.replacementSpan && {
          replacementRange: this.rangeOf(cell, e.replacementSpan.start, e.replacementSpan.length),
        }),
        ...(e.source && { source: e.source }),
        ...(e.data !== undefined && { data: e.data }),
      }));
    const isMemberCompletion = info?.isMemberCompletion ?? false;
    const untypedMemberPath = this.untypedMemberPath(cell, offset);
    return { entries, isMemberCompletion, ...(untypedMemberPath && { untypedMemberPath }) };
  }

  completionDetails(
    cellId: string,
    at: CellPosition,
    name: string,
    source?: string,
    data?: unknown,
  ): CompletionDetails | undefined {
    const cell = this.cell(cellId);
    const details = this.service.getCompletionEntryDetails(
      cell.fileName,
      this.offsetOf(cell, at),
      name,
      undefined,
      source,
      undefined,
      data as TS.CompletionEntryData,
    );
    if (!details) return undefined;
    return {
      detail: this.ts.displayPartsToString(details.displayParts),
      documentation: this.documentation(details.documentation, details.tags),
    };
  }

  quickInfo(cellId: string, at: CellPosition): QuickInfo | undefined {
    const cell = this.cell(cellId);
    const offset = this.offsetOf(cell, at);
    const info = this.service.getQuickInfoAtPosition(cell.fileName, offset);
    if (!info || !this.inCell(cell, info.textSpan.start)) return undefined;
    const topLevelName = this.topLevelNameAt(cell, offset);
    let signature = this.ts.displayPartsToString(info.displayParts);
    // A name from a cell above reaches this cell through the generated import: show it as declared there.
    if (topLevelName && cell.imports.has(topLevelName))
      signature = signature.replace(/^\(alias\) /, '').replace(/\nimport .*$/, '');
    return {
      range: this.rangeOf(cell, info.textSpan.start, info.textSpan.length),
      signature,
      documentation: this.documentation(info.documentation, info.tags),
      ...(topLevelName && { topLevelName }),
    };
  }

  signatureHelp(cellId: string, at: CellPosition, triggerCharacter?: string): SignatureHelp | undefined {
    const cell = this.cell(cellId);
    const reason: TS.SignatureHelpTriggerReason | undefined = triggerCharacter
      ? { kind: 'characterTyped', triggerCharacter: triggerCharacter as TS.SignatureHelpTriggerCharacter }
      : undefined;
    const help = this.service.getSignatureHelpItems(
      cell.fileName,
      this.offsetOf(cell, at),
      reason ? { triggerReason: reason } : undefined,
    );
    if (!help) return undefined;
    const text = (parts: TS.SymbolDisplayPart[]) => this.ts.displayPartsToString(parts);
    return {
      signatures: help.items.map((item) => {
        let label = text(item.prefixDisplayParts);
        const parameters = item.parameters.map((p, i) => {
          if (i > 0) label += text(item.separatorDisplayParts);
          const start = label.length;
          label += text(p.displayParts);
          return { label: [start, label.length] as [number, number], documentation: text(p.documentation) };
        });
        label += text(item.suffixDisplayParts);
        return { label, documentation: this.documentation(item.documentation, item.tags), parameters };
      }),
      activeSignature: help.selectedItemIndex,
      activeParameter: help.argumentIndex,
    };
  }

  definition(cellId: string, at: CellPosition): CodeLocation[] {
    const cell = this.cell(cellId);
    const definitions = this.service.getDefinitionAtPosition(cell.fileName, this.offsetOf(cell, at)) ?? [];
    const program = this.service.getProgram();
    return definitions.flatMap((d): CodeLocation[] => {
      const file = program?.getSourceFile(d.fileName);
      const location = file && this.locationOf(file, d.textSpan.start, d.textSpan.length);
      return location ? [location] : [];
    });
  }

  highlights(cellId: string, at: CellPosition): Highlight[] {
    const cell = this.cell(cellId);
    const found = this.service.getDocumentHighlights(cell.fileName, this.offsetOf(cell, at), [cell.fileName]) ?? [];
    return found.flatMap((group) =>
      group.highlightSpans
        .filter((span) => this.inCell(cell, span.textSpan.start))
        .map((span) => ({
          range: this.rangeOf(cell, span.textSpan.start, span.textSpan.length),
          kind:
            span.kind === 'writtenReference'
              ? ('write' as const)
              : span.kind === 'reference'
                ? ('read' as const)
                : ('text' as const),
        })),
    );
  }

  dispose(): void {
    this.service.dispose();
  }

  private cell(cellId: string): CellModule {
    const cell = this.byId.get(cellId);
    if (!cell) throw new Error(`no code cell ${cellId} in this notebook`);
    return cell;
  }

  private scopeOf(cell: CellText): CellScope {
    const cached = this.scopeCache.get(cell.id);
    if (cached?.text === cell.text) return cached.scope;
    const scope = cellScope(
      this.ts,
      this.ts.createSourceFile('cell.ts', cell.text, this.ts.ScriptTarget.Latest, false, this.ts.ScriptKind.TS),
    );
    this.scopeCache.set(cell.id, { text: cell.text, scope });
    return scope;
  }

  private specifierOf(cellId: string): string {
    return `radnb-cell:${this.numberOf(cellId)}`;
  }

  private fileNameOf(cellId: string): string {
    return path.join(this.notebookDir, `__radnb_${this.serviceId}_cell${this.numberOf(cellId)}.ts`);
  }

  private numberOf(cellId: string): number {
    let n = this.fileNumbers.get(cellId);
    if (n === undefined) this.fileNumbers.set(cellId, (n = this.fileNumbers.size + 1));
    return n;
  }

  private sourceFile(cell: CellModule): TS.SourceFile {
    const file = this.service.getProgram()?.getSourceFile(cell.fileName);
    if (!file) throw new Error(`the language service lost ${cell.fileName}`);
    return file;
  }

  private offsetOf(cell: CellModule, at: CellPosition): number {
    const file = this.sourceFile(cell);
    const lines = file.getLineStarts().length - PRELUDE_LINES;
    const line = Math.min(Math.max(at.line, 0), lines - 1);
    const lineStart = file.getPositionOfLineAndCharacter(line + PRELUDE_LINES, 0);
    const lineEnd =
      line + PRELUDE_LINES + 1 < file.getLineStarts().length
        ? file.getLineStarts()[line + PRELUDE_LINES + 1]
        : file.text.length;
    return Math.min(lineStart + Math.max(at.character, 0), lineEnd);
  }

  private positionOf(cell: CellModule, offset: number): CellPosition {
    const { line, character } = this.sourceFile(cell).getLineAndCharacterOfPosition(offset);
    return { line: line - PRELUDE_LINES, character };
  }

  private rangeOf(cell: CellModule, start: number, length: number): CellRange {
    return { start: this.positionOf(cell, start), end: this.positionOf(cell, start + length) };
  }

  private inCell(cell: CellModule, offset: number | undefined): boolean {
    return offset !== undefined && offset >= cell.preludeLength;
  }

  private toDiagnostic(cell: CellModule, d: TS.Diagnostic): CellDiagnostic {
    const ts = this.ts;
    const severity: Severity =
      d.category === ts.DiagnosticCategory.Error
        ? 'error'
        : d.category === ts.DiagnosticCategory.Warning
          ? 'warning'
          : d.category === ts.DiagnosticCategory.Suggestion
            ? 'hint'
            : 'info';
    const tags = [
      ...(d.reportsUnnecessary ? ['unnecessary' as const] : []),
      ...(d.reportsDeprecated ? ['deprecated' as const] : []),
    ];
    const related = (d.relatedInformation ?? []).flatMap((r) => {
      const location = r.file && r.start !== undefined ? this.locationOf(r.file, r.start, r.length ?? 0) : undefined;
      return location ? [{ location, message: ts.flattenDiagnosticMessageText(r.messageText, '\n') }] : [];
    });
    return {
      cellId: cell.id,
      range: this.rangeOf(cell, d.start ?? cell.preludeLength, d.length ?? 0),
      message: this.cellNamesIn(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      severity,
      code: d.code,
      ...(tags.length > 0 && { tags }),
      ...(related.length > 0 && { related }),
    };
  }

  private locationOf(file: TS.SourceFile, start: number, length: number): CodeLocation | undefined {
    const cell = this.byFile.get(file.fileName);
    if (cell)
      return this.inCell(cell, start) ? { cellId: cell.id, range: this.rangeOf(cell, start, length) } : undefined;
    return {
      file: file.fileName,
      range: {
        start: file.getLineAndCharacterOfPosition(start),
        end: file.getLineAndCharacterOfPosition(start + length),
      },
    };
  }

  /** Messages name modules by file; a cell's generated file name means nothing to a user. */
  private cellNamesIn(message: string): string {
    return message.replace(
      /"?(?:[^"\s]*\/)?__radnb_\d+_cell(\d+)(?:\.ts)?"?|"radnb-cell:(\d+)"/g,
      (_, a: string, b: string) => {
        const n = Number(a ?? b);
        const index = this.cells.findIndex((c) => this.fileNumbers.get(c.id) === n);
        return index >= 0 ? `code cell ${index + 1}` : 'another cell';
      },
    );
  }

  /** For "cannot assign to an import": the name, when the cell above declared it `const` (else the assignment is fine). */
  private assignedConstant(cell: CellModule, d: TS.Diagnostic): string | undefined {
    const name = this.sourceFile(cell).text.slice(d.start, (d.start ?? 0) + (d.length ?? 0));
    const from = cell.imports.get(name);
    if (!from) return name; // an import the cell wrote itself: the kernel's imports are constants too
    const checker = this.service.getProgram()?.getTypeChecker();
    const node = this.tokenAt(cell, d.start ?? 0);
    const symbol = node && checker?.getSymbolAtLocation(node);
    const target = symbol && symbol.flags & this.ts.SymbolFlags.Alias ? checker?.getAliasedSymbol(symbol) : symbol;
    const declaration = target?.valueDeclaration;
    if (
      declaration &&
      this.ts.isVariableDeclaration(declaration) &&
      this.ts.isVariableDeclarationList(declaration.parent)
    ) {
      return declaration.parent.flags & this.ts.NodeFlags.Const ? name : undefined;
    }
    return name; // functions, classes, enums, imports: not assignable in the kernel either
  }

  /** `a.b.` where `a.b` is `any` or `unknown`: the path, when it starts at a top-level name. */
  private untypedMemberPath(cell: CellModule, offset: number): string[] | undefined {
    const ts = this.ts;
    const file = this.sourceFile(cell);
    let dot = offset - 1;
    while (dot >= 0 && /[\w$]/.test(file.text[dot])) dot--;
    if (file.text[dot] !== '.' || dot < cell.preludeLength) return undefined;
    // The longest expression that ends at the dot: `a.b` in `a.b.`, not just `b`.
    let expression = this.tokenAt(cell, dot - 1);
    while (expression?.parent && expression.parent.getEnd() === dot && !ts.isExpressionStatement(expression.parent))
      expression = expression.parent;
    if (!expression || !ts.isExpression(expression)) return undefined;
    const checker = this.service.getProgram()?.getTypeChecker();
    const type = checker?.getTypeAtLocation(expression);
    if (!type || !(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return undefined;
    const names: string[] = [];
    while (ts.isPropertyAccessExpression(expression)) {
      names.unshift(expression.name.text);
      expression = expression.expression;
    }
    if (!ts.isIdentifier(expression)) return undefined;
    return [expression.text, ...names];
  }

  private topLevelNameAt(cell: CellModule, offset: number): string | undefined {
    const node = this.tokenAt(cell, offset);
    if (!node || !this.ts.isIdentifier(node)) return undefined;
    const name = node.text;
    if (cell.imports.has(name)) return name;
    return cell.scope.declared.includes(name) ? name : undefined;
  }

  private tokenAt(cell: CellModule, offset: number): TS.Node | undefined {
    const ts = this.ts;
    const find = (node: TS.Node): TS.Node | undefined => {
      if (offset < node.getStart() || offset >= node.getEnd()) return undefined;
      return ts.forEachChild(node, find) ?? node;
    };
    return find(this.sourceFile(cell));
  }

  private documentation(parts: TS.SymbolDisplayPart[] | undefined, tags: TS.JSDocTagInfo[] | undefined): string {
    const text = parts ? this.ts.displayPartsToString(parts) : '';
    const tagLines = (tags ?? []).map((tag) => {
      const [first, ...rest] = tag.text ?? [];
      if (first?.kind === 'parameterName')
        return `*@${tag.name}* \`${first.text}\` — ${this.ts.displayPartsToString(rest).trim()}`;
      const body = tag.text ? this.ts.displayPartsToString(tag.text) : '';
      if (tag.name === 'example') return `*@example*\n\`\`\`ts\n${body}\n\`\`\``;
      return `*@${tag.name}*${body ? ` — ${body}` : ''}`;
    });
    return [text, ...tagLines].filter(Boolean).join('\n\n');
  }
}

/** `import { a } from "radnb-cell:1"; export { b }; export {};` on one line: names in, names out, and always a module. */
function prelude(imports: Map<string, string>, exports: string[]): string {
  const bySpecifier = new Map<string, string[]>();
  for (const [name, specifier] of imports) bySpecifier.set(specifier, [...(bySpecifier.get(specifier) ?? []), name]);
  const parts = [...bySpecifier].map(
    ([specifier, names]) => `import { ${names.join(', ')} } from ${JSON.stringify(specifier)};`,
  );
  if (exports.length > 0) parts.push(`export { ${exports.join(', ')} };`);
  parts.push('export {};');
  return `${parts.join(' ')}\n`;
}
