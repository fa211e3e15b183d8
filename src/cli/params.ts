// Runner parameters (`--param name=value`), parsed once for `radnb run` and `radnb grade`; the kernel
// client hands them to the notebook (KernelClient.setParams) before its first cell.

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
