// HMAC signatures of Jupyter messages with the connection file's key. A message whose signature does not
// match is never handled; digests are compared in constant time, and a signature seen before is refused
// (a replayed message), as Jupyter's own kernels do.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How many recent signatures are remembered to refuse replays. */
const REMEMBERED_SIGNATURES = 65_536;

export class MessageSigner {
  private readonly seen = new Set<string>();

  /** `key` empty: the connection file turned authentication off (Jupyter's convention). */
  constructor(
    private readonly key: string,
    private readonly scheme = 'hmac-sha256',
  ) {
    if (scheme !== 'hmac-sha256')
      throw new Error(`signature scheme '${scheme}' is not supported (radnb signs with hmac-sha256)`);
  }

  get enabled(): boolean {
    return this.key !== '';
  }

  /** The hex digest over the header, parent header, metadata and content frames. */
  sign(parts: readonly Uint8Array[]): string {
    if (!this.enabled) return '';
    const hmac = createHmac('sha256', this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  }

  /** Why the signature is refused, or undefined when it is good (and now remembered). */
  check(signature: string, parts: readonly Uint8Array[]): string | undefined {
    if (!this.enabled) return undefined;
    if (signature === '') return 'unsigned';
    const expected = Buffer.from(this.sign(parts), 'ascii');
    const given = Buffer.from(signature, 'ascii');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
    if (this.seen.has(signature)) return 'replayed signature';
    this.seen.add(signature);
    if (this.seen.size > REMEMBERED_SIGNATURES) this.seen.delete(this.seen.values().next().value as string);
    return undefined;
  }
}
