// Timings the suite measures in the real VS Code (interrupt, restart, …), reported with its results.
export const measurements: Record<string, number> = {};

export function record(name: string, milliseconds: number): void {
  measurements[name] = milliseconds;
}
