// DICOM decode + modality LUT throughput (images/s, MB/s of decoded pixels) for the same 512² signed CT
// in several transfer syntaxes, radnb side by side with pydicom (Debian python3-pydicom + numpy;
// python3-gdcm decodes JPEG-LS and JPEG 2000 for it) in the same run. Both start from the file's bytes
// in memory: parse, decode every frame, apply the modality LUT (HU).
// For every workload a radnb round and a pydicom round run back to back, five times; each keeps its best
// round (the machine is shared and its load changes from second to second).
// Writes bench/results/medical.json.   Run: node --import tsx bench/medical.ts [--quick]
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { decodeDicom } from '../src/medical/image';
import { converted, htj2kCopy, octaveFile, PYTHON } from '../test/medical/support/samples';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 1 : 5;
const ROUND_SECONDS = quick ? 0.3 : 0.6;

interface Workload {
  name: string;
  file: string;
  /** pydicom cannot decode it (no HTJ2K handler in pydicom 2.3). */
  radnbOnly?: boolean;
}

const ankle = octaveFile('CT-MONO2-16-ankle.dcm');
const explicit = converted(ankle, 'dcmconv', ['+te', '{in}', '{out}']);
const WORKLOADS: Workload[] = [
  { name: 'uncompressed (explicit VR LE)', file: explicit },
  { name: 'RLE lossless', file: converted(ankle, 'gdcmconv', ['--rle', '{in}', '{out}']) },
  { name: 'JPEG-LS lossless', file: converted(ankle, 'dcmcjpls', ['{in}', '{out}']) },
  { name: 'JPEG 2000 lossless', file: converted(ankle, 'gdcmconv', ['--j2k', '{in}', '{out}']) },
  { name: 'HTJ2K lossless', file: htj2kCopy(explicit), radnbOnly: true },
];

interface Measure {
  imagesPerSecond: number;
  mbPerSecond: number;
}

const DECODED_BYTES = 512 * 512 * 2;

function measure(images: number, seconds: number): Measure {
  return { imagesPerSecond: round(images / seconds), mbPerSecond: round((images * DECODED_BYTES) / seconds / 1e6) };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

async function radnbRound(bytes: Uint8Array): Promise<Measure> {
  let images = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < ROUND_SECONDS) {
    const image = await decodeDicom(bytes, 'bench.dcm');
    image.modalityValues();
    images++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  }
  return measure(images, elapsed);
}

// pydicom runs in one long-lived python process that measures one workload per request, so that each
// radnb round and the pydicom round of the same workload run back to back under the same machine load.
const PYDICOM_SERVER = `
import io, json, sys, time
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut
print(json.dumps({'pydicom': pydicom.__version__}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    data = open(job['file'], 'rb').read()
    ds = pydicom.dcmread(io.BytesIO(data)); apply_modality_lut(ds.pixel_array, ds)  # warm-up, loads the handler
    n = 0; start = time.perf_counter()
    while time.perf_counter() - start < job['seconds']:
        ds = pydicom.dcmread(io.BytesIO(data))
        apply_modality_lut(ds.pixel_array, ds)
        n += 1
    print(json.dumps({'images': n, 'seconds': time.perf_counter() - start}), flush=True)
`;

class PydicomPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  constructor() {
    this.child = spawn(PYTHON, ['-c', PYDICOM_SERVER]);
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  private async next(): Promise<Record<string, unknown>> {
    const line = await this.lines.next();
    if (line.done) throw new Error('the pydicom process ended; is python3-pydicom installed?');
    return JSON.parse(line.value);
  }

  async version(): Promise<string> {
    return String((await this.next()).pydicom);
  }

  async round(file: string): Promise<Measure> {
    this.child.stdin.write(`${JSON.stringify({ file, seconds: ROUND_SECONDS })}\n`);
    const result = await this.next();
    return measure(Number(result.images), Number(result.seconds));
  }

  close(): void {
    this.child.stdin.end();
  }
}

function best(a: Measure | undefined, b: Measure): Measure {
  return a && a.imagesPerSecond >= b.imagesPerSecond ? a : b;
}

async function main(): Promise<void> {
  const files = WORKLOADS.map((w) => new Uint8Array(readFileSync(w.file)));
  const radnb: (Measure | undefined)[] = WORKLOADS.map(() => undefined);
  const peer: (Measure | undefined)[] = WORKLOADS.map(() => undefined);
  const pydicom = new PydicomPeer();
  const pydicomVersion = await pydicom.version();
  for (const bytes of files) (await decodeDicom(bytes, 'warm-up.dcm')).modalityValues(); // loads the codecs
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < WORKLOADS.length; i++) {
      radnb[i] = best(radnb[i], await radnbRound(files[i]));
      if (!WORKLOADS[i].radnbOnly) peer[i] = best(peer[i], await pydicom.round(WORKLOADS[i].file));
    }
  }
  pydicom.close();
  const rows = WORKLOADS.map((w, i) => ({
    workload: w.name,
    fileBytes: files[i].length,
    radnb: radnb[i],
    pydicom: peer[i] ?? null,
    ratio: peer[i] ? Math.round((radnb[i]!.imagesPerSecond / peer[i]!.imagesPerSecond) * 100) / 100 : null,
  }));
  const ratioOf = (name: string): number | null => rows.find((r) => r.workload.startsWith(name))?.ratio ?? null;
  const result = {
    benchmark: 'DICOM decode + modality LUT, 512×512 signed 16-bit CT (octave-dicom CT-MONO2-16-ankle)',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, pydicom: pydicomVersion },
    rounds: ROUNDS,
    secondsPerRound: ROUND_SECONDS,
    rows,
    goals: {
      'uncompressed ≥ pydicom': (ratioOf('uncompressed') ?? 0) >= 1,
      'RLE ≥ pydicom': (ratioOf('RLE') ?? 0) >= 1,
    },
  };
  mkdirSync(path.join('bench', 'results'), { recursive: true });
  writeFileSync(path.join('bench', 'results', 'medical.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log('workload                        radnb img/s (MB/s)   pydicom img/s (MB/s)   ratio');
  for (const r of rows) {
    const peerText = r.pydicom ? `${r.pydicom.imagesPerSecond} (${r.pydicom.mbPerSecond})` : 'n/a';
    console.log(
      `${r.workload.padEnd(32)}${`${r.radnb!.imagesPerSecond} (${r.radnb!.mbPerSecond})`.padEnd(21)}${peerText.padEnd(23)}${r.ratio ?? '—'}`,
    );
  }
  console.log(JSON.stringify(result.goals));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
