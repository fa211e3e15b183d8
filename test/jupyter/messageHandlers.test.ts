// The Jupyter message handlers against radnb's real kernel child, with the sockets replaced by a recorder:
// what a client sees for each request, in which order, and with which parent.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { LiveCompletions } from '../../src/jupyter/completionSource';
import type { ConnectionInfo } from '../../src/jupyter/connectionFile';
import { ExecutionHistory } from '../../src/jupyter/executionHistory';
import { KernelChild, paramsFromEnvironment } from '../../src/jupyter/kernelChild';
import { MessageHandlers, type MessageTransport } from '../../src/jupyter/messageHandlers';
import { MessageFactory, type Channel, type Incoming, type JupyterMessage } from '../../src/jupyter/messages';

interface Sent {
  channel: Channel;
  identities: readonly Buffer[];
  message: JupyterMessage;
}

const sent: Sent[] = [];
const logged: string[] = [];
const shutdowns: boolean[] = [];
const client = new MessageFactory();
const connection: ConnectionInfo = {
  transport: 'tcp',
  ip: '127.0.0.1',
  key: 'k',
  signatureScheme: 'hmac-sha256',
  ports: { shell: 1, iopub: 2, stdin: 3, control: 4, hb: 5 },
};
const transport: MessageTransport = {
  send: async (channel, identities, message) =>
    void sent.push({ channel, identities, message: message as JupyterMessage }),
  publish: async (message) => void sent.push({ channel: 'iopub', identities: [], message: message as JupyterMessage }),
};
let kernel: KernelChild;
let handlers: MessageHandlers;

before(() => {
  kernel = new KernelChild({
    notebookDir: mkdtempSync(path.join(tmpdir(), 'radnb-jupyter-handlers-')),
    params: paramsFromEnvironment({ RADNB_PARAMS: '{"fast": true, "size": 64}' }),
    allowIdentifiers: false,
    log: (line) => logged.push(line),
  });
  handlers = new MessageHandlers({
    transport,
    kernel,
    completions: new LiveCompletions(() => kernel.ready()),
    history: new ExecutionHistory(),
    connection,
    log: (line) => logged.push(line),
    onShutdown: (restart) => shutdowns.push(restart),
  });
});

after(() => kernel.shutdown());

/** Sends a request and resolves with everything sent for it, once its idle status is out. */
function request(
  channel: 'shell' | 'control',
  type: string,
  content: object = {},
): { id: string; done: Promise<Sent[]> } {
  const message = client.make(type, content) as JupyterMessage;
  const incoming: Incoming = { channel, identities: [Buffer.from(`client-${channel}`)], message };
  const id = message.header.msg_id;
  handlers.handle(incoming);
  const done = new Promise<Sent[]>((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const mine = sent.filter((s) => (s.message.parent_header as { msg_id?: string }).msg_id === id);
      if (mine.some((s) => s.message.header.msg_type === 'status' && s.message.content.execution_state === 'idle'))
        resolve(mine);
      else if (Date.now() - started > 30_000) reject(new Error(`no idle status for ${type}`));
      else setTimeout(poll, 5);
    };
    poll();
  });
  return { id, done };
}

const types = (messages: Sent[]) => messages.map((s) => `${s.channel}:${s.message.header.msg_type}`);
const replyOf = (messages: Sent[]) =>
  messages.find((s) => s.message.header.msg_type.endsWith('_reply'))!.message.content;
const resultText = (messages: Sent[]) =>
  (
    messages.find((s) => s.message.header.msg_type === 'execute_result')?.message.content.data as
      Record<string, string> | undefined
  )?.['text/plain'];

test('an execute request: busy, input, output, result, reply, idle, all naming the request as parent', async () => {
  const messages = await request('shell', 'execute_request', {
    code: 'const a: number = 20;\nconsole.log("hello");\na * 2 + 2',
    silent: false,
    store_history: true,
  }).done;
  assert.deepEqual(types(messages), [
    'iopub:status',
    'iopub:execute_input',
    'iopub:stream',
    'iopub:execute_result',
    'shell:execute_reply',
    'iopub:status',
  ]);
  assert.deepEqual(messages.map((m) => m.message.content.execution_state).filter(Boolean), ['busy', 'idle']);
  assert.equal(messages[2].message.content.text, 'hello\n');
  assert.deepEqual(messages[3].message.content, { execution_count: 1, data: { 'text/plain': '42' }, metadata: {} });
  assert.deepEqual(replyOf(messages), { status: 'ok', execution_count: 1, payload: [], user_expressions: {} });
  assert.deepEqual(messages[4].identities, [Buffer.from('client-shell')]);
});

test('parameters from RADNB_PARAMS reach param() as with radnb run --param', async () => {
  const messages = await request('shell', 'execute_request', { code: "[param('fast', false), param('size', 28)]" })
    .done;
  assert.equal(resultText(messages), '[ true, 64 ]');
  assert.match(String(paramsFromEnvironment({ RADNB_PARAMS: '[1]' })), /RADNB_PARAMS must be a JSON object/);
});

test('silent executions publish nothing but status and do not count; store_history false does not count', async () => {
  const silent = await request('shell', 'execute_request', { code: 'console.log("quiet"); 5', silent: true }).done;
  assert.deepEqual(types(silent), ['iopub:status', 'shell:execute_reply', 'iopub:status']);
  const unstored = await request('shell', 'execute_request', { code: '1', store_history: false }).done;
  const counted = await request('shell', 'execute_request', { code: '2' }).done;
  assert.equal(replyOf(unstored).execution_count, (replyOf(counted).execution_count! as number) - 1);
});

test('an error: one error output whose traceback names the cell and line, an error reply, queued requests aborted', async () => {
  const failing = request('shell', 'execute_request', {
    code: 'const ok = 1;\nthrow new RangeError("too large")',
    stop_on_error: true,
  });
  const queued = request('shell', 'execute_request', { code: 'console.log("never")' });
  const messages = await failing.done;
  const error = messages.find((m) => m.message.header.msg_type === 'error')!.message.content;
  assert.equal(error.ename, 'RangeError');
  assert.equal(error.evalue, 'too large');
  assert.match((error.traceback as string[]).join('\n'), /at In\[\d+\]:2:7/);
  assert.equal(replyOf(messages).status, 'error');
  const aborted = await queued.done;
  assert.equal(replyOf(aborted).status, 'aborted');
  assert.ok(!aborted.some((m) => m.message.header.msg_type === 'stream'));
  const next = await request('shell', 'execute_request', { code: 'ok' }).done;
  assert.equal(replyOf(next).status, 'ok', 'a request sent after the error runs');
});

test('an interrupt on the control channel stops a spinning cell at once, and variables stay', async () => {
  await request('shell', 'execute_request', { code: 'let kept = "still here";' }).done;
  const spinning = request('shell', 'execute_request', { code: 'while (true) {}' });
  await new Promise((r) => setTimeout(r, 500));
  const interrupt = await request('control', 'interrupt_request').done;
  assert.deepEqual(types(interrupt), ['iopub:status', 'control:interrupt_reply', 'iopub:status']);
  const messages = await spinning.done;
  assert.equal(replyOf(messages).ename, 'Interrupted');
  const after = await request('shell', 'execute_request', { code: 'kept' }).done;
  assert.equal(resultText(after), 'still here');
});

test('displays carry their display id; updates and clears follow the Jupyter messages', async () => {
  const code =
    "const h = display.html('<b>0%</b>');\ndisplay.update(h, { [Symbol.for('radnb.display')]: () => ({ 'text/html': '<b>100%</b>' }) });\ndisplay.clear(true);\nconsole.log('after');";
  const messages = (await request('shell', 'execute_request', { code }).done).filter(
    (m) => m.channel === 'iopub' && m.message.header.msg_type !== 'status',
  );
  assert.deepEqual(types(messages).slice(1, 5), [
    'iopub:display_data',
    'iopub:update_display_data',
    'iopub:clear_output',
    'iopub:stream',
  ]);
  const [shown, updated, cleared] = messages.slice(1, 4).map((m) => m.message.content);
  assert.equal(
    (shown.transient as { display_id: string }).display_id,
    (updated.transient as { display_id: string }).display_id,
  );
  assert.deepEqual(updated.data, { 'text/html': '<b>100%</b>' });
  assert.deepEqual(cleared, { wait: true });
});

test('completion counts the cursor in code points, as Jupyter does, and inspection finds live values', async () => {
  await request('shell', 'execute_request', { code: 'const scanWindow = { center: 40, width: 400 };' }).done;
  const code = '"🫁 lungs"; scanWindow.wi';
  const completed = replyOf(await request('shell', 'complete_request', { code, cursor_pos: [...code].length }).done);
  assert.deepEqual(completed.matches, ['width']);
  assert.equal(completed.cursor_end, [...code].length);
  assert.equal(completed.cursor_start, [...code].length - 2);
  const inspected = replyOf(
    await request('shell', 'inspect_request', { code: 'scanWindow', cursor_pos: 3, detail_level: 0 }).done,
  );
  assert.equal(inspected.found, true);
  assert.match((inspected.data as Record<string, string>)['text/plain'], /center: 40/);
});

test('kernel info, is_complete, history and comm requests get their replies; unknown requests are logged, not answered', async () => {
  const info = replyOf(await request('control', 'kernel_info_request').done);
  assert.equal(info.protocol_version, '5.3');
  assert.equal((info.language_info as { name: string }).name, 'typescript');
  assert.deepEqual(replyOf(await request('shell', 'is_complete_request', { code: 'if (x) {' }).done), {
    status: 'incomplete',
    indent: '  ',
  });
  const history = replyOf(
    await request('shell', 'history_request', { hist_access_type: 'tail', n: 1, output: false, raw: true }).done,
  );
  assert.deepEqual((history.history as unknown[][])[0].slice(2), ['const scanWindow = { center: 40, width: 400 };']);
  const garbled = replyOf(
    await request('shell', 'history_request', { hist_access_type: 'search', pattern: 42, n: 'all' }).done,
  );
  assert.equal(garbled.status, 'ok', 'fields of the wrong type are ignored, the request still answered');
  assert.ok(
    (garbled.history as unknown[]).length > 1,
    'a pattern that is not a string matches everything, as no pattern does',
  );
  assert.deepEqual(replyOf(await request('shell', 'comm_info_request').done), { status: 'ok', comms: {} });
  const comm = await request('shell', 'comm_open', { comm_id: 'c1', target_name: 'jupyter.widget', data: {} }).done;
  assert.deepEqual(comm.find((m) => m.message.header.msg_type === 'comm_close')?.message.content, {
    comm_id: 'c1',
    data: {},
  });
  const before = sent.length;
  handlers.handle({ channel: 'shell', identities: [], message: client.make('bogus_request', {}) as JupyterMessage });
  assert.equal(sent.length, before);
  assert.match(logged.at(-1)!, /ignored a bogus_request on shell/);
});

test('a cell that kills the kernel process fails with KernelDied; the next cell runs in a fresh process', async () => {
  const died = await request('shell', 'execute_request', { code: 'process.exit(3)' }).done;
  assert.equal(replyOf(died).ename, 'KernelDied');
  assert.match(String(replyOf(died).evalue), /exit code 3/);
  const fresh = await request('shell', 'execute_request', { code: 'typeof kept' }).done;
  assert.equal(resultText(fresh), 'undefined');
});

test('a shutdown request is answered before the front end is told to end', async () => {
  const messages = await request('control', 'shutdown_request', { restart: true }).done;
  assert.deepEqual(replyOf(messages), { status: 'ok', restart: true });
  assert.deepEqual(shutdowns, [true]);
});

test('when no kernel can be started (bad RADNB_PARAMS) each cell says why, and the front end keeps answering', async () => {
  const broken = new KernelChild({
    notebookDir: tmpdir(),
    params: paramsFromEnvironment({ RADNB_PARAMS: '{fast: true}' }),
    allowIdentifiers: false,
    log: () => undefined,
  });
  const messages: Sent[] = [];
  const front = new MessageHandlers({
    transport: {
      send: async (channel, identities, message) =>
        void messages.push({ channel, identities, message: message as JupyterMessage }),
      publish: async (message) =>
        void messages.push({ channel: 'iopub', identities: [], message: message as JupyterMessage }),
    },
    kernel: broken,
    completions: new LiveCompletions(() => broken.ready()),
    history: new ExecutionHistory(),
    connection,
    log: () => undefined,
    onShutdown: () => undefined,
  });
  front.handle({
    channel: 'shell',
    identities: [],
    message: client.make('execute_request', { code: '1' }) as JupyterMessage,
  });
  front.handle({
    channel: 'shell',
    identities: [],
    message: client.make('complete_request', { code: 'Ma', cursor_pos: 2 }) as JupyterMessage,
  });
  const started = Date.now();
  while (
    messages.filter((m) => m.message.header.msg_type.endsWith('_reply')).length < 2 &&
    Date.now() - started < 10_000
  )
    await new Promise((r) => setTimeout(r, 10));
  const execute = messages.find((m) => m.message.header.msg_type === 'execute_reply')!.message.content;
  assert.equal(execute.ename, 'KernelStartError');
  assert.match(
    String(execute.evalue),
    /RADNB_PARAMS must be a JSON object such as \{"fast": true\}, not "\{fast: true\}"/,
  );
  assert.deepEqual(messages.find((m) => m.message.header.msg_type === 'complete_reply')!.message.content.matches, []);
});
