// Types of test/e2e/buildSuite.mjs for the TypeScript callers.
/** Folder to pass to VS Code as extensionTestsPath. */
export declare const suiteDir: string;
/** Bundles test/e2e/suite into out/test/e2e/suite/index.js; returns suiteDir. */
export declare function buildSuite(): Promise<string>;
/** A temporary copy of test/e2e/fixtures; the caller removes it. */
export declare function makeScratchWorkspace(): string;
