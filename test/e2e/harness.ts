// Starts a real VS Code (code-server) on a scratch copy of the fixtures with radnb loaded as the
// extension under development, and opens it in headless Debian chromium driven by playwright-core.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import type { TestContext } from 'node:test';
import {
  ensureCodeServer,
  launchCodeServer,
  type RunningCodeServer,
  type WorkbenchOptions,
} from '../../scripts/codeServer.mjs';
import { need, repoRoot } from '../support/env';
import { buildSuite, makeScratchWorkspace } from './buildSuite.mjs';
import type { SuiteReport } from './suite/index';

export const CHROMIUM = '/usr/bin/chromium';
export const screenshotsDir = path.join(repoRoot, 'test', 'e2e', 'screenshots');
const extensionEntry = path.join(repoRoot, 'out', 'extension', 'extension.js');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** The first install of code-server takes minutes: run installCodeServer in a before() hook with this limit. */
export const CODE_SERVER_INSTALL_TIMEOUT_MS = 15 * 60_000;
let codeServerProblem: string | undefined;
let codeServerTried = false;

/** Installs code-server into .cache once; a failure (e.g. offline) is kept for needVSCode to report.
 *  Without a browser no test can use it, so its minutes-long install is not started. */
export function installCodeServer(): void {
  if (codeServerTried || !existsSync(CHROMIUM)) return;
  codeServerTried = true;
  try {
    ensureCodeServer();
  } catch (error) {
    codeServerProblem = (error as Error).message;
  }
}

/** Everything a real-VS Code test needs; skips (outside CI) or fails (in CI) naming what is missing. */
export function needVSCode(t: TestContext): boolean {
  if (!need(t, existsSync(CHROMIUM), `Debian chromium at ${CHROMIUM}`)) return false;
  installCodeServer();
  if (!need(t, codeServerProblem === undefined, `code-server (${codeServerProblem})`)) return false;
  return need(
    t,
    existsSync(extensionEntry),
    `the built extension ${path.relative(repoRoot, extensionEntry)} (npm run build)`,
  );
}

export interface Workbench {
  page: Page;
  /** The scratch workspace folder (a copy of test/e2e/fixtures). */
  workspace: string;
  close(): Promise<void>;
}

export interface WorkbenchSetup extends WorkbenchOptions {
  /** Environment of code-server and its extension host. */
  env?: Record<string, string>;
  /** User settings, on top of the harness's quiet defaults. */
  settings?: Record<string, unknown>;
  /** false: open the folder untrusted (Restricted Mode). Default true. */
  trusted?: boolean;
  /** .vsix files installed into the fresh profile before the server starts. */
  extensions?: string[];
  /** Browser window size; VS Code renders only the outputs it scrolls into view. Default 1400 × 900. */
  viewport?: { width: number; height: number };
  /** Called on the page before the workbench loads (e.g. to expose functions to it). */
  beforeLoad?: (page: Page) => Promise<void>;
  /** The folder to open; the caller owns it. Default: a scratch copy of the fixtures, removed on close(). */
  folder?: string;
}

/** Opens the workbench on a scratch copy of the fixtures; close() stops browser and server. */
export async function openWorkbench(setup: WorkbenchSetup): Promise<Workbench> {
  const workspace = setup.folder ?? makeScratchWorkspace();
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.stop();
    if (setup.folder === undefined) rmSync(workspace, { recursive: true, force: true });
  };
  try {
    server = await launchCodeServer({
      folder: workspace,
      env: setup.env,
      trusted: setup.trusted,
      extensions: setup.extensions,
      // Let the notebook be the only thing on screen: no welcome page, no chat, no tips.
      settings: {
        'workbench.tips.enabled': false,
        'chat.commandCenter.enabled': false,
        'window.commandCenter': false,
        ...setup.settings,
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: setup.viewport ?? { width: 1400, height: 900 } });
    await setup.beforeLoad?.(page);
    await page.goto(
      server.workbenchUrl({
        extensionDevelopmentPath: setup.extensionDevelopmentPath,
        extensionTestsPath: setup.extensionTestsPath,
      }),
    );
    return { page, workspace, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until some frame of the page (notebook outputs live in nested webview iframes) has `selector`. */
export function waitForSelectorInFrames(page: Page, selector: string, timeoutMs: number): Promise<Frame> {
  return waitInFrames(page, (frame) => frame.locator(selector), selector, timeoutMs);
}

/**
 * Clicks the explorer item named `file` until it opens in the notebook editor: the notebook type of an
 * extension under development is registered a moment after the explorer shows, and a click before that
 * opens the JSON as text.
 */
export async function openNotebookFromExplorer(page: Page, file: string): Promise<void> {
  const explorerItem = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file });
  await explorerItem.waitFor({ timeout: 60_000 });
  for (let attempt = 1; attempt <= 10; attempt++) {
    await explorerItem.click();
    const notebook = page.locator('.notebook-editor:visible').first();
    if (
      await notebook.waitFor({ timeout: 3000 }).then(
        () => true,
        () => false,
      )
    )
      return;
    await page.keyboard.press('Control+W'); // close the text editor and try again
  }
  throw new Error(`${file} never opened in the notebook editor: is the radnb notebook type registered?`);
}

/** Presses the notebook toolbar's Run All and, when VS Code asks which kernel to use, picks radnb's. */
export async function runAll(page: Page): Promise<void> {
  await page.locator('.notebook-toolbar-left .action-item', { hasText: 'Run All' }).click({ timeout: 30_000 });
  const choice = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'radnb TypeScript' });
  if (
    await choice.waitFor({ timeout: 3000 }).then(
      () => true,
      () => false,
    )
  )
    await choice.first().click();
}

/** Waits until some frame of the page (notebook outputs live in nested webview iframes) shows `text`. */
export function waitForTextInFrames(page: Page, text: string, timeoutMs: number): Promise<Frame> {
  return waitInFrames(page, (frame) => frame.getByText(text), `"${text}"`, timeoutMs);
}

/** Polls every webview frame until `locate` finds something in one of them. */
async function waitInFrames(
  page: Page,
  locate: (frame: Frame) => Locator,
  what: string,
  timeoutMs: number,
): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const found = await locate(frame)
        .count()
        .catch(() => 0); // frames come and go while the notebook renders
      if (found > 0) return frame;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`no webview frame showed ${what} within ${timeoutMs} ms`);
}

export interface SuiteRun {
  /** The exit code VS Code reported for the test run. */
  code: number;
  /** What the suite wrote, or undefined when it wrote nothing (it did not load, or crashed). */
  report: SuiteReport | undefined;
  /** Milliseconds until the workbench had opened. */
  openedAfterMs: number;
}

/**
 * Runs the mocha suite of test/e2e/suite inside VS Code's extension host (extensionTestsPath, the
 * `@vscode/test-web` mechanism) and returns its report; `env` reaches the suite (e.g. RADNB_E2E_GREP).
 */
export async function runSuite(options: {
  env?: Record<string, string>;
  folder?: string;
  timeoutMs: number;
  log?: (line: string) => void;
}): Promise<SuiteRun> {
  const started = Date.now();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'radnb-e2e-report-'));
  const reportFile = path.join(scratch, 'report.json');
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => (exited = resolve));
  const log = options.log ?? (() => {});
  const workbench = await openWorkbench({
    folder: options.folder,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: await buildSuite(),
    env: { ...options.env, RADNB_E2E_REPORT: reportFile },
    beforeLoad: async (page) => {
      // How VS Code's web workbench hands extension-test logs and the exit code to an automation driver.
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) =>
        log(`[vscode ${type}] ${format(...args)}`),
      );
      await page.exposeFunction('codeAutomationExit', (code: number) => exited(code));
    },
  });
  const openedAfterMs = Date.now() - started;
  try {
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exitCode,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the suite did not finish in ${options.timeoutMs / 1000} s`)),
          options.timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as SuiteReport) : undefined;
    return { code, report, openedAfterMs };
  } finally {
    await workbench.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
