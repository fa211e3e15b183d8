// Identifying values (patient names, IDs, dates, institutions…) of every DICOM file the kernel has
// loaded. The medical library registers them as it reads files; the kernel redacts them from every
// output before it leaves the kernel process, so no save path (VS Code, headless runner, export) can
// write them into a notebook. Shared through globalThis because the library and the kernel are
// separate bundles.

export interface Identifier {
  /** DICOM keyword of the attribute, e.g. "PatientName". */
  keyword: string;
  value: string;
}

/** Values shorter than this are too common to redact on their own ("M", "F", "Y"). */
const MIN_LENGTH = 3;

class PhiRegistry {
  /** lower-cased text → keyword; longer texts are matched first. */
  private readonly terms = new Map<string, string>();
  private pattern: RegExp | undefined;

  register(identifiers: Identifier[]): void {
    for (const { keyword, value } of identifiers) {
      for (const variant of variantsOf(keyword, value)) {
        if (variant.length >= MIN_LENGTH && !this.terms.has(variant.toLowerCase())) {
          this.terms.set(variant.toLowerCase(), keyword);
          this.pattern = undefined;
        }
      }
    }
  }

  get size(): number {
    return this.terms.size;
  }

  redact(text: string): { text: string; count: number } {
    if (this.terms.size === 0 || text.length < MIN_LENGTH) return { text, count: 0 };
    this.pattern ??= new RegExp(
      [...this.terms.keys()]
        .sort((a, b) => b.length - a.length)
        .map(termPattern)
        .join('|'),
      'gi',
    );
    let count = 0;
    const redacted = text.replace(this.pattern, (match) => {
      count++;
      return `[${this.terms.get(match.toLowerCase()) ?? 'identifier'} redacted]`;
    });
    return { text: redacted, count };
  }
}

/** The ways a value may appear in output: DICOM person names ("Doe^John") also as "Doe John",
 *  "John Doe" and their parts; DICOM dates (19800101) also as 1980-01-01. */
function variantsOf(keyword: string, raw: string): string[] {
  const value = raw.trim();
  if (!value) return [];
  const variants = new Set([value]);
  if (value.includes('^')) {
    const parts = value
      .split('^')
      .map((p) => p.trim())
      .filter(Boolean);
    variants.add(parts.join(' '));
    variants.add([...parts].reverse().join(' '));
    variants.add(parts.join(', '));
    for (const p of parts) variants.add(p);
  }
  if (/Date$/.test(keyword) && /^\d{8}$/.test(value))
    variants.add(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}`);
  return [...variants];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A value that starts or ends with a digit (an ID, a date) never matches inside a longer number: a patient ID
 *  "123565" must not cut a loss of 0.0123565 in a chart's JSON. */
function termPattern(term: string): string {
  const before = /^\d/.test(term) ? '(?<![\\d.])' : '';
  const after = /\d$/.test(term) ? '(?!\\d|\\.\\d)' : '';
  return `${before}${escapeRegExp(term)}${after}`;
}

const REGISTRY_KEY = Symbol.for('radnb.phiRegistry');
const ALLOWED_KEY = Symbol.for('radnb.identifiersAllowed');

/** Whether outputs may carry identifiers: set by the kernel from the setting / notebook metadata. */
export function identifiersAllowed(): boolean {
  return (globalThis as { [ALLOWED_KEY]?: boolean })[ALLOWED_KEY] === true;
}

export function setIdentifiersAllowed(allowed: boolean): void {
  (globalThis as { [ALLOWED_KEY]?: boolean })[ALLOWED_KEY] = allowed;
}

/** Placeholder for an identifying value that is kept out of outputs. */
export const REDACTED = '[redacted]';

export function phiRegistry(): PhiRegistry {
  const slot = globalThis as { [REGISTRY_KEY]?: PhiRegistry };
  return (slot[REGISTRY_KEY] ??= new PhiRegistry());
}

/** Called by the medical library for every file it loads. */
export function registerIdentifiers(identifiers: Identifier[]): void {
  phiRegistry().register(identifiers);
}
