// The radnb kernel process behind the Jupyter front end: the same child VS Code and `radnb run` start,
// with the runner's parameters injected before the first cell. After it dies the next request starts a
// fresh one, so a crashed cell costs its variables, never the Jupyter kernel.
import { KernelClient } from '../kernel/client';

type Params = Record<string, unknown>;

export interface KernelChildOptions {
  notebookDir: string;
  /** Runner parameters for `param(name, fallback)`; an Error when they could not be read. */
  params: Params | Error;
  allowIdentifiers: boolean;
  backend?: string;
  log(line: string): void;
}

/** The environment variable with runner parameters as a JSON object, e.g. {"fast": true}. */
export const PARAMS_VARIABLE = 'RADNB_PARAMS';

export function paramsFromEnvironment(env: NodeJS.ProcessEnv): Params | Error {
  const text = env[PARAMS_VARIABLE];
  if (!text) return {};
  try {
    const params: unknown = JSON.parse(text);
    if (typeof params === 'object' && params !== null && !Array.isArray(params)) return params as Params;
  } catch {
    // reported below
  }
  return new Error(`${PARAMS_VARIABLE} must be a JSON object such as {"fast": true}, not ${JSON.stringify(text)}`);
}

export class KernelChild {
  private client: KernelClient | undefined;
  private starting: Promise<KernelClient> | undefined;
  private stopping = false;

  constructor(private readonly options: KernelChildOptions) {}

  /** The running kernel, starting one when there is none or the last one died. */
  ready(): Promise<KernelClient> {
    if (this.client?.alive) return Promise.resolve(this.client);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  interrupt(): void {
    this.client?.interrupt();
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    await this.client?.shutdown();
  }

  private async start(): Promise<KernelClient> {
    const { params } = this.options;
    if (params instanceof Error) throw params;
    const client = await KernelClient.start({
      notebookDir: this.options.notebookDir,
      nodePath: process.execPath,
      backend: this.options.backend,
      allowIdentifiers: this.options.allowIdentifiers,
      ownProcessGroup: true,
    });
    client.onExit((description) => this.stopping || this.options.log(`the kernel process ended (${description})`));
    await client.setParams(params);
    this.client = client;
    return client;
  }
}
