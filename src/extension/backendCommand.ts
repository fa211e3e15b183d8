// The command "radnb: Install GPU / Native Backend": pick a backend, install it with progress, restart
// the kernels so the next import of tfjs picks it up.
import * as vscode from 'vscode';
import path from 'node:path';
import { BACKEND_PACKAGES, installBackendPackage } from './backendInstall';

export const INSTALL_BACKEND_COMMAND = 'radnb.installBackend';

/** Where installed backends live; kernels look for optional backends there (RADNB_BACKEND_PACKAGES). */
export function backendsDir(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, 'backends');
}

export function registerInstallBackend(context: vscode.ExtensionContext, restartKernels: () => Promise<void>): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(INSTALL_BACKEND_COMMAND, async () => {
      const choice = await vscode.window.showQuickPick(
        BACKEND_PACKAGES.map((pkg) => ({ label: pkg.label, description: pkg.spec, detail: pkg.detail, pkg })),
        { title: 'Install a TensorFlow.js backend for radnb kernels' },
      );
      if (!choice) return;
      try {
        await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Installing ${choice.pkg.spec}`,
            cancellable: false,
          },
          (progress) =>
            installBackendPackage(backendsDir(context), choice.pkg, {
              onOutput: (line) => progress.report({ message: line.slice(0, 120) }),
            }),
        );
      } catch (err) {
        void vscode.window.showErrorMessage(`radnb: ${(err as Error).message}`);
        return;
      }
      const restart = await vscode.window.showInformationMessage(
        `${choice.pkg.label} is installed. Restart the kernels to use it? (The status bar shows the backend in use and why.)`,
        'Restart Kernels',
      );
      if (restart) await restartKernels();
    }),
  );
}
