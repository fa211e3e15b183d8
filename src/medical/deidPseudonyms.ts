// Pseudonyms that stay the same for the same input within one de-identification run (or across runs
// that share a secret): a keyed hash, so the mapping cannot be rebuilt by hashing guessed UIDs or IDs.
import { createHmac, randomBytes } from 'node:crypto';

export class Pseudonyms {
  private readonly secret: Uint8Array;
  private readonly uids = new Map<string, string>();

  /** Without a secret every instance draws a fresh random one: two runs give unrelated pseudonyms. */
  constructor(secret?: string | Uint8Array) {
    this.secret = secret === undefined ? randomBytes(32) : typeof secret === 'string' ? Buffer.from(secret) : secret;
  }

  /** A new UID for an original UID, as a "2.25." UUID-derived UID (PS3.5 B.2), always the same for the
   *  same original. */
  uid(original: string): string {
    const known = this.uids.get(original);
    if (known) return known;
    const bytes = this.digest(`uid:${original}`).subarray(0, 16);
    bytes[6] = (bytes[6] & 0x0f) | 0x80; // UUID version 8 (custom), RFC 9562
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    const replaced = `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString()}`;
    this.uids.set(original, replaced);
    return replaced;
  }

  /** A patient pseudonym such as "ANON-3F9A0C1B22D4": keeps "same patient" visible (for splits by
   *  patient) without the identity. */
  patient(originalId: string): string {
    return `ANON-${this.digest(`patient:${originalId}`).toString('hex', 0, 6).toUpperCase()}`;
  }

  /** Every UID replaced so far, original → replacement (a re-identification key: keep it private). */
  uidMapping(): ReadonlyMap<string, string> {
    return this.uids;
  }

  private digest(text: string): Buffer {
    return createHmac('sha256', this.secret).update(text).digest();
  }
}
