// A Jupyter message on ZeroMQ: routing identities, the delimiter, the HMAC signature, four JSON frames
// (header, parent header, metadata, content), then binary buffers. Decoding checks the signature before
// it parses anything, and reports every malformed message as a WireError instead of throwing elsewhere.
import type { JupyterMessage } from './messages';
import type { MessageSigner } from './messageSigner';

export const DELIMITER = Buffer.from('<IDS|MSG>', 'ascii');

export class WireError extends Error {
  override name = 'WireError';
}

export interface DecodedMessage {
  identities: Buffer[];
  message: JupyterMessage;
}

export function encodeMessage(
  identities: readonly Buffer[],
  message: JupyterMessage<object>,
  signer: MessageSigner,
): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part), 'utf8'),
  );
  return [...identities, DELIMITER, Buffer.from(signer.sign(parts), 'ascii'), ...parts, ...message.buffers];
}

export function decodeMessage(frames: readonly Buffer[], signer: MessageSigner): DecodedMessage {
  const at = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (at < 0) throw new WireError('no <IDS|MSG> delimiter');
  if (frames.length < at + 6)
    throw new WireError(`${frames.length - at - 1} frames after the delimiter, 5 or more expected`);
  const parts = frames.slice(at + 2, at + 6);
  const refused = signer.check(frames[at + 1].toString('ascii'), parts);
  if (refused) throw new WireError(refused);
  const [header, parent, metadata, content] = parts.map((part, i) =>
    parseObject(part, ['header', 'parent header', 'metadata', 'content'][i]),
  );
  if (typeof header.msg_type !== 'string' || typeof header.msg_id !== 'string')
    throw new WireError('the header has no msg_type or msg_id');
  return {
    identities: frames.slice(0, at),
    message: {
      header: header as unknown as JupyterMessage['header'],
      parent_header: parent as JupyterMessage['parent_header'],
      metadata,
      content,
      buffers: frames.slice(at + 6),
    },
  };
}

function parseObject(frame: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString('utf8'));
  } catch {
    throw new WireError(`the ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new WireError(`the ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}
