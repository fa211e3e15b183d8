// The Jupyter messaging protocol's message shape (version 5.3) and how radnb makes new messages: every
// reply and output names the request it belongs to in its parent header, which is how clients route it.
import { randomUUID } from 'node:crypto';
import os from 'node:os';

export const PROTOCOL_VERSION = '5.3';

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface JupyterMessage<C = Record<string, unknown>> {
  header: MessageHeader;
  /** The header of the request this message answers; empty for a message that answers none. */
  parent_header: MessageHeader | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export type Channel = 'shell' | 'control' | 'stdin' | 'iopub' | 'hb';

/** A request as it arrived: the socket, the ZeroMQ routing identities to reply to, the message. */
export interface Incoming {
  channel: Channel;
  identities: Buffer[];
  message: JupyterMessage;
}

/** Makes messages of one kernel session (one front-end process). */
export class MessageFactory {
  readonly session = randomUUID();
  private readonly username = userName();

  make<C extends object>(
    msgType: string,
    content: C,
    parent?: MessageHeader,
    metadata: Record<string, unknown> = {},
  ): JupyterMessage<C> {
    return {
      header: {
        msg_id: randomUUID(),
        session: this.session,
        username: this.username,
        date: new Date().toISOString(),
        msg_type: msgType,
        version: PROTOCOL_VERSION,
      },
      parent_header: parent ?? {},
      metadata,
      content,
      buffers: [],
    };
  }
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'radnb';
  }
}
