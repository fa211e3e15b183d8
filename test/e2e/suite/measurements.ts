// What the suite measures in the real VS Code (interrupt, restart, activation, memory…), reported with its
// results: a figure and its unit, by what was measured.
export const measurements: Record<string, { value: number; unit: string }> = {};

export function record(name: string, value: number, unit = 'ms'): void {
  measurements[name] = { value, unit };
}
