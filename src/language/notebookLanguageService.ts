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
import { completionsInProgram } from './completionsInProgram';
import { NotebookHost } from './notebookHost';
import { expressionEndingAt, namePath, nodeAt } from './syntax';
import { warmMemberCompletions } from './warmMemberCompletions';

/** The generated prelude is one line, so a cell's line n is its module's line n + 1, columns unchanged. */
const PRELUDE_LINES = 1;
/** What completions include: names and members, without snippets or auto-imports (a notebook imports in its cells). */
const COMPLETION_PREFERENCES: TS.UserPreferences = {
  includeCompletionsWithInsertText: true,
  includeCompletionsWithSnippetText: false,
  includeCompletionsForModuleExports: false,
  includeCompletionsWithClassMemberSnippets: false,
  includeCompletionsWithObjectLiteralMethodSnippets: false,
};
/** "Cannot assign to 'x' because it is an import": a `let` of an earlier cell may be assigned again. */
const ASSIGN_TO_IMPORT = 2632;
const ASSIGN_TO_CONSTANT = 2588;
const NOT_ASSIGNABLE = 2322;

interface CellModule {
  id: string;
  javascript: boolean;
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
  private nextFileNumber = 1;
  private cells: CellModule[] = [];
  private readonly byId = new Map<string, CellModule>();
  private readonly byFile = new Map<string, CellModule>();
  private readonly bySpecifier = new Map<string, CellModule>();
  /** A cell's names when it last parsed: a cell being typed must not take its names away from the cells below. */
  private readonly lastGoodNames = new Map<string, string[]>();
  /** Each cell's text parsed on its own (kept for the warm completions' look at the new text) and its scope. */
  private readonly scopeCache = new Map<string, { text: string; parsed: TS.SourceFile; scope: CellScope }>();
  /** The program built by the last call, with the host's project version then. */
  private lastBuilt: TS.Program | undefined;
  private builtVersion: string | undefined;
  /** The program as it was before the last update: its checker is warm. */
  private previous: TS.Program | undefined;

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
      // A shebang is valid only on a file's first line, which the prelude takes: blanked, offsets unchanged.
      const body = cell.text.startsWith('#!')
        ? cell.text.replace(/^#![^\n]*/, (line) => ' '.repeat(line.length))
        : cell.text;
      const javascript = cell.javascript === true;
      modules.push({
        id: cell.id,
        javascript,
        fileName: this.fileNameOf(cell.id, javascript),
        specifier,
        text: head + body,
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
    this.bySpecifier.clear();
    for (const m of modules) {
      this.byId.set(m.id, m);
      this.byFile.set(m.fileName, m);
      this.bySpecifier.set(m.specifier, m);
    }
    const ids = new Set(cells.map((c) => c.id));
    for (const id of [...this.scopeCache.keys()]) if (!ids.has(id)) this.scopeCache.delete(id);
    for (const id of [...this.lastGoodNames.keys()]) if (!ids.has(id)) this.lastGoodNames.delete(id);
    for (const id of [...this.fileNumbers.keys()]) if (!ids.has(id)) this.fileNumbers.delete(id);
    this.previous = this.lastBuilt;
    const references = modules.map((m) => m.scope.references);
    this.host.setReferences({
      libs: [...new Set(references.flatMap((r) => r.libs))],
      types: [...new Set(references.flatMap((r) => r.types))],
      files: [...new Set(references.flatMap((r) => r.paths.map((p) => path.resolve(this.notebookDir, p))))],
    });
    this.host.setCells(modules);
  }

  /** The cells in document order, by id. */
  cellIds(): string[] {
    return this.cells.map((c) => c.id);
  }

  /** Errors of one cell: syntax errors, type errors, and deprecated or unused names. */
  diagnostics(cellId: string): CellDiagnostic[] {
    return this.built(() => this.diagnosticsOf(this.cell(cellId)));
  }

  private diagnosticsOf(cell: CellModule): CellDiagnostic[] {
    if (cell.javascript) return [];
    const syntactic = this.service.getSyntacticDiagnostics(cell.fileName);
    // `// @ts-nocheck` must be a file's first comment to count, and the prelude comes first: honoured here.
    if (cell.scope.noCheck)
      return syntactic.filter((d) => this.inCell(cell, d.start)).map((d) => this.toDiagnostic(cell, d));
    const semantic = this.service.getSemanticDiagnostics(cell.fileName);
    const suggestions = this.service
      .getSuggestionDiagnostics(cell.fileName)
      .filter((d) => d.reportsDeprecated || d.reportsUnnecessary);
    return [...syntactic, ...semantic, ...suggestions]
      .filter((d) => this.inCell(cell, d.start))
      .flatMap((d) => (d.code === ASSIGN_TO_IMPORT ? this.assignmentToEarlierName(cell, d) : [d]))
      .map((d) => this.toDiagnostic(cell, d));
  }

  completions(cellId: string, at: CellPosition, triggerCharacter?: string): CellCompletions {
    const cell = this.cell(cellId);
    const offset = this.offsetOf(cell, at);
    const dot = this.dotBefore(cell, offset);
    const warmProgram = dot === undefined || !this.isMemberAccess(cell, dot) ? undefined : this.warmProgramFor(cell);
    const warm =
      warmProgram && dot !== undefined
        ? warmMemberCompletions(this.ts, warmProgram, cell.fileName, cell.text, dot)
        : undefined;
    if (warm && dot !== undefined && (warm.entries.length > 0 || warm.untyped)) {
      const entries = warm.entries.map(({ replacesDot, ...entry }) =>
        replacesDot ? { ...entry, replacementRange: this.rangeOf(cell, dot, offset - dot) } : entry,
      );
      return { entries, isMemberCompletion: true, ...(warm.untyped && warm.path && { untypedMemberPath: warm.path }) };
    }
    const names = dot === undefined && !triggerCharacter ? this.warmNameCompletions(cell, offset) : undefined;
    return names ?? this.built(() => this.coldCompletions(cell, offset, dot, triggerCharacter));
  }

  /** Names in scope as a statement is started: TypeScript's own list, computed in the previous program at
   *  the word's start, when the text before it is the same there (it decides the scope and the context).
   *  Elsewhere (an initializer, an argument) what follows can change the list: those are answered cold. */
  private warmNameCompletions(cell: CellModule, offset: number): CellCompletions | undefined {
    const previous = this.warmProgramFor(cell);
    let start = offset;
    while (start > cell.preludeLength && /[\w$]/.test(cell.text[start - 1])) start--;
    const old = previous?.getSourceFile(cell.fileName);
    if (
      !previous ||
      !old ||
      !startsStatement(cell.text, cell.preludeLength, start) ||
      old.text.slice(0, start) !== cell.text.slice(0, start)
    )
      return undefined;
    const info = completionsInProgram(this.ts, this.host, previous, old, start, COMPLETION_PREFERENCES);
    if (info === 'unavailable' || !info || info.isMemberCompletion || info.entries.some((e) => e.replacementSpan))
      return undefined;
    return { entries: this.toEntries(cell, info.entries), isMemberCompletion: false };
  }

  private coldCompletions(
    cell: CellModule,
    offset: number,
    dot: number | undefined,
    triggerCharacter?: string,
  ): CellCompletions {
    const info = this.service.getCompletionsAtPosition(cell.fileName, offset, {
      ...COMPLETION_PREFERENCES,
      triggerCharacter: triggerCharacter as TS.CompletionsTriggerCharacter | undefined,
    });
    const entries = this.toEntries(cell, info?.entries ?? []);
    const isMemberCompletion = info?.isMemberCompletion ?? false;
    const untypedMemberPath = this.untypedMemberPath(cell, dot);
    return { entries, isMemberCompletion, ...(untypedMemberPath && { untypedMemberPath }) };
  }

  private toEntries(cell: CellModule, found: readonly TS.CompletionEntry[]): CellCompletions['entries'] {
    return found
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
    const shown = this.asDeclared(cell, info) ?? info;
    return {
      range: this.rangeOf(cell, info.textSpan.start, info.textSpan.length),
      signature: this.ts.displayPartsToString(shown.displayParts),
      documentation: this.documentation(shown.documentation, shown.tags),
      ...(topLevelName && { topLevelName }),
    };
  }

  /** A name from a cell above reaches this cell through the generated import (`(alias) … import x`): what
   *  the cell that declares it says of it instead, as the user wrote it there. */
  private asDeclared(cell: CellModule, info: TS.QuickInfo): TS.QuickInfo | undefined {
    const alias = /\nimport ([\w$]+)$/.exec(this.ts.displayPartsToString(info.displayParts));
    const declaring = alias && this.bySpecifier.get(cell.imports.get(alias[1]) ?? '');
    const at = alias && declaring?.scope.positions.get(alias[1]);
    return at && declaring
      ? this.service.getQuickInfoAtPosition(declaring.fileName, declaring.preludeLength + at.start)
      : undefined;
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
    if (cached?.text === cell.text && cached.parsed.fileName.endsWith(cell.javascript ? '.js' : '.ts'))
      return cached.scope;
    const parsed = this.ts.createSourceFile(
      cell.javascript ? 'cell.js' : 'cell.ts',
      cell.text,
      this.ts.ScriptTarget.Latest,
      false,
      cell.javascript ? this.ts.ScriptKind.JS : this.ts.ScriptKind.TS,
    );
    const scope = cellScope(this.ts, parsed);
    this.scopeCache.set(cell.id, { text: cell.text, parsed, scope });
    return scope;
  }

  private specifierOf(cellId: string): string {
    return `radnb-cell:${this.numberOf(cellId)}`;
  }

  private fileNameOf(cellId: string, javascript: boolean): string {
    return path.join(
      this.notebookDir,
      `__radnb_${this.serviceId}_cell${this.numberOf(cellId)}.${javascript ? 'js' : 'ts'}`,
    );
  }

  private numberOf(cellId: string): number {
    let n = this.fileNumbers.get(cellId);
    if (n === undefined) this.fileNumbers.set(cellId, (n = this.nextFileNumber++));
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

  /**
   * "Cannot assign to an import" is TypeScript's view of a name from a cell above; the kernel's is the
   * declaration's: a constant (or function, class, import) cannot be assigned, a `let` or `var` can, with a
   * value of its type. TypeScript stops at the first message, so the type is checked here.
   */
  private assignmentToEarlierName(cell: CellModule, d: TS.Diagnostic): TS.Diagnostic[] {
    const ts = this.ts;
    const start = d.start ?? 0;
    const name = this.sourceFile(cell).text.slice(start, start + (d.length ?? 0));
    const declaring = this.bySpecifier.get(cell.imports.get(name) ?? '');
    if (!declaring || declaring.scope.constants.has(name))
      return [{ ...d, code: ASSIGN_TO_CONSTANT, messageText: `Cannot assign to '${name}' because it is a constant.` }];
    const node = this.tokenAt(cell, start);
    const assignment = node?.parent;
    if (
      !assignment ||
      !ts.isBinaryExpression(assignment) ||
      assignment.left !== node ||
      assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken
    )
      return [];
    const checker = this.service.getProgram()?.getTypeChecker();
    const symbol = checker?.getSymbolAtLocation(node);
    const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker?.getAliasedSymbol(symbol) : symbol;
    if (!checker || !target) return [];
    const declared = checker.getTypeOfSymbol(target);
    const assigned = checker.getTypeAtLocation(assignment.right);
    if (checker.isTypeAssignableTo(assigned, declared)) return [];
    const message = `Type '${checker.typeToString(checker.getBaseTypeOfLiteralType(assigned))}' is not assignable to type '${checker.typeToString(declared)}'.`;
    return [{ ...d, code: NOT_ASSIGNABLE, messageText: message }];
  }

  /** Where a name resolves to a top-level declaration of a cell (this one, or one above through the prelude). */
  private topLevelNameAt(cell: CellModule, offset: number): string | undefined {
    const node = this.tokenAt(cell, offset);
    if (!node || !this.ts.isIdentifier(node)) return undefined;
    const symbol = this.service.getProgram()?.getTypeChecker().getSymbolAtLocation(node);
    const declaration = symbol?.declarations?.[0];
    if (!declaration || declaration.getSourceFile().fileName !== cell.fileName) return undefined;
    const inPrelude = declaration.getStart() < cell.preludeLength;
    const atTopLevel = this.ts.isSourceFile(topStatement(this.ts, declaration).parent);
    return (inPrelude && cell.imports.has(node.text)) || (atTopLevel && cell.scope.declared.includes(node.text))
      ? node.text
      : undefined;
  }

  /** `a.b.` where `a.b` is `any` or `unknown`: the path, when it starts at a top-level name. */
  private untypedMemberPath(cell: CellModule, dot: number | undefined): string[] | undefined {
    if (dot === undefined) return undefined;
    const expression = expressionEndingAt(this.ts, this.sourceFile(cell), dot);
    const type = expression && this.service.getProgram()?.getTypeChecker().getTypeAtLocation(expression);
    if (!type || !(type.flags & (this.ts.TypeFlags.Any | this.ts.TypeFlags.Unknown))) return undefined;
    return namePath(this.ts, expression);
  }

  /** The dot is a property access in the new text, not one in a comment or a string. */
  private isMemberAccess(cell: CellModule, dot: number): boolean {
    const parsed = this.scopeCache.get(cell.id)?.parsed;
    const node = parsed && nodeAt(this.ts, parsed, dot - cell.preludeLength);
    return !!node && this.ts.isPropertyAccessExpression(node);
  }

  /** The `.` before the name being typed at `offset`, if the completion is of a member. */
  private dotBefore(cell: CellModule, offset: number): number | undefined {
    let dot = offset - 1;
    while (dot >= cell.preludeLength && /[\w$]/.test(cell.text[dot])) dot--;
    return dot >= cell.preludeLength && cell.text[dot] === '.' ? dot : undefined;
  }

  /** The program before the last edit can still answer when only `cell` changed since it was built. */
  private warmProgramFor(cell: CellModule): TS.Program | undefined {
    const previous = this.previous;
    if (!previous || this.host.getProjectVersion() === this.builtVersion) return undefined;
    const same = this.cells.every((m) => m === cell || previous.getSourceFile(m.fileName)?.text === m.text);
    return same && previous.getSourceFile(cell.fileName) ? previous : undefined;
  }

  /** Builds the program first and notes it, for the warm completions after the next edit: even a check that
   *  an edit stops half-way leaves a program whose checker has done part of the work. */
  private built<T>(work: () => T): T {
    this.lastBuilt = this.service.getProgram();
    this.builtVersion = this.host.getProjectVersion();
    return work();
  }

  private tokenAt(cell: CellModule, offset: number): TS.Node | undefined {
    return nodeAt(this.ts, this.sourceFile(cell), offset);
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

/** Whether a word at `start` begins a statement: after `;`, `{`, `}`, the cell's start, or a line that ends a
 *  statement (not with an operator, a comma or an opening bracket, which would continue an expression). */
function startsStatement(text: string, from: number, start: number): boolean {
  let i = start - 1;
  let newline = false;
  while (i >= from && /\s/.test(text[i])) newline ||= text[i--] === '\n';
  if (i < from || ';{}'.includes(text[i])) return true;
  return newline && /[\w$)\]'"`]/.test(text[i]);
}

/** The statement a declaration belongs to (a variable's is its VariableStatement). */
function topStatement(ts: typeof TS, node: TS.Node): TS.Node {
  let current = node;
  while (
    current.parent &&
    !ts.isSourceFile(current.parent) &&
    (ts.isVariableDeclaration(current) ||
      ts.isVariableDeclarationList(current) ||
      ts.isBindingElement(current) ||
      ts.isObjectBindingPattern(current) ||
      ts.isArrayBindingPattern(current))
  )
    current = current.parent;
  return current;
}
