// `npm run bench [name...]`: builds, then runs the benchmarks in bench/*.ts (all, or the named ones,
// e.g. `npm run bench kernel medical`). Each writes bench/results/<name>.json and prints its table.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const wanted = process.argv.slice(2);
const all = readdirSync('bench')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
// Benchmarks that need hardware most machines lack run only when named (`npm run bench:gpu`).
const ON_REQUEST = ['gpu'];
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
const build = spawnSync(process.execPath, ['esbuild.js'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
for (const name of wanted.length > 0 ? wanted : all.filter((n) => !ON_REQUEST.includes(n))) {
  console.log(`\n== bench/${name}.ts`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`bench/${name}.ts failed (exit ${run.status})`);
    process.exit(run.status ?? 1);
  }
}
spawnSync(process.execPath, ['scripts/benchTable.mjs'], { stdio: 'inherit' });
