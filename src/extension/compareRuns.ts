// "radnb: Compare Runs": a webview that shows the experiment records of several notebooks side by side —
// a table of run facts, parameters, data sets and final metrics (rows where runs differ stand out) and a
// line chart per logged metric. The page builds its DOM from text nodes and SVG elements only (no
// innerHTML with data), follows the VS Code theme, and loads nothing: a nonce CSP allows its one script.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import { compareRuns, experimentRuns, type Comparison, type RunSource } from '../common/experiment';
import { parseNotebook } from '../common/notebook';

export const COMPARE_RUNS_COMMAND = 'radnb.compareRuns';

export function registerCompareRuns(context: vscode.ExtensionContext): void {
  let panel: vscode.WebviewPanel | undefined;
  let shown: vscode.Uri[] = [];
  const refresh = async () =>
    panel && (await panel.webview.postMessage({ type: 'comparison', comparison: await loadComparison(shown) }));
  context.subscriptions.push(
    // From the explorer (one or several selected files) or the command palette (pick notebooks).
    vscode.commands.registerCommand(COMPARE_RUNS_COMMAND, async (clicked?: vscode.Uri, selected?: vscode.Uri[]) => {
      const uris = selected?.length ? selected : clicked ? [clicked] : await pickNotebooks();
      if (!uris || uris.length === 0) return;
      shown = uris;
      if (panel) {
        panel.reveal();
        await refresh();
        return;
      }
      panel = vscode.window.createWebviewPanel('radnb.compareRuns', 'Compare Runs', vscode.ViewColumn.Beside, {
        enableScripts: true,
        localResourceRoots: [],
      });
      panel.webview.html = comparisonHtml(randomBytes(16).toString('base64'), panel.webview.cspSource);
      panel.webview.onDidReceiveMessage((message: { type?: string }) => message.type === 'ready' && refresh());
      panel.onDidDispose(() => (panel = undefined));
    }),
    vscode.workspace.onDidSaveNotebookDocument(
      (doc) => shown.some((u) => u.toString() === doc.uri.toString()) && refresh(),
    ),
  );
}

async function pickNotebooks(): Promise<vscode.Uri[] | undefined> {
  const files = await vscode.workspace.findFiles('**/*.{radnb,ipynb}', '**/node_modules/**', 500);
  const active = vscode.window.activeNotebookEditor?.notebook.uri.toString();
  const items = files.map((uri) => ({
    label: vscode.workspace.asRelativePath(uri),
    uri,
    picked: uri.toString() === active,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: 'Compare the runs of which notebooks?',
  });
  return picked?.map((p) => p.uri);
}

/** Records from each notebook: an open one's current metadata (it may hold unsaved runs), else the file. */
async function loadComparison(uris: vscode.Uri[]): Promise<Comparison> {
  const sources: RunSource[] = [];
  for (const uri of uris) {
    const name = path.basename(uri.fsPath);
    const open = vscode.workspace.notebookDocuments.find(
      (doc) => doc.uri.toString() === uri.toString() && doc.notebookType === 'radnb',
    );
    const metadata = (open?.metadata as { metadata?: Record<string, unknown> } | undefined)?.metadata;
    try {
      const notebook = metadata
        ? { cells: [], metadata, nbformatMinor: 5 }
        : parseNotebook(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), name);
      sources.push({ notebook: name, runs: experimentRuns(notebook) });
    } catch (err) {
      void vscode.window.showWarningMessage(`Compare Runs: ${(err as Error).message}`);
    }
  }
  return compareRuns(sources);
}

export function comparisonHtml(nonce: string, cspSource: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main id="root"><p class="empty">Loading runs…</p></main>
<script nonce="${nonce}">${VIEW_SCRIPT}</script>
</body>
</html>`;
}

// esbuild with keepNames (tsx does this) wraps functions in a `__name` helper that the page lacks.
const VIEW_SCRIPT = `const __name = (f) => f; (${comparisonView.toString()})();`;

const STYLE = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 2px 8px; text-align: left; font-variant-numeric: tabular-nums; }
th.section { background: var(--vscode-editorWidget-background, transparent); font-weight: 600; }
tr.differs td { font-weight: 600; color: var(--vscode-charts-orange, inherit); }
td.key { color: var(--vscode-descriptionForeground); }
.charts { display: flex; flex-wrap: wrap; gap: 1em; }
svg { background: var(--vscode-editorWidget-background, transparent); }
svg text { fill: var(--vscode-foreground); font-size: 11px; }
svg line.axis { stroke: var(--vscode-descriptionForeground); }
.empty { color: var(--vscode-descriptionForeground); }
`;

/** Runs inside the webview, serialized with toString(): it must not refer to anything outside itself. */
export function comparisonView(): void {
  const SVG = 'http://www.w3.org/2000/svg';
  const PALETTE = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'].map((c) => `var(--vscode-charts-${c}, ${c})`);
  const api = (
    globalThis as unknown as { acquireVsCodeApi(): { postMessage(message: unknown): void } }
  ).acquireVsCodeApi();
  const root = document.getElementById('root')!;

  const element = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    text?: string,
    className?: string,
  ): HTMLElementTagNameMap[K] => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };
  const svgElement = (tag: string, attributes: Record<string, string | number>, text?: string): SVGElement => {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  };

  function table(comparison: Comparison): HTMLTableElement {
    const result = element('table');
    const head = result.createTHead().insertRow();
    head.append(element('th', ''), ...comparison.runs.map((run) => element('th', run.label)));
    const body = result.createTBody();
    let section = '';
    for (const row of comparison.rows) {
      if (row.section !== section) {
        section = row.section;
        const th = element(
          'th',
          { run: 'Run', param: 'Parameters', dataset: 'Data sets', metric: 'Metrics (last value)' }[row.section],
          'section',
        );
        th.colSpan = comparison.runs.length + 1;
        body.insertRow().append(th);
      }
      const tr = body.insertRow();
      if (row.differs && comparison.runs.length > 1) tr.className = 'differs';
      tr.append(element('td', row.key, 'key'), ...row.values.map((value) => element('td', value)));
    }
    return result;
  }

  function chart(metric: Comparison['charts'][number], labels: string[]): SVGElement {
    const width = 420;
    const height = 220;
    const m = { left: 48, right: 12, top: 22, bottom: 36 };
    const points = metric.lines.flatMap((line) => line.points.filter((p) => p.value !== null));
    const steps = points.map((p) => p.step);
    const values = points.map((p) => p.value as number);
    const [x0, x1] = [Math.min(...steps), Math.max(...steps)];
    const [y0, y1] = [Math.min(...values), Math.max(...values)];
    const sx = (step: number) => m.left + ((step - x0) / (x1 - x0 || 1)) * (width - m.left - m.right);
    const sy = (value: number) => height - m.bottom - ((value - y0) / (y1 - y0 || 1)) * (height - m.top - m.bottom);
    const svg = svgElement('svg', {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `${metric.metric} by step`,
    });
    svg.append(
      svgElement('text', { x: m.left, y: 14, 'font-weight': 'bold' }, metric.metric),
      svgElement('line', {
        class: 'axis',
        x1: m.left,
        y1: height - m.bottom,
        x2: width - m.right,
        y2: height - m.bottom,
      }),
      svgElement('line', { class: 'axis', x1: m.left, y1: m.top, x2: m.left, y2: height - m.bottom }),
      svgElement('text', { x: m.left - 4, y: sy(y1) + 4, 'text-anchor': 'end' }, Number(y1.toPrecision(3)).toString()),
      svgElement('text', { x: m.left - 4, y: sy(y0) + 4, 'text-anchor': 'end' }, Number(y0.toPrecision(3)).toString()),
      svgElement('text', { x: sx(x0), y: height - m.bottom + 14, 'text-anchor': 'middle' }, String(x0)),
      svgElement('text', { x: sx(x1), y: height - m.bottom + 14, 'text-anchor': 'middle' }, String(x1)),
      svgElement('text', { x: (m.left + width - m.right) / 2, y: height - 4, 'text-anchor': 'middle' }, 'step'),
    );
    for (const line of metric.lines) {
      // A missing value (NaN, Infinity) breaks the line instead of being drawn as a number.
      const segments: string[][] = [[]];
      for (const p of line.points) {
        if (p.value === null) segments.push([]);
        else segments[segments.length - 1].push(`${sx(p.step).toFixed(1)},${sy(p.value).toFixed(1)}`);
      }
      const colour = PALETTE[line.run % PALETTE.length];
      for (const segment of segments.filter((s) => s.length > 0)) {
        const polyline = svgElement('polyline', { points: segment.join(' '), fill: 'none', 'stroke-width': 1.5 });
        polyline.style.stroke = colour;
        polyline.append(svgElement('title', {}, labels[line.run]));
        svg.append(polyline);
      }
    }
    return svg;
  }

  function legend(comparison: Comparison): HTMLElement {
    const list = element('p');
    comparison.runs.forEach((run, i) => {
      const swatch = element('span', '■ ');
      swatch.style.color = PALETTE[i % PALETTE.length];
      list.append(swatch, document.createTextNode(`${run.label}   `));
    });
    return list;
  }

  function render(comparison: Comparison): void {
    root.replaceChildren();
    if (comparison.runs.length === 0) {
      root.append(
        element(
          'p',
          'No experiment records yet. Run a notebook (radnb run, or Run All in VS Code) and its runs appear here.',
          'empty',
        ),
      );
      return;
    }
    root.append(element('h2', 'Runs'), table(comparison));
    const charts = comparison.charts.filter((c) => c.lines.some((l) => l.points.some((p) => p.value !== null)));
    if (charts.length === 0) return;
    const labels = comparison.runs.map((r) => r.label);
    const box = element('div', undefined, 'charts');
    box.append(...charts.map((c) => chart(c, labels)));
    root.append(element('h2', 'Logged metrics'), legend(comparison), box);
  }

  window.addEventListener('message', (event: MessageEvent<{ type?: string; comparison?: Comparison }>) => {
    if (event.data?.type === 'comparison' && event.data.comparison) render(event.data.comparison);
  });
  api.postMessage({ type: 'ready' });
}
