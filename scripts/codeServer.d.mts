// Types of scripts/codeServer.mjs for the TypeScript callers (the end-to-end tests).
export declare const repoRoot: string;
export declare const codeServerVersion: string;
export declare class CodeServerError extends Error {}

export interface LaunchOptions {
  /** Folder opened in the workbench (also the server's default workspace). */
  folder: string;
  /** Fixed port; a free one when left out. */
  port?: number;
  /** User settings of the temporary profile. */
  settings?: Record<string, unknown>;
  /** false: workspace trust stays on and the folder opens in Restricted Mode. Default true. */
  trusted?: boolean;
  /** .vsix files installed into the temporary profile's extensions folder before the server starts. */
  extensions?: string[];
  /** Extra environment of the server and so of its extension host. */
  env?: Record<string, string>;
  /** Receives each line code-server prints. */
  log?: (line: string) => void;
}

export interface WorkbenchOptions {
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
}

export interface RunningCodeServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** URL of the workbench with the launch folder open and, optionally, an extension under development. */
  workbenchUrl(options?: WorkbenchOptions): string;
  /** Ends the server, its extension hosts and their kernels (the whole process group). */
  stop(): Promise<void>;
}

export declare function ensureCodeServer(options?: { log?: (line: string) => void }): string;
export declare function findOnPath(command: string): string | undefined;
export declare function freePort(): Promise<number>;
export declare function isPortFree(port: number): Promise<boolean>;
export declare function launchCodeServer(options: LaunchOptions): Promise<RunningCodeServer>;
export declare function workbenchUrl(origin: string, options: WorkbenchOptions & { folder: string }): string;
