import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { endpoint, parseConnectionInfo, readConnectionFile } from '../../src/jupyter/connectionFile';

const JUPYTER_WRITTEN = {
  shell_port: 53794,
  iopub_port: 53795,
  stdin_port: 53796,
  control_port: 53797,
  hb_port: 53798,
  ip: '127.0.0.1',
  key: 'a0436f6c-1916-498b-8eb9-e81ab9368e84',
  transport: 'tcp',
  signature_scheme: 'hmac-sha256',
  kernel_name: 'radnb',
};

test('reads the connection file Jupyter writes and binds where it says', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-cf-')), 'kernel-1.json');
  writeFileSync(file, JSON.stringify(JUPYTER_WRITTEN));
  const info = readConnectionFile(file);
  assert.equal(info.key, JUPYTER_WRITTEN.key);
  assert.equal(endpoint(info, 'shell'), 'tcp://127.0.0.1:53794');
  assert.equal(endpoint(info, 'hb'), 'tcp://127.0.0.1:53798');
  assert.equal(endpoint({ ...info, ip: '::1' }, 'iopub'), 'tcp://[::1]:53795');
  assert.equal(endpoint({ ...info, transport: 'ipc', ip: '/run/k' }, 'control'), 'ipc:///run/k-53797');
});

test('a missing or incomplete connection file is refused with the file and the reason', () => {
  assert.throws(
    () => readConnectionFile('/nonexistent/kernel.json'),
    /\/nonexistent\/kernel\.json: cannot read the Jupyter connection file/,
  );
  const { hb_port: _, ...noHeartbeat } = JUPYTER_WRITTEN;
  assert.throws(
    () => parseConnectionInfo(noHeartbeat, 'k.json'),
    /k\.json: not a Jupyter connection file — "hb_port" is not a port number/,
  );
  assert.throws(() => parseConnectionInfo({ ...JUPYTER_WRITTEN, transport: 'udp' }, 'k.json'), /transport 'udp'/);
  assert.throws(() => parseConnectionInfo({ ...JUPYTER_WRITTEN, key: 5 }, 'k.json'), /"key" is not a string/);
  assert.throws(() => parseConnectionInfo([], 'k.json'), /"shell_port"/);
});
