// Export keeps a notebook usable outside radnb: the .ipynb validates against the official nbformat 4.5
// schema (and Jupyter's own validator when installed); the HTML report is one self-contained file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { exportHtml, exportIpynb, renderMarkdown, runExportCommand, withoutReferences } from '../../src/cli/export';
import { parseNotebook, serializeNotebook, type Notebook } from '../../src/common/notebook';
import { encodePng } from '../../src/common/png';
import { chromium } from 'playwright-core';
import { need, needFile, repoRoot } from '../support/env';
import { validate } from './jsonSchema';

const schema = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'nbformat.v4.5.schema.json'), 'utf8'));
const PNG = encodePng(new Uint8Array([0, 255, 128, 64]), 2, 2).toString('base64');

/** A notebook with every kind of cell and output radnb produces. */
function richNotebook(): Notebook {
  return parseNotebook(
    JSON.stringify({
      cells: [
        {
          cell_type: 'markdown',
          metadata: {},
          source: '# Pneumonia *study*\n![scan](attachment:scan.png)',
          attachments: { 'scan.png': { 'image/png': PNG } },
        },
        { cell_type: 'raw', metadata: {}, source: 'raw text' },
        {
          cell_type: 'code',
          metadata: { tags: ['train'] },
          execution_count: 3,
          source: 'train()',
          outputs: [
            { output_type: 'stream', name: 'stdout', text: 'epoch 1\n' },
            { output_type: 'stream', name: 'stderr', text: 'warning <b>\n' },
            { output_type: 'execute_result', execution_count: 3, metadata: {}, data: { 'text/plain': '0.93' } },
            {
              output_type: 'display_data',
              metadata: {},
              data: {
                'application/vnd.plotly.v1+json': { data: [{ y: [1, 2] }] },
                'image/png': PNG,
                'text/plain': 'loss curve',
              },
            },
            { output_type: 'display_data', metadata: {}, data: { 'application/vnd.plotly.v1+json': { data: [] } } },
            {
              output_type: 'display_data',
              metadata: {},
              data: {
                'application/vnd.radnb.dicom': Buffer.from([1, 2, 3]).toString('base64'),
                'text/plain': 'CT 512×512',
              },
            },
            {
              output_type: 'display_data',
              metadata: {},
              data: { 'text/html': '<table><tr><td>AUC</td></tr></table><img src="https://example.com/x.png">' },
            },
            {
              output_type: 'error',
              ename: 'RangeError',
              evalue: 'bad shape',
              traceback: ['RangeError: bad shape', '    at Cell 3:1:1'],
            },
          ],
        },
      ],
      metadata: { radnb: { outputs: 'all' } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
    'rich.radnb',
  );
}

test('exported .ipynb files validate against the nbformat 4.5 schema, and the check can fail', () => {
  const notebooks = [richNotebook(), ...committedNotebooks()];
  for (const notebook of notebooks) assert.deepEqual(validate(JSON.parse(exportIpynb(notebook)), schema), []);
  const broken = JSON.parse(exportIpynb(richNotebook()));
  delete broken.cells[2].outputs[2].execution_count;
  broken.cells[0].id = 'has spaces';
  const errors = validate(broken, schema);
  assert.ok(
    errors.some((e) => e.startsWith('$.cells[0].id: does not match')),
    errors.join('\n'),
  );
  assert.ok(
    errors.some((e) => e.includes('$.cells[2]')),
    errors.join('\n'),
  );
});

test('an exported notebook names the kernel Jupyter knows as radnb, also when it was saved with the legacy name', () => {
  const legacy = committedNotebooks().find(
    (nb) => (nb.metadata.kernelspec as { name?: string } | undefined)?.name === 'radnb-typescript',
  );
  const notebooks = [richNotebook(), ...(legacy ? [legacy] : [])];
  for (const notebook of notebooks) assert.equal(JSON.parse(exportIpynb(notebook)).metadata.kernelspec.name, 'radnb');
});

test("Jupyter's own validator accepts the exported .ipynb", (t) => {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import nbformat'], { encoding: 'utf8' });
  if (!need(t, probe.status === 0, 'Debian python3-nbformat')) return;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-export-')), 'rich.ipynb');
  writeFileSync(file, exportIpynb(richNotebook()));
  const r = spawnSync(
    python,
    ['-c', 'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print("valid")', file],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'valid');
});

test('the HTML report is self-contained: images as data URIs, plots as their PNG fallback, no script, no fetch', () => {
  const html = exportHtml(richNotebook(), 'rich.radnb');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src data:/);
  assert.doesNotMatch(html, /<script|<link|src="https?:/i);
  assert.match(html, /<h1>Pneumonia <em>study<\/em><\/h1>/);
  assert.match(html, new RegExp(`<img alt="scan" src="data:image/png;base64,${PNG.replace(/[+/]/g, '\\$&')}">`));
  assert.match(html, /<img alt="loss curve" src="data:image\/png;base64,/);
  assert.match(html, /application\/vnd.plotly.v1\+json: interactive output without a static fallback/);
  assert.match(html, /<pre>CT 512×512<\/pre>/);
  assert.match(html, /<pre class="stderr">warning &lt;b&gt;/);
  assert.match(html, /<pre class="error">RangeError: bad shape\n {4}at Cell 3:1:1<\/pre>/);
  // Output HTML is kept, in a frame that runs no script, with its URL references disabled and the CSP behind them.
  assert.match(html, /&lt;img data-radnb-blocked-src=&quot;https:\/\/example\.com\/x\.png&quot;&gt;/);
  assert.doesNotMatch(html, /[^-]src=&quot;https/);
  assert.match(
    html,
    /<iframe sandbox title="HTML output" srcdoc="&lt;meta http-equiv=&quot;Content-Security-Policy&quot; content=&quot;default-src &amp;#39;none&amp;#39;[^"]*&gt;&lt;table&gt;/,
  );
  assert.match(html, /<div class="prompt">\[3\]<\/div><pre class="source"><code>train\(\)<\/code><\/pre>/);
});

test('URL references in output HTML are disabled; in-page anchors and data: URIs stay', () => {
  assert.equal(
    withoutReferences(
      `<img src="https://x.org/a.png"><img SRC=//x.org/b><link href='/style.css'><a href="#top">t</a><img src="data:image/png;base64,AA"><video poster=x.jpg></video>`,
    ),
    `<img data-radnb-blocked-src="https://x.org/a.png"><img data-radnb-blocked-SRC=//x.org/b><link data-radnb-blocked-href='/style.css'><a href="#top">t</a><img src="data:image/png;base64,AA"><video data-radnb-blocked-poster=x.jpg></video>`,
  );
  assert.equal(
    withoutReferences('<p style="background: url(\'https://x.org/t.png\'); mask: url(data:a)">'),
    '<p style="background: url(\'about:blank#https://x.org/t.png\'); mask: url(data:a)">',
  );
});

test('the HTML report opens offline in Chromium: its images decode and it requests nothing', async (t) => {
  const executable = '/usr/bin/chromium';
  if (!needFile(t, executable, 'Debian chromium')) return;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-export-')), 'report.html');
  writeFileSync(file, exportHtml(richNotebook(), 'rich.radnb'));
  const browser = await chromium.launch({
    executablePath: executable,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${file}`);
  const images = await page.$$eval('img', (imgs) => imgs.map((img) => [img.alt, img.complete && img.naturalWidth]));
  assert.deepEqual(images, [
    ['scan', 2],
    ['loss curve', 2],
  ]);
  const frameText = await page.frameLocator('iframe').locator('td').textContent();
  assert.equal(frameText, 'AUC');
  assert.deepEqual(requests, [`file://${file}`], 'only the report itself is loaded');
});

test('markdown becomes HTML with headings, lists, code, emphasis and links, and everything else is escaped', () => {
  const md = [
    '## Data',
    'Use **bold**, *italic*, `a<b>` and [the paper](https://doi.org/10.1016/j.cell.2018.02.010) or [x](javascript:alert(1)).',
    '',
    '- one',
    '- two_three with https://x.org/a_b_c',
    '',
    '1. first',
    '2. second',
    '',
    '```ts',
    'const x = "<script>";',
    '```',
    '<script>alert(1)</script>',
    '> quoted',
    '---',
    '![remote](https://example.com/scan.png)',
  ].join('\n');
  assert.equal(
    renderMarkdown(md, {}),
    [
      '<h2>Data</h2>',
      '<p>Use <strong>bold</strong>, <em>italic</em>, <code>a&lt;b&gt;</code> and <a href="https://doi.org/10.1016/j.cell.2018.02.010">the paper</a> or [x](javascript:alert(1)).</p>',
      '<ul>\n<li>one</li>\n<li>two_three with https://x.org/a_b_c</li>\n</ul>',
      '<ol>\n<li>first</li>\n<li>second</li>\n</ol>',
      '<pre><code class="language-ts">const x = &quot;&lt;script&gt;&quot;;\n</code></pre>',
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
      '<blockquote>\n<p>quoted</p>\n</blockquote>',
      '<hr>',
      '<p><a href="https://example.com/scan.png">remote</a></p>',
      '',
    ].join('\n'),
  );
  assert.equal(
    renderMarkdown('[a_b](https://x.org/a_b_c_d) _em_', {}),
    '<p><a href="https://x.org/a_b_c_d">a_b</a> <em>em</em></p>\n',
  );
});

test('markdown tables and nested lists render; raw HTML in them is shown as text', () => {
  const md = [
    '| Split | Images | <b>AUC</b> |',
    '|:--|--:|---|',
    '| val | 524 | 0.97 <img src=x onerror=alert(1)> |',
    '',
    '1. Data',
    '   - train',
    '     - 3,882 images',
    '   - test',
    '2. Model',
    '',
    '<div onclick="alert(1)">block</div>',
  ].join('\n');
  assert.equal(
    renderMarkdown(md, {}),
    [
      '<table>',
      '<thead>',
      '<tr>',
      '<th style="text-align:left">Split</th>',
      '<th style="text-align:right">Images</th>',
      '<th>&lt;b&gt;AUC&lt;/b&gt;</th>',
      '</tr>',
      '</thead>',
      '<tbody>',
      '<tr>',
      '<td style="text-align:left">val</td>',
      '<td style="text-align:right">524</td>',
      '<td>0.97 &lt;img src=x onerror=alert(1)&gt;</td>',
      '</tr>',
      '</tbody>',
      '</table>',
      '<ol>',
      '<li>Data',
      '<ul>',
      '<li>train',
      '<ul>',
      '<li>3,882 images</li>',
      '</ul>',
      '</li>',
      '<li>test</li>',
      '</ul>',
      '</li>',
      '<li>Model</li>',
      '</ol>',
      '<p>&lt;div onclick=&quot;alert(1)&quot;&gt;block&lt;/div&gt;</p>',
      '',
    ].join('\n'),
  );
});

test('radnb export writes next to the notebook by default and rejects an unknown format', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-export-'));
  const file = path.join(dir, 'study.radnb');
  writeFileSync(file, serializeNotebook(richNotebook()));
  assert.equal(await runExportCommand([file, '--to', 'ipynb']), 0);
  assert.deepEqual(validate(JSON.parse(readFileSync(path.join(dir, 'study.ipynb'), 'utf8')), schema), []);
  assert.equal(await runExportCommand([file, '--to', 'html', '--out', path.join(dir, 'report.html')]), 0);
  assert.ok(existsSync(path.join(dir, 'report.html')));
  await assert.rejects(runExportCommand([file, '--to', 'pdf']), /--to must be ipynb or html, not 'pdf'/);
  await assert.rejects(
    runExportCommand([path.join(dir, 'nope.radnb'), '--to', 'html']),
    /nope\.radnb: no such notebook/,
  );
});

function committedNotebooks(): Notebook[] {
  const files = [path.join(repoRoot, 'notebooks'), path.join(repoRoot, 'notebooks', 'exercises')].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.radnb'))
      .map((f) => path.join(dir, f)),
  );
  return files.map((f) => parseNotebook(readFileSync(f, 'utf8'), f));
}
