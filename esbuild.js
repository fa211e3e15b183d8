// Builds every process of radnb into out/. One entry per process or layer; node_modules stay external
// for the Node sides (the kernel loads tfjs and codecs from the installed packages at run time), the
// renderer bundles are self-contained ES modules for the notebook webview.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Entry points that run in Node: extension host, its language-service worker, kernel child process, CLI,
 *  the library cells import. */
const nodeBuilds = [
  { entryPoints: { 'extension/extension': 'src/extension/extension.ts' }, external: ['vscode'] },
  { entryPoints: { 'language/worker': 'src/language/worker.ts' } },
  { entryPoints: { 'kernel/main': 'src/kernel/main.ts', 'kernel/interruptWorker': 'src/kernel/interruptWorker.ts' } },
  { entryPoints: { 'cli/radnb': 'src/cli/radnb.ts' }, banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: { 'lib/index': 'src/lib/index.ts' } },
];

/** Entry points that run in the notebook webview (browser). */
const rendererEntries = listEntries('src/renderers', (name) => name.endsWith('.entry.ts'));

function listEntries(dir, accept) {
  if (!fs.existsSync(dir)) return {};
  const entries = {};
  for (const name of fs.readdirSync(dir)) {
    if (accept(name)) entries[`renderers/${name.replace(/\.entry\.ts$/, '')}`] = path.join(dir, name);
  }
  return entries;
}

/**
 * plotly.js ships minified; it is copied beside the renderer as it is (re-bundling it would re-print 4.8 MB
 * and add a 10 MB source map). plotlyView.ts loads it on the first plot. The folder starts empty so that no
 * stale bundle ships beside the renderer.
 */
function copyPlotly() {
  fs.rmSync('out/renderers', { recursive: true, force: true });
  fs.mkdirSync('out/renderers', { recursive: true });
  fs.copyFileSync(require.resolve('plotly.js-dist-min'), 'out/renderers/plotly.min.js');
}

const common = {
  bundle: true,
  outdir: 'out',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
};

async function main() {
  const configs = nodeBuilds
    .filter((b) => Object.values(b.entryPoints).every((p) => fs.existsSync(p)))
    .map((b) => ({
      ...common,
      ...b,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      external: b.external ?? [],
    }));
  if (Object.keys(rendererEntries).length > 0) {
    configs.push({
      ...common,
      entryPoints: rendererEntries,
      platform: 'browser',
      target: 'es2022',
      format: 'esm',
      loader: { '.css': 'text' },
    });
  }
  copyPlotly();
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  // The language service's declarations of radnb's library and the kernel's globals (out/types/).
  const types = import('./scripts/buildTypes.mjs').then((m) => m.buildTypes());
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('esbuild: watching for changes');
    return;
  }
  // Every process is built even when another one fails, so one broken bundle does not hide the rest.
  const results = await Promise.allSettled([...contexts.map((c) => c.rebuild()), types]);
  for (const r of results)
    if (r.status === 'rejected' && !r.reason?.errors) console.error(r.reason?.message ?? r.reason);
  await Promise.all(contexts.map((c) => c.dispose()));
  const cli = 'out/cli/radnb.js';
  if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
  if (results.some((r) => r.status === 'rejected')) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
