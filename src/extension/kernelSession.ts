// One kernel per notebook: started on the first run, restarted on demand, replaced by a fresh one on
// the next run after it dies. It reports its state for the status bar.
import * as vscode from 'vscode';
import path from 'node:path';
import type { BackendMessage, TensorStats, VariablesMessage } from '../common/kernelProtocol';
import { KernelClient } from '../kernel/client';
import { resolveNodeRuntime } from './nodePath';

export type KernelState = 'not started' | 'starting' | 'idle' | 'busy' | 'dead';

export interface KernelStatus {
  state: KernelState;
  backend?: BackendMessage;
  detail?: string;
  tensors?: TensorStats;
  /** The last cell's tensor leak, shown as a warning in the status bar. */
  leak?: string;
}

export class KernelSession implements vscode.Disposable {
  private client: KernelClient | undefined;
  private starting: Promise<KernelClient> | undefined;
  /** Execution counter shown next to cells (reset on restart, as in Jupyter). */
  executionCount = 0;
  status: KernelStatus = { state: 'not started' };
  private readonly changed = new vscode.EventEmitter<KernelStatus>();
  readonly onDidChangeStatus = this.changed.event;
  /** The kernel's top-level variables after its last cell; none before the first and after a restart. */
  variables: VariablesMessage | undefined;
  private readonly variablesChanged = new vscode.EventEmitter<VariablesMessage | undefined>();
  readonly onDidChangeVariables = this.variablesChanged.event;

  constructor(
    readonly notebook: vscode.NotebookDocument,
    private readonly kernelScript: string,
    /** Folder of backends installed by "Install GPU / Native Backend". */
    private readonly backendsDir: string,
  ) {}

  /** The running kernel, starting one when there is none (or the last one died). */
  kernel(): Promise<KernelClient> {
    if (this.client?.alive) return Promise.resolve(this.client);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  get running(): KernelClient | undefined {
    return this.client?.alive ? this.client : undefined;
  }

  setState(state: KernelState, extra: Partial<KernelStatus> = {}): void {
    this.status = { ...this.status, state, ...extra };
    this.changed.fire(this.status);
  }

  async restart(): Promise<void> {
    this.stop();
    this.executionCount = 0;
    await this.kernel();
  }

  interrupt(): void {
    this.client?.interrupt();
  }

  stop(): void {
    const old = this.client;
    this.client = undefined;
    old?.kill('restarted or shut down at your request');
    this.setVariables(undefined);
    this.setState('not started', { backend: undefined, detail: undefined, tensors: undefined, leak: undefined });
  }

  dispose(): void {
    this.stop();
    this.changed.dispose();
    this.variablesChanged.dispose();
  }

  private setVariables(variables: VariablesMessage | undefined): void {
    this.variables = variables;
    this.variablesChanged.fire(variables);
  }

  private async start(): Promise<KernelClient> {
    this.setState('starting', { detail: undefined });
    const config = vscode.workspace.getConfiguration('radnb', this.notebook.uri);
    const runtime = resolveNodeRuntime(config.get<string>('kernel.nodePath', ''));
    const notebookDir =
      this.notebook.uri.scheme === 'file'
        ? path.dirname(this.notebook.uri.fsPath)
        : (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd());
    try {
      const client = await KernelClient.start({
        nodePath: runtime.path,
        env: { ...runtime.env, RADNB_BACKEND_PACKAGES: this.backendsDir },
        notebookDir,
        kernelScript: this.kernelScript,
        maxOldSpaceSizeMb: config.get<number>('kernel.maxOldSpaceSizeMb', 4096),
        maxOutputBytes: config.get<number>('output.maxBytes', 8 * 1024 * 1024),
        backend: config.get<string>('backend', 'auto'),
        allowIdentifiers:
          config.get<boolean>('privacy.allowIdentifiers', false) || notebookAllowsIdentifiers(this.notebook),
      });
      this.client = client;
      client.onBackend((backend) => this.setState(this.status.state, { backend }));
      client.onVariables((variables) => {
        if (this.client === client) this.setVariables(variables);
      });
      client.onExit((description) => {
        if (this.client !== client) return;
        this.setState('dead', { detail: `kernel ended: ${description}` });
        this.setVariables(undefined);
      });
      this.setState('idle');
      return client;
    } catch (err) {
      this.setState('dead', { detail: (err as Error).message });
      throw err;
    }
  }
}

/** A notebook can opt in to keeping identifiers (metadata.radnb.allowIdentifiers), e.g. for work inside a hospital. */
function notebookAllowsIdentifiers(notebook: vscode.NotebookDocument): boolean {
  const meta = notebook.metadata as { metadata?: { radnb?: { allowIdentifiers?: boolean } } };
  return meta.metadata?.radnb?.allowIdentifiers === true;
}
