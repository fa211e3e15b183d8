// The file system TypeScript sees for one notebook: each code cell is an in-memory module beside the
// notebook (so relative imports and node_modules resolve from the notebook's folder), everything else is
// read from disk. Imports resolve as the kernel resolves them (common/importPolicy.ts).
import { statSync } from 'node:fs';
import path from 'node:path';
import type * as TS from 'typescript';
import { RADNB_LIBRARY, importSource } from '../common/importPolicy';
import type { NotebookOptions, RadnbTypes } from './compilerOptions';

/** Files larger than this are treated as absent: a hostile or generated giant must not stall checking. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

interface VirtualFile {
  text: string;
  version: number;
  snapshot: TS.IScriptSnapshot;
}

/** Shared by the notebooks open in one process: libraries' texts are held once. */
const diskSnapshots = new Map<string, { version: string; snapshot: TS.IScriptSnapshot | undefined }>();

export class NotebookHost implements TS.LanguageServiceHost {
  private readonly virtualFiles = new Map<string, VirtualFile>();
  /** TypeScript asks for every file's snapshot on every change, before it compares versions: read each once. */
  private readonly diskSnapshots = diskSnapshots;
  /** Module specifier of a cell (as written in the generated preludes) → its file. */
  private readonly cellModules = new Map<string, string>();
  private rootNames: string[] = [];
  /** What the cells' `/// <reference …/>` directives add to the notebook: libraries, type packages, files. */
  private references = { libs: [] as string[], types: [] as string[], files: [] as string[] };
  /** The notebook's options with those references applied. */
  private options: TS.CompilerOptions;
  /** Bumped on every change, so that a request after no change skips TypeScript's look at every file. */
  private projectVersion = 0;
  private readonly resolutionCache: TS.ModuleResolutionCache;
  private readonly radnbAnchor: string;
  /** Folders whose files do not change while the editor runs: TypeScript's libs, radnb's declarations. */
  private readonly stableRoots: string[];

  constructor(
    private readonly ts: typeof TS,
    private readonly notebookDir: string,
    private readonly radnb: RadnbTypes,
    private readonly settings: NotebookOptions,
    private readonly cancellation: TS.HostCancellationToken,
  ) {
    this.options = settings.options;
    this.resolutionCache = ts.createModuleResolutionCache(notebookDir, (f) => f, settings.options);
    this.radnbAnchor = path.join(radnb.installDir, '__radnb_resolve__.ts');
    this.stableRoots = [
      path.dirname(ts.getDefaultLibFilePath(settings.options)) + path.sep,
      radnb.declarationsDir + path.sep,
    ];
  }

  /** Applies the cells' reference directives (changing them rebuilds the program, as a tsconfig edit would). */
  setReferences(references: { libs: string[]; types: string[]; files: string[] }): void {
    if (JSON.stringify(references) === JSON.stringify(this.references)) return;
    this.references = references;
    const base = this.settings.options;
    this.options = {
      ...base,
      lib: [...new Set([...(base.lib ?? []), ...references.libs.map((lib) => `lib.${lib}.d.ts`)])],
      types: [...new Set([...(base.types ?? []), ...references.types])],
    };
    this.projectVersion++;
  }

  /** Sets the cells' files, in document order; returns whether anything changed. */
  setCells(files: { fileName: string; specifier: string; text: string }[]): boolean {
    let changed = files.length !== this.virtualFiles.size;
    const seen = new Set<string>();
    for (const file of files) {
      seen.add(file.fileName);
      this.cellModules.set(file.specifier, file.fileName);
      const existing = this.virtualFiles.get(file.fileName);
      if (existing?.text === file.text) continue;
      changed = true;
      this.virtualFiles.set(file.fileName, {
        text: file.text,
        version: (existing?.version ?? 0) + 1,
        snapshot: this.ts.ScriptSnapshot.fromString(file.text),
      });
    }
    for (const fileName of [...this.virtualFiles.keys()]) if (!seen.has(fileName)) this.virtualFiles.delete(fileName);
    for (const [specifier, fileName] of [...this.cellModules])
      if (!seen.has(fileName)) this.cellModules.delete(specifier);
    this.rootNames = [
      this.radnb.globals,
      ...this.settings.declarationFiles,
      ...this.references.files,
      ...files.map((f) => f.fileName),
    ];
    if (changed) this.projectVersion++;
    return changed;
  }

  getProjectVersion(): string {
    return String(this.projectVersion);
  }

  /** Read by TypeScript although its public typings leave it out: without it every program after an edit
   *  reads and parses every package.json again. */
  getModuleResolutionCache(): TS.ModuleResolutionCache {
    return this.resolutionCache;
  }

  getCompilationSettings(): TS.CompilerOptions {
    return this.options;
  }

  getScriptFileNames(): string[] {
    return this.rootNames;
  }

  getScriptVersion(fileName: string): string {
    const virtual = this.virtualFiles.get(fileName);
    if (virtual) return String(virtual.version);
    // Installed packages change only with an install, after which reopening the notebook re-reads them.
    if (
      fileName.includes(`${path.sep}node_modules${path.sep}`) ||
      this.stableRoots.some((root) => fileName.startsWith(root))
    )
      return '0';
    try {
      return String(statSync(fileName).mtimeMs);
    } catch {
      return '';
    }
  }

  getScriptSnapshot(fileName: string): TS.IScriptSnapshot | undefined {
    const virtual = this.virtualFiles.get(fileName);
    if (virtual) return virtual.snapshot;
    const version = this.getScriptVersion(fileName);
    const cached = this.diskSnapshots.get(fileName);
    if (cached?.version === version) return cached.snapshot;
    const text = this.readFile(fileName);
    const snapshot = text === undefined ? undefined : this.ts.ScriptSnapshot.fromString(text);
    this.diskSnapshots.set(fileName, { version, snapshot });
    return snapshot;
  }

  getCurrentDirectory(): string {
    return this.notebookDir;
  }

  getDefaultLibFileName(options: TS.CompilerOptions): string {
    return this.ts.getDefaultLibFilePath(options);
  }

  getCancellationToken(): TS.HostCancellationToken {
    return this.cancellation;
  }

  useCaseSensitiveFileNames(): boolean {
    return this.ts.sys.useCaseSensitiveFileNames;
  }

  fileExists(fileName: string): boolean {
    return this.virtualFiles.has(fileName) || this.ts.sys.fileExists(fileName);
  }

  readFile(fileName: string): string | undefined {
    const virtual = this.virtualFiles.get(fileName);
    if (virtual) return virtual.text;
    try {
      if (statSync(fileName).size > MAX_FILE_BYTES) return undefined;
    } catch {
      return undefined;
    }
    return this.ts.sys.readFile(fileName);
  }

  directoryExists(directoryName: string): boolean {
    return this.ts.sys.directoryExists(directoryName);
  }

  getDirectories(directoryName: string): string[] {
    return this.ts.sys.getDirectories(directoryName);
  }

  readDirectory(...args: Parameters<typeof TS.sys.readDirectory>): string[] {
    return this.ts.sys.readDirectory(...args);
  }

  realpath(fileName: string): string {
    return this.virtualFiles.has(fileName) ? fileName : (this.ts.sys.realpath?.(fileName) ?? fileName);
  }

  resolveModuleNameLiterals(
    literals: readonly TS.StringLiteralLike[],
    containingFile: string,
  ): TS.ResolvedModuleWithFailedLookupLocations[] {
    return literals.map((literal) => this.resolve(literal.text, containingFile));
  }

  private resolve(specifier: string, containingFile: string): TS.ResolvedModuleWithFailedLookupLocations {
    const cellFile = this.cellModules.get(specifier);
    if (cellFile)
      return {
        resolvedModule: {
          resolvedFileName: cellFile,
          extension: cellFile.endsWith('.js') ? this.ts.Extension.Js : this.ts.Extension.Ts,
        },
      };
    const fromRadnb = () =>
      this.ts.resolveModuleName(specifier, this.radnbAnchor, this.options, this, this.resolutionCache);
    const source = importSource(specifier);
    if (specifier === RADNB_LIBRARY)
      return { resolvedModule: { resolvedFileName: this.radnb.library, extension: this.ts.Extension.Dts } };
    if (source === 'radnb' && this.virtualFiles.has(containingFile)) return fromRadnb();
    const fromNotebook = this.ts.resolveModuleName(specifier, containingFile, this.options, this, this.resolutionCache);
    if (fromNotebook.resolvedModule || source === 'notebook') return fromNotebook;
    return fromRadnb();
  }
}
