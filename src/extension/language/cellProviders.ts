// VS Code's language features for radnb cells, answered by the notebook's language service: completions
// (from the running kernel where a value's type is `any`), hover (with the live value), signature help,
// go to definition and highlights.
import * as vscode from 'vscode';
import type { CellPosition, CellRange, CodeLocation, CompletionEntry } from '../../common/cellLanguage';
import type { LanguageMethods } from '../../common/languageProtocol';
import type { KernelVariable } from '../../common/variables';
import type { LanguageClient } from './languageClient';
import { describeLive } from '../variables/variableText';
import type { NotebookSync } from './notebookSync';
import { RADNB_LANGUAGE } from './radnbLanguage';

export const CELL_SELECTOR: vscode.DocumentSelector = [{ language: RADNB_LANGUAGE, scheme: 'vscode-notebook-cell' }];

/** The kernel's variables after its last cell, for a notebook (undefined while it has none). */
export type LiveVariables = (notebook: vscode.NotebookDocument) => KernelVariable[] | undefined;

class CellCompletionItem extends vscode.CompletionItem {
  constructor(
    readonly entry: CompletionEntry,
    readonly where: { key: string; cellId: string; at: CellPosition },
  ) {
    super(entry.name, completionKind(entry.kind));
  }
}

export function registerCellProviders(
  sync: NotebookSync,
  client: LanguageClient,
  live: LiveVariables,
): vscode.Disposable {
  /** Asks the language service about a position in a cell; undefined for cells of notebooks it does not serve. */
  const ask = async <M extends 'quickInfo' | 'signatureHelp' | 'definition' | 'highlights'>(
    method: M,
    document: vscode.TextDocument,
    position: vscode.Position,
    extra: Omit<LanguageMethods[M]['params'], 'notebook' | 'cellId' | 'at'>,
  ): Promise<{ notebook: vscode.NotebookDocument; answer: LanguageMethods[M]['result'] | undefined } | undefined> => {
    const cell = sync.cellOf(document);
    if (!cell) return undefined;
    const params = {
      ...extra,
      notebook: cell.key,
      cellId: cell.cellId,
      at: toCell(position),
    } as LanguageMethods[M]['params'];
    return { notebook: cell.notebook, answer: await client.request(method, params) };
  };

  const completions: vscode.CompletionItemProvider<vscode.CompletionItem> = {
    async provideCompletionItems(document, position, _token, context) {
      const cell = sync.cellOf(document);
      if (!cell) return undefined;
      const at = toCell(position);
      const result = await client.request('completions', {
        notebook: cell.key,
        cellId: cell.cellId,
        at,
        triggerCharacter: context.triggerCharacter,
      });
      if (!result) return undefined;
      const items: vscode.CompletionItem[] = result.entries.map((entry) => {
        const item = new CellCompletionItem(entry, { key: cell.key, cellId: cell.cellId, at });
        item.sortText = entry.sortText;
        if (entry.insertText !== undefined)
          item.insertText = entry.isSnippet ? new vscode.SnippetString(entry.insertText) : entry.insertText;
        if (entry.replacementRange) item.range = toRange(entry.replacementRange);
        if (entry.kindModifiers?.includes('deprecated')) item.tags = [vscode.CompletionItemTag.Deprecated];
        return item;
      });
      const path = result.untypedMemberPath;
      if (path?.length === 1 && items.length === 0) items.push(...liveMembers(live(cell.notebook), path[0]));
      return new vscode.CompletionList(items, false);
    },
    async resolveCompletionItem(item) {
      if (!(item instanceof CellCompletionItem)) return item;
      const { entry, where } = item;
      const details = await client.request('completionDetails', {
        notebook: where.key,
        cellId: where.cellId,
        at: where.at,
        name: entry.name,
        source: entry.source,
        data: entry.data,
      });
      if (details) {
        item.detail = details.detail;
        item.documentation = new vscode.MarkdownString(details.documentation);
      }
      return item;
    },
  };

  const hover: vscode.HoverProvider = {
    async provideHover(document, position) {
      const asked = await ask('quickInfo', document, position, {});
      const info = asked?.answer;
      if (!info) return undefined;
      const markdown = new vscode.MarkdownString().appendCodeblock(info.signature, 'typescript');
      if (info.documentation) markdown.appendMarkdown(`\n\n${info.documentation}`);
      const value = info.topLevelName ? live(asked.notebook)?.find((v) => v.name === info.topLevelName) : undefined;
      if (value) markdown.appendMarkdown(`\n\n---\n\n${describeLive(value)}`);
      return new vscode.Hover(markdown, toRange(info.range));
    },
  };

  const signatures: vscode.SignatureHelpProvider = {
    async provideSignatureHelp(document, position, _token, context) {
      const help = (await ask('signatureHelp', document, position, { triggerCharacter: context.triggerCharacter }))
        ?.answer;
      if (!help) return undefined;
      const result = new vscode.SignatureHelp();
      result.signatures = help.signatures.map((s) => {
        const info = new vscode.SignatureInformation(s.label, new vscode.MarkdownString(s.documentation));
        info.parameters = s.parameters.map(
          (p) => new vscode.ParameterInformation(p.label, p.documentation || undefined),
        );
        return info;
      });
      result.activeSignature = help.activeSignature;
      result.activeParameter = help.activeParameter;
      return result;
    },
  };

  const definitions: vscode.DefinitionProvider = {
    async provideDefinition(document, position) {
      return (await ask('definition', document, position, {}))?.answer?.map(toLocation);
    },
  };

  const highlights: vscode.DocumentHighlightProvider = {
    async provideDocumentHighlights(document, position) {
      const found = (await ask('highlights', document, position, {}))?.answer;
      const kinds = {
        read: vscode.DocumentHighlightKind.Read,
        write: vscode.DocumentHighlightKind.Write,
        text: vscode.DocumentHighlightKind.Text,
      };
      return found?.map((h) => new vscode.DocumentHighlight(toRange(h.range), kinds[h.kind]));
    },
  };

  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(CELL_SELECTOR, completions, '.', '"', "'", '`', '/', '@', '<'),
    vscode.languages.registerHoverProvider(CELL_SELECTOR, hover),
    vscode.languages.registerSignatureHelpProvider(CELL_SELECTOR, signatures, {
      triggerCharacters: ['(', ',', '<'],
      retriggerCharacters: [')'],
    }),
    vscode.languages.registerDefinitionProvider(CELL_SELECTOR, definitions),
    vscode.languages.registerDocumentHighlightProvider(CELL_SELECTOR, highlights),
  );
}

/** Property names of a live top-level value, for `x.` where `x` has no static type. */
function liveMembers(variables: KernelVariable[] | undefined, name: string): vscode.CompletionItem[] {
  const value = variables?.find((v) => v.name === name);
  return (value?.members ?? []).map((member) => {
    const item = new vscode.CompletionItem(member, vscode.CompletionItemKind.Property);
    item.detail = `${name}.${member} — from the running kernel`;
    return item;
  });
}

export function toCell(position: vscode.Position): CellPosition {
  return { line: position.line, character: position.character };
}

export function toRange(range: CellRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export function toLocation(location: CodeLocation): vscode.Location {
  const uri = 'cellId' in location ? vscode.Uri.parse(location.cellId) : vscode.Uri.file(location.file);
  return new vscode.Location(uri, toRange(location.range));
}

/** TypeScript's ScriptElementKind → VS Code's icon for it. */
function completionKind(kind: string): vscode.CompletionItemKind {
  const K = vscode.CompletionItemKind;
  const kinds: Record<string, vscode.CompletionItemKind> = {
    keyword: K.Keyword,
    'primitive type': K.Keyword,
    module: K.Module,
    'external module name': K.Module,
    class: K.Class,
    'local class': K.Class,
    interface: K.Interface,
    type: K.TypeParameter,
    'type parameter': K.TypeParameter,
    enum: K.Enum,
    'enum member': K.EnumMember,
    var: K.Variable,
    'local var': K.Variable,
    let: K.Variable,
    const: K.Constant,
    parameter: K.Variable,
    alias: K.Variable,
    function: K.Function,
    'local function': K.Function,
    method: K.Method,
    constructor: K.Constructor,
    property: K.Property,
    getter: K.Property,
    setter: K.Property,
    accessor: K.Property,
    string: K.Value,
    directory: K.Folder,
    script: K.File,
  };
  return kinds[kind] ?? K.Property;
}
