// Runner parameters (`--param name=value`): parsed once, injected into a kernel before the first cell,
// read in cells with `param(name, fallback)`. Shared by `radnb run` and `radnb grade`.
import type { KernelClient } from '../kernel/client';

export type Params = Record<string, unknown>;

/** `name=value` pairs; values are JSON when they parse as JSON (numbers, booleans, arrays), else strings. */
export function parseParams(pairs: string[]): Params {
  const params: Params = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--param needs name=value, got '${pair}'`);
    const raw = pair.slice(eq + 1);
    try {
      params[pair.slice(0, eq)] = JSON.parse(raw);
    } catch {
      params[pair.slice(0, eq)] = raw;
    }
  }
  return params;
}

export async function injectParams(kernel: KernelClient, params: Params): Promise<void> {
  if (Object.keys(params).length === 0) return;
  const injected = await kernel.execute(`Object.assign(params, ${JSON.stringify(params)});`, 'Parameters');
  if (injected.status !== 'ok') throw new Error(`could not inject parameters: ${injected.error?.message}`);
}
