// Shows the state of the active notebook's kernel and its tfjs backend in the status bar.
import * as vscode from 'vscode';
import type { KernelStatus } from './kernelSession';

const ICON: Record<KernelStatus['state'], string> = {
  'not started': '$(circle-outline)',
  starting: '$(loading~spin)',
  idle: '$(circle-filled)',
  busy: '$(sync~spin)',
  dead: '$(error)',
};

export class KernelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('radnb.kernel', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'radnb kernel';
    this.item.command = 'radnb.restartKernel';
  }

  show(status: KernelStatus | undefined): void {
    if (!status) {
      this.item.hide();
      return;
    }
    const backend = status.backend ? ` · ${status.backend.name}` : '';
    this.item.text = `${ICON[status.state]} radnb: ${status.state}${backend}${status.leak ? ' $(warning)' : ''}`;
    const lines = [`Kernel: ${status.state}`];
    if (status.backend) lines.push(`tfjs backend: ${status.backend.name} — ${status.backend.reason}`);
    if (status.tensors)
      lines.push(`Tensors alive: ${status.tensors.count} (${(status.tensors.bytes / 1048576).toFixed(1)} MiB)`);
    if (status.leak) lines.push(`⚠ ${status.leak}`);
    if (status.detail) lines.push(status.detail);
    lines.push('Click to restart the kernel.');
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor =
      status.state === 'dead' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
