// Starts a real VS Code (code-server) on a scratch copy of the fixtures with radnb loaded as the
// extension under development, and opens it in headless Debian chromium driven by playwright-core.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { launchCodeServer, type RunningCodeServer, type WorkbenchOptions } from '../../scripts/codeServer.mjs';
import { repoRoot } from '../support/env';
import { makeScratchWorkspace } from './buildSuite.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const screenshotsDir = path.join(repoRoot, 'test', 'e2e', 'screenshots');

const CHROMIUM_ARGS = [
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

export interface Workbench {
  page: Page;
  /** The scratch workspace folder (a copy of test/e2e/fixtures). */
  workspace: string;
  close(): Promise<void>;
}

export interface WorkbenchSetup extends WorkbenchOptions {
  /** Environment of code-server and its extension host. */
  env?: Record<string, string>;
  /** Called on the page before the workbench loads (e.g. to expose functions to it). */
  beforeLoad?: (page: Page) => Promise<void>;
}

/** Opens the workbench on a scratch copy of the fixtures; close() stops browser and server. */
export async function openWorkbench(setup: WorkbenchSetup): Promise<Workbench> {
  const workspace = makeScratchWorkspace();
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  };
  try {
    server = await launchCodeServer({
      folder: workspace,
      env: setup.env,
      // Let the notebook be the only thing on screen: no welcome page, no chat, no tips.
      settings: { 'workbench.tips.enabled': false, 'chat.commandCenter.enabled': false, 'window.commandCenter': false },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await setup.beforeLoad?.(page);
    await page.goto(server.workbenchUrl(setup));
    return { page, workspace, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until some frame of the page (notebook outputs live in nested webview iframes) shows `text`. */
export async function waitForTextInFrames(page: Page, text: string, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const found = await frame
        .getByText(text)
        .count()
        .catch(() => 0); // frames come and go while the notebook renders
      if (found > 0) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview frame showed "${text}" within ${timeoutMs} ms`);
}
