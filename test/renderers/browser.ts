// A minimal notebook webview for renderer tests: headless Debian chromium (playwright-core) loads the built
// renderer bundle (out/renderers) from a fake origin, activates it with a renderer context that records
// posted messages, and renders output items whose bytes come from radnb's own Node encoders.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoRoot } from '../support/env';

export const CHROMIUM = '/usr/bin/chromium';
const ORIGIN = 'http://radnb.test';
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

// Colours VS Code's webview sets on the output container for its light and dark default themes.
export const THEMES = {
  light: {
    '--vscode-editor-background': '#ffffff',
    '--vscode-foreground': '#3b3b3b',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
  },
  dark: {
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-foreground': '#cccccc',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
  },
} as const;

const HARNESS = `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module">
import { activate } from '/renderers/main.js';
window.radnbMessages = [];
const api = await activate({
  postMessage: (m) => window.radnbMessages.push(m), setState() {}, getState() { return undefined; },
  getRenderer: async () => undefined, workspace: { isTrusted: true },
});
window.radnbTheme = (vars) => { for (const [k, v] of Object.entries(vars)) document.body.style.setProperty(k, v);
  document.body.style.background = vars['--vscode-editor-background']; document.body.style.color = vars['--vscode-foreground']; };
window.radnbRender = async (id, mime, name, target) => {
  const bytes = new Uint8Array(await (await fetch('/payload/' + name)).arrayBuffer());
  const text = () => new TextDecoder().decode(bytes);
  const item = { id, mime, metadata: {}, data: () => bytes, text, json: () => JSON.parse(text()), blob: () => new Blob([bytes], { type: mime }) };
  let el = document.getElementById(target);
  if (!el) { el = document.createElement('div'); el.id = target; el.style.width = '640px'; document.body.append(el); }
  await api.renderOutputItem(item, el, new AbortController().signal);
};
window.radnbDispose = (id) => api.disposeOutputItem(id);
window.radnbReady = true;
</script></body></html>`;

export class RendererPage {
  private readonly payloads = new Map<string, Uint8Array>();
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(): Promise<RendererPage> {
    const bundle = path.join(repoRoot, 'out', 'renderers', 'main.js');
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run "node esbuild.js" first`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    const self = new RendererPage(browser, page);
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.route(`${ORIGIN}/**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: HARNESS });
      if (url.pathname.startsWith('/payload/')) {
        const body = self.payloads.get(decodeURIComponent(url.pathname.slice('/payload/'.length)));
        return body ? route.fulfill({ body: Buffer.from(body) }) : route.fulfill({ status: 404 });
      }
      const file = path.join(repoRoot, 'out', path.normalize(url.pathname));
      if (url.pathname.startsWith('/renderers/') && existsSync(file)) {
        return route.fulfill({ contentType: 'text/javascript', body: readFileSync(file) });
      }
      return route.fulfill({ status: 404 });
    });
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => (window as unknown as { radnbReady?: boolean }).radnbReady === true);
    return self;
  }

  async theme(name: keyof typeof THEMES): Promise<void> {
    await this.page.evaluate(
      (vars) => (window as unknown as { radnbTheme(v: object): void }).radnbTheme(vars),
      THEMES[name],
    );
  }

  /** Serves `bytes` to the page; returns the URL path to fetch them from. */
  addPayload(name: string, bytes: Uint8Array): string {
    this.payloads.set(name, bytes);
    return `/payload/${encodeURIComponent(name)}`;
  }

  /** Renders `bytes` (bytes or a JSON-able value) as output item `id` into the element with id `target`. */
  async render(id: string, mime: string, value: Uint8Array | unknown, target = id): Promise<void> {
    const bytes = value instanceof Uint8Array ? value : new TextEncoder().encode(JSON.stringify(value));
    const name = `${id}-${this.payloads.size}`;
    this.addPayload(name, bytes);
    await this.page.evaluate(
      ([i, m, n, t]) => (window as unknown as { radnbRender(...a: string[]): Promise<void> }).radnbRender(i, m, n, t),
      [id, mime, name, target],
    );
  }

  messages(): Promise<unknown[]> {
    return this.page.evaluate(() => (window as unknown as { radnbMessages: unknown[] }).radnbMessages);
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}
