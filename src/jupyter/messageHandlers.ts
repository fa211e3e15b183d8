// What the radnb Jupyter kernel does with each request. Cells run in radnb's kernel child through
// KernelClient, exactly as in VS Code; this module only translates between that client and the Jupyter
// messaging protocol. Shell requests are handled one at a time, in order; control requests (interrupt,
// shutdown) at once, even while a cell runs. Every request is framed by busy and idle status messages.
import { version as radnbVersion } from '../../package.json';
import type { CellError, ExecuteResult } from '../common/kernelProtocol';
import { KernelDiedError, type KernelClient } from '../kernel/client';
import { codeCompleteness } from './codeCompleteness';
import type { CompletionSource } from './completionSource';
import type { ConnectionInfo } from './connectionFile';
import type { ExecutionHistory, HistoryQuery } from './executionHistory';
import { toJupyterDisplay } from './jupyterDisplay';
import { MessageFactory, PROTOCOL_VERSION, type Incoming, type JupyterMessage } from './messages';
import type { RequestChannel } from './kernelSockets';

export interface MessageTransport {
  send(channel: RequestChannel, identities: readonly Buffer[], message: JupyterMessage<object>): Promise<void>;
  publish(message: JupyterMessage<object>): Promise<void>;
}

/** The kernel process as the handlers need it (src/jupyter/kernelChild.ts). */
export interface KernelProcess {
  ready(): Promise<KernelClient>;
  interrupt(): void;
}

export interface MessageHandlersOptions {
  transport: MessageTransport;
  kernel: KernelProcess;
  completions: CompletionSource;
  history: ExecutionHistory;
  connection: ConnectionInfo;
  log(line: string): void;
  /** Called after the shutdown reply is sent: the front end ends the kernel and exits. */
  onShutdown(restart: boolean): void;
}

interface ExecuteRequestContent {
  code?: unknown;
  silent?: unknown;
  store_history?: unknown;
  user_expressions?: unknown;
  stop_on_error?: unknown;
}

interface CursorRequestContent {
  code?: unknown;
  cursor_pos?: unknown;
}

type Handler = (request: Incoming) => Promise<void>;

const INTERRUPTED: CellError = {
  name: 'Interrupted',
  message: 'The cell was stopped. Variables defined before it are kept.',
  stack: '',
};

export const KERNEL_INFO = {
  protocol_version: PROTOCOL_VERSION,
  implementation: 'radnb',
  implementation_version: radnbVersion,
  language_info: {
    name: 'typescript',
    version: 'esnext',
    mimetype: 'text/typescript',
    file_extension: '.ts',
    codemirror_mode: 'text/typescript',
    pygments_lexer: 'typescript',
  },
  banner: `radnb ${radnbVersion}: TypeScript and TensorFlow.js for medical imaging, on Node.js ${process.version}`,
  help_links: [],
  debugger: false,
};

export class MessageHandlers {
  private readonly messages = new MessageFactory();
  private executionCount = 0;
  private shellQueue: Promise<void> = Promise.resolve();
  /** Shell requests received so far, and the last one an error with stop_on_error aborts. */
  private received = 0;
  private abortThrough = 0;
  /** Display ids already shown: an update of any other id is shown as a new output. */
  private readonly displayIds = new Set<string>();

  private readonly shell: Record<string, Handler> = {
    execute_request: (r) => this.execute(r),
    complete_request: (r) => this.complete(r),
    inspect_request: (r) => this.inspect(r),
    is_complete_request: (r) => this.isComplete(r),
    history_request: (r) =>
      this.reply(r, 'history_reply', {
        status: 'ok',
        history: this.options.history.query(historyQuery(r.message.content)),
      }),
    comm_info_request: (r) => this.reply(r, 'comm_info_reply', { status: 'ok', comms: {} }),
    kernel_info_request: (r) => this.reply(r, 'kernel_info_reply', { status: 'ok', ...KERNEL_INFO }),
    connect_request: (r) => this.reply(r, 'connect_reply', { status: 'ok', ...this.ports() }),
    comm_open: (r) => this.refuseComm(r),
  };

  private readonly control: Record<string, Handler> = {
    interrupt_request: (r) => this.interrupt(r),
    shutdown_request: (r) => this.shutdown(r),
    kernel_info_request: (r) => this.reply(r, 'kernel_info_reply', { status: 'ok', ...KERNEL_INFO }),
  };

  constructor(private readonly options: MessageHandlersOptions) {}

  /** Publishes the 'starting' status once the sockets are bound. */
  starting(): Promise<void> {
    return this.options.transport.publish(this.messages.make('status', { execution_state: 'starting' }));
  }

  handle(request: Incoming): void {
    const type = request.message.header.msg_type;
    if (request.channel === 'shell') {
      const sequence = ++this.received;
      const handler = this.shell[type];
      if (!handler) return this.ignore(request);
      this.shellQueue = this.shellQueue.then(() =>
        this.withStatus(request, () =>
          sequence <= this.abortThrough && type === 'execute_request' ? this.abort(request) : handler(request),
        ),
      );
    } else if (request.channel === 'control') {
      const handler = this.control[type];
      if (!handler) return this.ignore(request);
      void this.withStatus(request, () => handler(request));
    }
    // stdin carries input_reply only, and radnb cells do not ask for input.
  }

  private ignore(request: Incoming): void {
    const type = request.message.header.msg_type;
    if (type !== 'comm_msg' && type !== 'comm_close')
      this.options.log(`ignored a ${type} on ${request.channel}: radnb does not handle it`);
  }

  private async withStatus(request: Incoming, handle: () => Promise<void>): Promise<void> {
    await this.publish(request, 'status', { execution_state: 'busy' });
    try {
      await handle();
    } catch (err) {
      this.options.log(`${request.message.header.msg_type} failed: ${(err as Error).stack ?? String(err)}`);
    } finally {
      await this.publish(request, 'status', { execution_state: 'idle' });
    }
  }

  private reply(request: Incoming, type: string, content: object): Promise<void> {
    const message = this.messages.make(type, content, request.message.header);
    return this.options.transport.send(request.channel as RequestChannel, request.identities, message);
  }

  private publish(request: Incoming, type: string, content: object): Promise<void> {
    return this.options.transport.publish(this.messages.make(type, content, request.message.header));
  }

  private async execute(request: Incoming): Promise<void> {
    const content = request.message.content as ExecuteRequestContent;
    const code = typeof content.code === 'string' ? content.code : '';
    const silent = content.silent === true;
    const storeHistory = !silent && content.store_history !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) await this.publish(request, 'execute_input', { code, execution_count: count });

    let result: ExecuteResult | { status: 'died'; error: CellError };
    try {
      const kernel = await this.options.kernel.ready();
      result = await kernel.execute(code, `In[${count}]`, {
        onStream: (name, text) => void (silent || this.publish(request, 'stream', { name, text })),
        onDisplay: (displayId, bundle, update) => {
          if (silent) return;
          const shown = this.displayIds.has(displayId);
          this.displayIds.add(displayId);
          void this.publish(request, update && shown ? 'update_display_data' : 'display_data', {
            ...toJupyterDisplay(bundle),
            transient: { display_id: displayId },
          });
        },
        onClear: (wait) => void (silent || this.publish(request, 'clear_output', { wait })),
      });
    } catch (err) {
      // Anything but a death during the cell means no kernel could be started for it.
      const name = err instanceof KernelDiedError ? 'KernelDied' : 'KernelStartError';
      result = { status: 'died', error: { name, message: (err as Error).message, stack: '' } };
    }

    let text: string | null = null;
    if (result.status === 'ok' && 'value' in result && result.value) {
      const display = toJupyterDisplay(result.value);
      text = typeof display.data['text/plain'] === 'string' ? display.data['text/plain'] : null;
      if (!silent) await this.publish(request, 'execute_result', { execution_count: count, ...display });
    }
    if (storeHistory) this.options.history.add({ line: count, input: code, output: text });

    const error = result.status === 'ok' ? undefined : result.status === 'interrupted' ? INTERRUPTED : result.error;
    if (!error) {
      await this.reply(request, 'execute_reply', {
        status: 'ok',
        execution_count: count,
        payload: [],
        user_expressions: this.userExpressions(content),
      });
      return;
    }
    const fields = {
      ename: error.name,
      evalue: error.message,
      traceback: (error.stack || `${error.name}: ${error.message}`).split('\n'),
    };
    if (!silent) await this.publish(request, 'error', fields);
    if (content.stop_on_error !== false) this.abortThrough = this.received;
    await this.reply(request, 'execute_reply', { status: 'error', execution_count: count, ...fields });
  }

  /** An execute request queued behind a failed cell (stop_on_error): not run, as in IPython. */
  private abort(request: Incoming): Promise<void> {
    return this.reply(request, 'execute_reply', { status: 'aborted', execution_count: this.executionCount });
  }

  /** radnb does not evaluate user_expressions; each one says so rather than being dropped silently. */
  private userExpressions(content: ExecuteRequestContent): Record<string, object> {
    const expressions =
      typeof content.user_expressions === 'object' && content.user_expressions !== null
        ? Object.keys(content.user_expressions)
        : [];
    const unsupported = {
      status: 'error',
      ename: 'NotImplementedError',
      evalue: 'radnb does not evaluate user_expressions',
      traceback: [],
    };
    return Object.fromEntries(expressions.map((name) => [name, unsupported]));
  }

  private async complete(request: Incoming): Promise<void> {
    const { code, cursor } = cursorRequest(request.message.content as CursorRequestContent);
    const reply = await this.options.completions.complete(code, cursor).catch((err: Error) => {
      this.options.log(`completion failed: ${err.message}`);
      return { matches: [], cursorStart: cursor, cursorEnd: cursor };
    });
    await this.reply(request, 'complete_reply', {
      status: 'ok',
      matches: reply.matches,
      cursor_start: codePoints(code, reply.cursorStart),
      cursor_end: codePoints(code, reply.cursorEnd),
      metadata: {},
    });
  }

  private async inspect(request: Incoming): Promise<void> {
    const { code, cursor } = cursorRequest(request.message.content as CursorRequestContent);
    const reply = await this.options.completions.inspect(code, cursor).catch((err: Error) => {
      this.options.log(`inspection failed: ${err.message}`);
      return { found: false, data: {} };
    });
    await this.reply(request, 'inspect_reply', { status: 'ok', found: reply.found, data: reply.data, metadata: {} });
  }

  private isComplete(request: Incoming): Promise<void> {
    const code = (request.message.content as { code?: unknown }).code;
    return this.reply(
      request,
      'is_complete_reply',
      typeof code === 'string' ? codeCompleteness(code) : { status: 'unknown' },
    );
  }

  /** radnb has no comm targets (widgets): the client is told the comm is closed, as IPython does. */
  private refuseComm(request: Incoming): Promise<void> {
    const commId = (request.message.content as { comm_id?: unknown }).comm_id;
    return this.publish(request, 'comm_close', { comm_id: typeof commId === 'string' ? commId : '', data: {} });
  }

  private async interrupt(request: Incoming): Promise<void> {
    this.options.kernel.interrupt();
    await this.reply(request, 'interrupt_reply', { status: 'ok' });
  }

  private async shutdown(request: Incoming): Promise<void> {
    const restart = (request.message.content as { restart?: unknown }).restart === true;
    await this.reply(request, 'shutdown_reply', { status: 'ok', restart });
    this.options.onShutdown(restart);
  }

  private ports(): Record<string, number> {
    const { ports } = this.options.connection;
    return {
      shell_port: ports.shell,
      iopub_port: ports.iopub,
      stdin_port: ports.stdin,
      control_port: ports.control,
      hb_port: ports.hb,
    };
  }
}

/** The fields of a history request that have the types the protocol gives them; others are left out. */
function historyQuery(content: Record<string, unknown>): HistoryQuery {
  const pick = <T>(key: string, type: string): T | undefined =>
    typeof content[key] === type ? (content[key] as T) : undefined;
  const access = content.hist_access_type;
  return {
    hist_access_type: access === 'tail' || access === 'range' || access === 'search' ? access : undefined,
    output: pick<boolean>('output', 'boolean'),
    session: pick<number>('session', 'number'),
    start: pick<number>('start', 'number'),
    stop: pick<number>('stop', 'number'),
    n: pick<number>('n', 'number'),
    pattern: pick<string>('pattern', 'string'),
    unique: pick<boolean>('unique', 'boolean'),
  };
}

/** The request's code and cursor; Jupyter counts the cursor in code points, JavaScript in UTF-16 units. */
function cursorRequest(content: CursorRequestContent): { code: string; cursor: number } {
  const code = typeof content.code === 'string' ? content.code : '';
  const points = typeof content.cursor_pos === 'number' ? content.cursor_pos : [...code].length;
  let cursor = 0;
  for (let n = 0; n < points && cursor < code.length; n++) cursor += code.codePointAt(cursor)! > 0xffff ? 2 : 1;
  return { code, cursor };
}

function codePoints(code: string, utf16Offset: number): number {
  return [...code.slice(0, utf16Offset)].length;
}
