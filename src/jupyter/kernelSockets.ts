// The five ZeroMQ sockets of a Jupyter kernel: shell, control and stdin (ROUTER), iopub (PUB) and the
// heartbeat (REP, echoed at once). zeromq is loaded here only, when a Jupyter kernel starts, so other
// radnb commands never load it. A message that fails to decode or verify is logged and dropped.
import { endpoint, type ConnectionInfo } from './connectionFile';
import type { Channel, Incoming, JupyterMessage } from './messages';
import { MessageSigner } from './messageSigner';
import { decodeMessage, encodeMessage, WireError } from './wireFrames';

type Zmq = typeof import('zeromq');
type ZmqSocket = InstanceType<Zmq['Router']> | InstanceType<Zmq['Publisher']> | InstanceType<Zmq['Reply']>;

export type RequestChannel = 'shell' | 'control' | 'stdin';

export interface KernelSocketsOptions {
  onMessage(incoming: Incoming): void;
  log(line: string): void;
}

/** How long closing waits for queued messages (a shutdown reply) to leave. */
const LINGER_MS = 1000;

export class KernelSockets {
  private readonly queues = new Map<ZmqSocket, Promise<void>>();

  private constructor(
    private readonly sockets: Record<Channel, ZmqSocket>,
    private readonly signer: MessageSigner,
    private readonly options: KernelSocketsOptions,
  ) {}

  static async bind(info: ConnectionInfo, options: KernelSocketsOptions): Promise<KernelSockets> {
    const zmq: Zmq = await import('zeromq');
    const signer = new MessageSigner(info.key, info.signatureScheme);
    const sockets: Record<Channel, ZmqSocket> = {
      shell: new zmq.Router(),
      control: new zmq.Router(),
      stdin: new zmq.Router(),
      iopub: new zmq.Publisher(),
      hb: new zmq.Reply(),
    };
    for (const [channel, socket] of Object.entries(sockets) as [Channel, ZmqSocket][]) {
      socket.linger = LINGER_MS;
      socket.ipv6 = info.ip.includes(':');
      try {
        await socket.bind(endpoint(info, channel));
      } catch (err) {
        for (const s of Object.values(sockets)) s.close();
        throw new Error(`cannot bind the ${channel} socket to ${endpoint(info, channel)}: ${(err as Error).message}`);
      }
    }
    const kernelSockets = new KernelSockets(sockets, signer, options);
    if (!signer.enabled)
      options.log(
        'the connection file has an empty key: messages are not signed, anyone who can reach the ports can run code',
      );
    for (const channel of ['shell', 'control', 'stdin'] as const) void kernelSockets.receive(channel);
    void kernelSockets.echoHeartbeats();
    return kernelSockets;
  }

  /** Sends a reply to the client (identities) that sent a request on a ROUTER channel. */
  send(channel: RequestChannel, identities: readonly Buffer[], message: JupyterMessage<object>): Promise<void> {
    return this.enqueue(this.sockets[channel], encodeMessage(identities, message, this.signer));
  }

  /** Publishes on iopub; the topic names the message type, as Jupyter's kernels do. */
  publish(message: JupyterMessage<object>): Promise<void> {
    const topic = Buffer.from(`kernel.${message.header.session}.${message.header.msg_type}`);
    return this.enqueue(this.sockets.iopub, encodeMessage([topic], message, this.signer));
  }

  /** Waits for queued messages to be handed to ZeroMQ, then closes every socket. */
  async close(): Promise<void> {
    await Promise.all(this.queues.values());
    for (const socket of Object.values(this.sockets)) socket.close();
  }

  /** zeromq.js allows one send in flight per socket: later ones wait their turn, in order. */
  private enqueue(socket: ZmqSocket, frames: Buffer[]): Promise<void> {
    const previous = this.queues.get(socket) ?? Promise.resolve();
    const sent = previous
      .then(() => socket.send(frames))
      .catch((err: Error) => this.options.log(`could not send a message: ${err.message}`));
    this.queues.set(socket, sent);
    return sent;
  }

  private async receive(channel: RequestChannel): Promise<void> {
    const socket = this.sockets[channel] as InstanceType<Zmq['Router']>;
    try {
      for await (const frames of socket) {
        let incoming: Incoming;
        try {
          incoming = { channel, ...decodeMessage(frames, this.signer) };
        } catch (err) {
          this.options.log(`dropped a message on ${channel}: ${err instanceof WireError ? err.message : String(err)}`);
          continue;
        }
        try {
          this.options.onMessage(incoming);
        } catch (err) {
          this.options.log(
            `a ${incoming.message.header.msg_type} on ${channel} failed: ${(err as Error).stack ?? String(err)}`,
          );
        }
      }
    } catch (err) {
      if (!socket.closed) this.options.log(`the ${channel} socket failed: ${(err as Error).message}`);
    }
  }

  private async echoHeartbeats(): Promise<void> {
    const socket = this.sockets.hb as InstanceType<Zmq['Reply']>;
    try {
      for await (const frames of socket) await socket.send(frames);
    } catch (err) {
      if (!socket.closed) this.options.log(`the heartbeat socket failed: ${(err as Error).message}`);
    }
  }
}
