// Common CT windows (centre/width in HU) under names a radiologist uses.

export interface VoiWindow {
  center: number;
  width: number;
}

export const WINDOW_PRESETS = {
  lung: { center: -600, width: 1500 },
  mediastinum: { center: 50, width: 350 },
  bone: { center: 400, width: 1800 },
  brain: { center: 40, width: 80 },
  abdomen: { center: 40, width: 400 },
} as const satisfies Record<string, VoiWindow>;

export type WindowPreset = keyof typeof WINDOW_PRESETS;

export function isWindowPreset(name: string): name is WindowPreset {
  return Object.hasOwn(WINDOW_PRESETS, name);
}

/** A window given by value or by preset name. */
export function resolveWindow<W extends VoiWindow>(window: W | WindowPreset | undefined): W | VoiWindow | undefined {
  if (typeof window !== 'string') return window;
  if (!isWindowPreset(window))
    throw new RangeError(`unknown window preset '${window}' (known: ${Object.keys(WINDOW_PRESETS).join(', ')})`);
  return WINDOW_PRESETS[window];
}
