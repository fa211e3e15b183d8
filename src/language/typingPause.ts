/** The pause after an isolated edit (a paste, a one-key fix): its errors are what the user waits for. */
export const SHORTEST_TYPING_PAUSE_MS = 50;
/** Edits further apart than this are not one burst of typing. */
export const LONGEST_KEYSTROKE_GAP_MS = 300;

/**
 * How long checks wait after an edit that came `gapMs` after the one before. A check cannot stop at once, and a
 * completion asked at the next keystroke would wait for it: in a burst of keystrokes the pause is twice the gap
 * between them, so that no check starts until the typing stops (VS Code's TypeScript waits 300–800 ms).
 */
export function typingPauseMs(gapMs: number): number {
  if (gapMs >= LONGEST_KEYSTROKE_GAP_MS) return SHORTEST_TYPING_PAUSE_MS;
  return Math.max(SHORTEST_TYPING_PAUSE_MS, 2 * gapMs);
}
