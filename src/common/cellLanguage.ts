// What the editor's language service says about notebook cells, in the cells' own coordinates. Shared by
// its front ends: VS Code's providers, `radnb check`, and Jupyter's complete/inspect.

/** Line and character in a cell's text, both from 0. */
export interface CellPosition {
  line: number;
  character: number;
}

export interface CellRange {
  start: CellPosition;
  end: CellPosition;
}

/** A code cell as the language service sees it; cells are given in document order. */
export interface CellText {
  /** Stable while the notebook is open, whatever moves or edits happen (e.g. the cell document's URI). */
  id: string;
  text: string;
  /** A JavaScript cell: the cells below see its names; it is not type-checked (the editor checks it as JavaScript). */
  javascript?: boolean;
}

/** A place in a cell, or in a declaration file (radnb's, tfjs', a package's). */
export type CodeLocation = { cellId: string; range: CellRange } | { file: string; range: CellRange };

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface CellDiagnostic {
  cellId: string;
  range: CellRange;
  message: string;
  severity: Severity;
  /** TypeScript's error code (TS2322 → 2322). */
  code: number;
  /** Faded (unused) or struck through (deprecated). */
  tags?: ('unnecessary' | 'deprecated')[];
  related?: { location: CodeLocation; message: string }[];
}

export interface CompletionEntry {
  name: string;
  /** TypeScript's ScriptElementKind ('method', 'property', 'const', …). */
  kind: string;
  kindModifiers?: string;
  sortText: string;
  insertText?: string;
  isSnippet?: boolean;
  replacementRange?: CellRange;
  /** Module the entry would be imported from (auto-import), passed back for details. */
  source?: string;
  data?: unknown;
}

export interface CellCompletions {
  entries: CompletionEntry[];
  isMemberCompletion: boolean;
  /** The expression before a `.` is `any`/`unknown`: a top-level name path, for completions from the live kernel. */
  untypedMemberPath?: string[];
}

export interface CompletionDetails {
  /** The entry's type or signature, as TypeScript prints it. */
  detail: string;
  /** JSDoc as Markdown. */
  documentation: string;
}

export interface QuickInfo {
  range: CellRange;
  /** The declaration as TypeScript prints it, e.g. `const model: tf.LayersModel`. */
  signature: string;
  /** JSDoc as Markdown. */
  documentation: string;
  /** Set when the name is a top-level variable of a cell, whose live value the kernel may know. */
  topLevelName?: string;
}

export interface SignatureHelp {
  signatures: {
    label: string;
    documentation: string;
    parameters: { label: [number, number]; documentation: string }[];
  }[];
  activeSignature: number;
  activeParameter: number;
}

export interface Highlight {
  range: CellRange;
  kind: 'read' | 'write' | 'text';
}
