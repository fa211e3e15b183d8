// Train/validation/test splits by patient: every example of a patient lands in the same split, so a
// model is never validated or tested on a patient it trained on. Seeded, and as close to the asked
// fractions (counted in examples) as whole patients allow.
import { shuffle } from '../../common/random';

export interface SplitFractions {
  /** Share of examples for training: the rest, which is what it is when left out; given, the three must add up to 1. */
  train?: number;
  /** Share of examples for validation (default 0.15). */
  val?: number;
  /** Share of examples for testing (default 0.15). */
  test?: number;
}

export type SplitName = 'train' | 'val' | 'test';

/** The split of each example, given the patient of each example. */
export function splitByPatient(patients: readonly string[], fractions: SplitFractions = {}, seed = 1): SplitName[] {
  const val = fractions.val ?? 0.15;
  const test = fractions.test ?? 0.15;
  if (val < 0 || test < 0 || val + test >= 1)
    throw new RangeError(`split fractions val=${val}, test=${test} leave nothing to train on`);
  if (fractions.train !== undefined && Math.abs(fractions.train + val + test - 1) > 1e-9) {
    throw new RangeError(`split fractions train=${fractions.train}, val=${val}, test=${test} do not add up to 1`);
  }
  const counts = new Map<string, number>();
  for (const p of patients) counts.set(p, (counts.get(p) ?? 0) + 1);
  const order = shuffle([...counts.keys()].sort(), seed);
  const total = patients.length;
  const assigned = new Map<string, SplitName>();
  let inTest = 0;
  let inVal = 0;
  for (const patient of order) {
    const n = counts.get(patient)!;
    // Fill test, then val, each up to its share; a patient goes where it brings the count closest.
    if (Math.abs(inTest + n - test * total) < Math.abs(inTest - test * total)) {
      assigned.set(patient, 'test');
      inTest += n;
    } else if (Math.abs(inVal + n - val * total) < Math.abs(inVal - val * total)) {
      assigned.set(patient, 'val');
      inVal += n;
    } else assigned.set(patient, 'train');
  }
  return patients.map((p) => assigned.get(p)!);
}
