// Learning-rate schedules for train(): functions of the epoch (0-based) giving that epoch's rate.

export type LearningRateSchedule = (epoch: number) => number;

/** initial × factor^⌊epoch / every⌋, e.g. halve every 10 epochs. */
export function stepDecay(initial: number, factor: number, every: number): LearningRateSchedule {
  return (epoch) => initial * factor ** Math.floor(epoch / every);
}

/** Cosine annealing from `initial` down to `minimum` over `epochs`, then held at `minimum`. */
export function cosineDecay(initial: number, epochs: number, minimum = 0): LearningRateSchedule {
  return (epoch) => minimum + ((initial - minimum) * (1 + Math.cos((Math.PI * Math.min(epoch, epochs)) / epochs))) / 2;
}
