// Shared helpers for tests that need something outside the repository (sample DICOMs from Debian
// packages, Orthanc, Chromium, ../shared data). Outside CI a missing requirement skips the test
// loudly with its reason; in CI (CI=true) it fails, because .ci/run installs everything.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const inCI = process.env.CI === 'true';

/** Returns true when the test may go on; otherwise skips it (or, in CI, throws) naming what is missing. */
export function need(t: TestContext, ok: boolean, what: string): boolean {
  if (ok) return true;
  const reason = `needs ${what}`;
  if (inCI) throw new Error(`${reason} — .ci/run should have installed it`);
  console.warn(`SKIPPED (${t.name}): ${reason}`);
  t.skip(reason);
  return false;
}

export function needFile(t: TestContext, file: string, what = file): boolean {
  return need(t, existsSync(file), what);
}
