// A real Orthanc (Debian `orthanc` + `orthanc-dicomweb`) for tests: started on a free 127.0.0.1 port with
// a temporary configuration and storage, authentication on, stopped by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writePhantomDataset } from '../../src/medical/phantomDicom';
import type { PhantomWriteResult } from '../../src/medical/phantomDicom';

export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
export const orthancInstalled = existsSync(ORTHANC_BINARY) && existsSync(DICOMWEB_PLUGIN);

export interface OrthancServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + /dicom-web */
  dicomWebUrl: string;
  username: string;
  password: string;
  /** POST /instances; returns Orthanc's answer (ID, ParentStudy, …). */
  upload(bytes: Uint8Array): Promise<{ ID: string; Status: string }>;
  stop(): Promise<void>;
}

export async function startOrthanc(): Promise<OrthancServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-orthanc-'));
  const port = await freePort();
  const username = 'radnb';
  const password = `pw-${process.pid}`;
  const config = {
    Name: 'radnb-test',
    HttpPort: port,
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [username]: password },
    Plugins: [DICOMWEB_PLUGIN],
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'index'),
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
  };
  writeFileSync(path.join(dir, 'orthanc.json'), JSON.stringify(config));
  const child = spawn(ORTHANC_BINARY, [path.join(dir, 'orthanc.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const stop = async (): Promise<void> => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(`${url}/system`, authorization, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    dicomWebUrl: `${url}/dicom-web`,
    username,
    password,
    async upload(bytes) {
      const response = await fetch(`${url}/instances`, {
        method: 'POST',
        body: Buffer.from(bytes),
        headers: { Authorization: authorization },
      });
      if (!response.ok) throw new Error(`Orthanc upload failed: HTTP ${response.status} ${await response.text()}`);
      return (await response.json()) as { ID: string; Status: string };
    },
    stop,
  };
}

export interface PhantomPacs {
  dataset: PhantomWriteResult;
  /** The study notebook 06 should classify: the first case with a nodule. */
  noduleIndex: number;
  /** Notebook 06's parameters for that study on this server. */
  params: { server: string; user: string; password: string; study: string };
}

/**
 * Runs `body` against a fresh Orthanc holding three phantom CT studies of unseen patients (notebook 06
 * trains on seed 11); stops the server and removes the files afterwards.
 */
export async function withPhantomPacs<T>(body: (pacs: PhantomPacs) => Promise<T>): Promise<T> {
  const orthanc = await startOrthanc();
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-pacs-'));
  try {
    const dataset = await writePhantomDataset(dir, 3, { seed: 99 });
    for (const s of dataset.series) for (const f of s.slices) await orthanc.upload(readFileSync(path.join(dir, f)));
    const noduleIndex = dataset.cases.findIndex((c) => c.hasNodule);
    const params = {
      server: orthanc.dicomWebUrl,
      user: orthanc.username,
      password: orthanc.password,
      study: dataset.series[noduleIndex].studyInstanceUid,
    };
    return await body({ dataset, noduleIndex, params });
  } finally {
    await orthanc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on (just now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilReady(
  url: string,
  authorization: string,
  child: ChildProcess,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited with ${child.exitCode}: ${log()}`);
    const ok = await fetch(url, { headers: { Authorization: authorization } }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Orthanc did not answer on ${url} within 15 s: ${log()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
