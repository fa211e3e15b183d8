// Group labels for bias audits from DICOM tags: age bands from Patient's Age (AS, e.g. "045Y") or
// numbers of years, and sex from Patient's Sex (M/F/O).
import { MetricsError } from './errors';

/** Years from a DICOM Age String ("045Y", "006M", "003W", "010D") or a number; NaN when missing. */
export function ageInYears(age: string | number | null | undefined): number {
  if (age === null || age === undefined || age === '') return NaN;
  if (typeof age === 'number') return age;
  const match = /^(\d{3})([DWMY])$/.exec(age.trim());
  if (match === null) throw new MetricsError('ageInYears', `"${age}" is not a DICOM age string like "045Y"`);
  const perYear = { D: 365.25, W: 365.25 / 7, M: 12, Y: 1 }[match[2] as 'D' | 'W' | 'M' | 'Y'];
  return Number(match[1]) / perYear;
}

/** Band label of each age with increasing `edges` (default [18, 40, 65] → "<18", "18–39", "40–64", "≥65");
 *  missing ages give "unknown". */
export function ageBands(
  ages: ArrayLike<string | number | null | undefined>,
  edges: readonly number[] = [18, 40, 65],
): string[] {
  if (edges.length === 0 || edges.some((e, i) => i > 0 && e <= edges[i - 1])) {
    throw new MetricsError('ageBands', `edges must be increasing, got [${edges.join(', ')}]`);
  }
  return Array.from(ages, (age) => {
    const years = ageInYears(age);
    if (Number.isNaN(years)) return 'unknown';
    const band = edges.findIndex((e) => years < e);
    if (band === 0) return `<${edges[0]}`;
    if (band < 0) return `≥${edges[edges.length - 1]}`;
    return `${edges[band - 1]}–${edges[band] - 1}`;
  });
}

/** "M", "F", "O" of Patient's Sex (0010,0040) as words; anything else "unknown". */
export function sexGroups(values: ArrayLike<string | null | undefined>): string[] {
  const names: Record<string, string> = { M: 'male', F: 'female', O: 'other' };
  return Array.from(values, (v) => names[(v ?? '').trim().toUpperCase()] ?? 'unknown');
}
