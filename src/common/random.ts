// Seeded randomness (mulberry32) for everything that must come out the same on every run and machine —
// batch order, augmentation, bootstrap intervals, data splits, the phantom — which Math.random cannot give.

export type Random = () => number;

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for runs that did not ask for one. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** 0 … n−1 in a seeded Fisher–Yates order. */
export function shuffledIndices(n: number, random: Random): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** A shuffled copy of `items`. */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  return Array.from(shuffledIndices(items.length, seededRandom(seed)), (i) => items[i]);
}
