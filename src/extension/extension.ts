// The VS Code side of radnb: the .radnb serializer, the kernel controller, the language features,
// the variables view, commands, the status bar and the channel through which renderers ask to stop a
// cell. Everything medical or tfjs runs in the kernel process; this host only relays.
import * as vscode from 'vscode';
import { emptyNotebook } from '../common/notebook';
import { backendsDir, registerInstallBackend } from './backendCommand';
import { registerCompareRuns } from './compareRuns';
import { RadnbController } from './controller';
import { registerExerciseCommands } from './exerciseCommands';
import { KernelSession } from './kernelSession';
import { registerLanguageFeatures } from './language/languageFeatures';
import { RADNB_LANGUAGE } from './language/radnbLanguage';
import { RadnbSerializer, toNotebookData } from './serializer';
import { KernelStatusBar } from './statusBar';
import { registerVariablesView } from './variables/variablesView';

export function activate(context: vscode.ExtensionContext): void {
  const kernelScript = vscode.Uri.joinPath(context.extensionUri, 'out', 'kernel', 'main.js').fsPath;
  const sessions = new Map<vscode.NotebookDocument, KernelSession>();
  const variablesChanged = new vscode.EventEmitter<void>();
  const log = vscode.window.createOutputChannel('radnb', { log: true });
  const statusBar = new KernelStatusBar();
  const activeNotebook = () => vscode.window.activeNotebookEditor?.notebook;
  const refreshStatus = () => {
    const notebook = activeNotebook();
    statusBar.show(
      notebook
        ? (sessions.get(notebook)?.status ?? (isOurs(notebook) ? { state: 'not started' } : undefined))
        : undefined,
    );
  };
  const session = (notebook: vscode.NotebookDocument): KernelSession => {
    let s = sessions.get(notebook);
    if (!s) {
      s = new KernelSession(notebook, kernelScript, backendsDir(context));
      s.onDidChangeStatus(() => refreshStatus());
      s.onDidChangeVariables(() => variablesChanged.fire());
      sessions.set(notebook, s);
    }
    return s;
  };
  const controller = new RadnbController({ session });
  const messaging = vscode.notebooks.createRendererMessaging('radnb.renderer');

  context.subscriptions.push(
    log,
    variablesChanged,
    registerVariablesView((nb) => sessions.get(nb)?.variables, variablesChanged.event),
    vscode.workspace.registerNotebookSerializer('radnb', new RadnbSerializer(), { transientOutputs: false }),
    controller,
    statusBar,
    messaging.onDidReceiveMessage(({ editor, message }) => {
      if ((message as { type?: string } | undefined)?.type === 'interrupt') controller.interrupt(editor.notebook);
    }),
    vscode.workspace.onDidOpenNotebookDocument((nb) => controller.prefer(nb)),
    vscode.workspace.onDidCloseNotebookDocument((nb) => {
      sessions.get(nb)?.dispose();
      sessions.delete(nb);
      variablesChanged.fire();
    }),
    vscode.window.onDidChangeActiveNotebookEditor(refreshStatus),
    vscode.commands.registerCommand('radnb.restartKernel', async () => {
      const nb = activeNotebook();
      if (!nb) return;
      try {
        await session(nb).restart();
      } catch (err) {
        void vscode.window.showErrorMessage((err as Error).message);
      }
    }),
    vscode.commands.registerCommand('radnb.interruptKernel', () => {
      const nb = activeNotebook();
      if (nb) controller.interrupt(nb);
    }),
    vscode.commands.registerCommand('radnb.newNotebook', async () => {
      const data = toNotebookData(emptyNotebook());
      data.cells.push(
        new vscode.NotebookCellData(
          vscode.NotebookCellKind.Code,
          "import * as tf from '@tensorflow/tfjs';\n",
          RADNB_LANGUAGE,
        ),
      );
      const doc = await vscode.workspace.openNotebookDocument('radnb', data);
      await vscode.window.showNotebookDocument(doc);
    }),
    { dispose: () => sessions.forEach((s) => s.dispose()) },
  );
  registerCompareRuns(context);
  registerInstallBackend(context, async () => {
    await Promise.all([...sessions.values()].filter((s) => s.running).map((s) => s.restart()));
  });
  registerExerciseCommands(context);
  registerLanguageFeatures(context, {
    onDidChangeKernelSelection: controller.onDidChangeSelection,
    live: (nb) => sessions.get(nb)?.variables?.variables,
    log: (message) => log.info(message),
  });
  vscode.workspace.notebookDocuments.forEach((nb) => controller.prefer(nb));
  refreshStatus();
}

function isOurs(notebook: vscode.NotebookDocument): boolean {
  return notebook.notebookType === 'radnb';
}
