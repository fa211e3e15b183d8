// `radnb export NB --to ipynb|html [--out F]`. The .ipynb is the notebook as Jupyter reads it (nbformat 4,
// outputs kept). The HTML is a standalone report: markdown rendered, code with its outputs, images as data
// URIs, interactive outputs (plotly, radnb viewers) replaced by their PNG fallback. It loads nothing from
// the network: a Content-Security-Policy forbids it, and output HTML sits in sandboxed frames without scripts.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import MarkdownIt from 'markdown-it';
import { escapeHtml } from '../common/escapeHtml';
import {
  ERROR_MIME,
  STDERR_MIME,
  STDOUT_MIME,
  parseNotebook,
  serializeNotebook,
  withCurrentKernelspec,
  type CellOutput,
  type Notebook,
  type NotebookCell,
  type OutputItem,
} from '../common/notebook';

export type ExportFormat = 'ipynb' | 'html';

export async function runExportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { to: { type: 'string' }, out: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new Error('radnb export takes exactly one notebook');
  const format = values.to;
  if (format !== 'ipynb' && format !== 'html') throw new Error(`--to must be ipynb or html, not '${format ?? ''}'`);
  const file = positionals[0];
  const out = values.out ?? file.replace(/\.(radnb|ipynb)$/, '') + `.${format}`;
  if (path.resolve(out) === path.resolve(file))
    throw new Error(`${file}: the export would overwrite the notebook; pass --out`);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`${file}: no such notebook`);
  });
  const notebook = parseNotebook(text, file);
  await writeFile(out, format === 'ipynb' ? exportIpynb(notebook) : exportHtml(notebook, path.basename(file)));
  process.stderr.write(`radnb export: ${out}\n`);
  return 0;
}

/** nbformat 4.5 as Jupyter writes it (older notebooks gain cell ids); radnb's outputs keep their MIME
 *  types next to their PNG/text fallbacks; the kernelspec names the kernel `radnb jupyter install` adds. */
export function exportIpynb(notebook: Notebook): string {
  return serializeNotebook({
    ...notebook,
    metadata: withCurrentKernelspec(notebook.metadata),
    nbformatMinor: Math.max(notebook.nbformatMinor, 5),
  });
}

// ---------------------------------------------------------------- HTML report

const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`;

/** Attributes through which HTML loads or submits to a URL; an in-page anchor (#…) or a data: URI stays. */
const URL_ATTRIBUTE =
  /\b(src|srcset|href|xlink:href|poster|background|data|action|formaction)(\s*=\s*["']?)(?!["']?(?:data:|#))/gi;

/** Output HTML with every URL reference renamed away (data-radnb-blocked-src=…), CSS url(…) included. */
export function withoutReferences(html: string): string {
  return html
    .replace(URL_ATTRIBUTE, 'data-radnb-blocked-$1$2')
    .replace(/url\(\s*(["']?)(?!["']?data:)/gi, 'url($1about:blank#');
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #656d76; --box: #f6f8fa; --line: #d0d7de; --err: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8d96a0; --box: #161b22; --line: #30363d; --err: #ff7b72; } }
body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
pre { background: var(--box); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; overflow-x: auto; font: 13px/1.4 ui-monospace, monospace; }
code { font: 13px ui-monospace, monospace; }
.cell { margin: 1.2rem 0; }
.prompt { color: var(--muted); font: 12px ui-monospace, monospace; }
.output pre { background: transparent; }
.output img { max-width: 100%; image-rendering: pixelated; }
.stderr, .error { color: var(--err); }
.note { color: var(--muted); font-style: italic; }
iframe { width: 100%; border: 1px solid var(--line); min-height: 12rem; }
`;

export function exportHtml(notebook: Notebook, title: string): string {
  const body = notebook.cells.map(renderCell).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
${CSP_META}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="radnb export">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function renderCell(cell: NotebookCell): string {
  if (cell.kind === 'markdown')
    return `<section class="cell markdown">\n${renderMarkdown(cell.source, attachmentsOf(cell))}</section>`;
  if (cell.kind === 'raw') return `<section class="cell raw"><pre>${escapeHtml(cell.source)}</pre></section>`;
  const prompt = `<div class="prompt">[${cell.executionCount ?? ' '}]</div>`;
  const outputs = cell.outputs.map((o) => `<div class="output">${renderOutput(o)}</div>`).join('\n');
  return `<section class="cell code">${prompt}<pre class="source"><code>${escapeHtml(cell.source)}</code></pre>\n${outputs}</section>`;
}

/** The most faithful static form of an output: images first (the PNG fallback of plots and viewers),
 *  then rendered markdown, sandboxed HTML, plain text; otherwise a note naming what could not be shown. */
function renderOutput(output: CellOutput): string {
  const items = new Map(output.items.map((i) => [i.mime, i]));
  const text = (item: OutputItem) => new TextDecoder().decode(item.data);
  const first = output.items[0];
  if (first?.mime === STDOUT_MIME || first?.mime === STDERR_MIME) {
    return `<pre class="${first.mime === STDERR_MIME ? 'stderr' : 'stdout'}">${escapeHtml(output.items.map(text).join(''))}</pre>`;
  }
  if (first?.mime === ERROR_MIME) {
    const error = JSON.parse(text(first)) as { name?: string; message?: string; stack?: string };
    return `<pre class="error">${escapeHtml(error.stack || `${error.name}: ${error.message}`)}</pre>`;
  }
  for (const mime of ['image/png', 'image/jpeg', 'image/gif']) {
    const item = items.get(mime);
    if (item)
      return `<img alt="${escapeHtml(altText(items))}" src="data:${mime};base64,${Buffer.from(item.data).toString('base64')}">`;
  }
  const svg = items.get('image/svg+xml');
  // As an <img>, SVG runs no script and loads nothing.
  if (svg)
    return `<img alt="${escapeHtml(altText(items))}" src="data:image/svg+xml;base64,${Buffer.from(svg.data).toString('base64')}">`;
  const markdown = items.get('text/markdown');
  if (markdown) return renderMarkdown(text(markdown), {});
  const html = items.get('text/html');
  // The frame carries the report's policy itself (whether a srcdoc frame inherits its parent's policy varies
  // by browser), and its references are disabled first: Chromium's preload scanner can fetch an <img> before
  // it applies a <meta> policy.
  if (html)
    return `<iframe sandbox title="HTML output" srcdoc="${escapeHtml(`${CSP_META}${withoutReferences(text(html))}`)}"></iframe>`;
  const plain = items.get('text/plain');
  if (plain) return `<pre>${escapeHtml(text(plain))}</pre>`;
  return `<p class="note">[${escapeHtml(output.items.map((i) => i.mime).join(', '))}: interactive output without a static fallback; open the notebook to see it]</p>`;
}

function altText(items: Map<string, OutputItem>): string {
  const plain = items.get('text/plain');
  return plain ? new TextDecoder().decode(plain.data).slice(0, 200) : 'image output';
}

function attachmentsOf(cell: NotebookCell): Record<string, string> {
  const attachments = cell.attachments as Record<string, Record<string, string>> | undefined;
  const uris: Record<string, string> = {};
  for (const [name, bundle] of Object.entries(attachments ?? {})) {
    const mime = Object.keys(bundle ?? {}).find((m) => m.startsWith('image/'));
    if (mime && typeof bundle[mime] === 'string') uris[name] = `data:${mime};base64,${bundle[mime]}`;
  }
  return uris;
}

// ---------------------------------------------------------------- markdown

type MarkdownEnv = {
  /** Cell attachments by name, as data URIs. */
  attachments: Record<string, string>;
};

const DATA_IMAGE = /^data:image\/(png|jpeg|gif);base64,[A-Za-z0-9+/=]+$/;

/**
 * CommonMark with GitHub's tables and strikethrough (markdown-it). Raw HTML is shown as text, links go only to
 * the web, mail, anchors and relative paths, and images only to what the report carries itself.
 */
const markdownIt = new MarkdownIt({ html: false, linkify: false, typographer: false });
markdownIt.validateLink = (url) => isSafeLink(url) || url.startsWith('attachment:') || DATA_IMAGE.test(url);
markdownIt.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  const alt = escapeHtml(self.renderInlineAsText(token.children ?? [], options, env));
  const src = String(token.attrGet('src') ?? '');
  const { attachments } = env as MarkdownEnv;
  const attached = src.startsWith('attachment:')
    ? attachments[decodeURIComponent(src.slice('attachment:'.length))]
    : undefined;
  if (attached) return `<img alt="${alt}" src="${escapeHtml(attached)}">`;
  if (DATA_IMAGE.test(src)) return `<img alt="${alt}" src="${escapeHtml(src)}">`;
  // a remote image becomes a link, so opening the report fetches nothing
  return isSafeLink(src) ? `<a href="${escapeHtml(src)}">${alt || escapeHtml(src)}</a>` : alt;
};

export function renderMarkdown(markdown: string, attachments: Record<string, string>): string {
  const env: MarkdownEnv = { attachments };
  return markdownIt.render(markdown, env);
}

/** Web and mail links, in-page anchors and relative paths; never javascript: or other schemes. */
function isSafeLink(href: string): boolean {
  return /^(https?:|mailto:|#)/i.test(href) || !/^[^/?#]*:/.test(href);
}
