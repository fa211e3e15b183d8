// The connection file Jupyter writes for each kernel it starts: where to bind the five sockets and the
// key that signs messages. The kernel binds exactly where it says (loopback unless the server chose
// otherwise) and refuses a file it cannot trust to be complete.
import { readFileSync } from 'node:fs';
import type { Channel } from './messages';

export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  key: string;
  signatureScheme: string;
  ports: Record<Channel, number>;
}

const PORT_FIELDS: Record<Channel, string> = {
  shell: 'shell_port',
  control: 'control_port',
  stdin: 'stdin_port',
  iopub: 'iopub_port',
  hb: 'hb_port',
};

export function readConnectionFile(file: string): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read the Jupyter connection file (${(err as Error).message})`);
  }
  return parseConnectionInfo(raw, file);
}

export function parseConnectionInfo(raw: unknown, file: string): ConnectionInfo {
  const bad = (reason: string): never => {
    throw new Error(`${file}: not a Jupyter connection file — ${reason}`);
  };
  if (typeof raw !== 'object' || raw === null) return bad('not a JSON object');
  const json = raw as Record<string, unknown>;
  const transport = json.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') return bad(`transport '${String(transport)}' (tcp or ipc expected)`);
  const ip = json.ip ?? '127.0.0.1';
  if (typeof ip !== 'string' || ip === '') return bad('"ip" is not a string');
  const key = json.key ?? '';
  if (typeof key !== 'string') return bad('"key" is not a string');
  const ports = {} as Record<Channel, number>;
  for (const [channel, field] of Object.entries(PORT_FIELDS) as [Channel, string][]) {
    const port = json[field];
    if (!Number.isInteger(port) || (port as number) <= 0 || (port as number) > 65_535)
      return bad(`"${field}" is not a port number`);
    ports[channel] = port as number;
  }
  const signatureScheme = json.signature_scheme ?? 'hmac-sha256';
  if (typeof signatureScheme !== 'string') return bad('"signature_scheme" is not a string');
  return { transport, ip, key, signatureScheme, ports };
}

/** The ZeroMQ endpoint of a channel: tcp://IP:PORT, or ipc://IP-PORT (Jupyter's naming for ipc). */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  return info.transport === 'tcp'
    ? `tcp://${info.ip.includes(':') ? `[${info.ip}]` : info.ip}:${info.ports[channel]}`
    : `ipc://${info.ip}-${info.ports[channel]}`;
}
