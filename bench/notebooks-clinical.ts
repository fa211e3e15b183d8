// Runs the clinical notebooks (02 pneumonia, 05 explain and audit) in full mode with the real radnb CLI
// and records their key figures and run time in bench/results/notebooks-clinical.json, beside the
// published MedMNIST v2 figures for the same PneumoniaMNIST test split. 06 (DICOMweb) needs a server and
// is run by its test only. The helpers that run a notebook and read its outputs are shared with
// test/notebooks/clinical.test.ts.
//   node --import tsx bench/notebooks-clinical.ts [02|05 …]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..');

export interface NotebookRun {
  /** The CLI's exit status: 0 when every cell ran. */
  status: number | null;
  seconds: number;
  /** The CLI's own stdout + stderr (cell list, failure reason). */
  log: string;
  /** Every stream output of every cell, in order. */
  text: string;
  /** MIME types of all display/result outputs, one entry per output. */
  mimeTypes: string[][];
  /** Plain-text form of every display/result output. */
  plain: string[];
  /** `name: message` of every cell error. */
  errors: string[];
}

interface NotebookOutput {
  output_type: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

const joined = (value: unknown): string => (Array.isArray(value) ? value.join('') : String(value ?? ''));

/** Runs notebooks/<file> headless with `--param name=JSON` for each entry of `params`. */
export async function runNotebook(file: string, params: Record<string, unknown>, timeoutMs: number): Promise<NotebookRun> {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'radnb-nb-')), file);
  const args = [path.join(repoRoot, 'out/cli/radnb.js'), 'run', path.join(repoRoot, 'notebooks', file), '--out', out];
  for (const [name, value] of Object.entries(params)) args.push('--param', `${name}=${JSON.stringify(value)}`);
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d));
  child.stderr.on('data', (d: Buffer) => (log += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  let outputs: NotebookOutput[] = [];
  try {
    const saved = JSON.parse(readFileSync(out, 'utf8')) as { cells: { outputs?: NotebookOutput[] }[] };
    outputs = saved.cells.flatMap((c) => c.outputs ?? []);
  } catch {
    // no notebook written (the CLI failed before running): the log says why
  }
  const rich = outputs.filter((o) => o.data !== undefined);
  return {
    status,
    seconds,
    log,
    text: outputs.filter((o) => o.output_type === 'stream').map((o) => joined(o.text)).join(''),
    mimeTypes: rich.map((o) => Object.keys(o.data!)),
    plain: rich.map((o) => joined(o.data!['text/plain'])),
    errors: outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`),
  };
}

/** The number printed after `label` in the notebook's text output, e.g. figure(text, 'TEST AUC'). */
export function figure(text: string, label: string): number {
  const match = new RegExp(`${label} (-?[0-9.]+)`).exec(text);
  if (!match) throw new Error(`the notebook printed no "${label} <number>"`);
  return Number(match[1]);
}

const MEDMNIST_V2_PNEUMONIA = {
  source: 'MedMNIST v2 (Yang et al. 2023, Scientific Data), PneumoniaMNIST test split, AUC / ACC',
  'ResNet-18 (28)': [0.944, 0.854],
  'ResNet-18 (224)': [0.956, 0.864],
  'ResNet-50 (224)': [0.962, 0.884],
  'Google AutoML Vision': [0.991, 0.946],
};

const FIGURES: Record<string, { file: string; labels: string[] }> = {
  '02': { file: '02-pneumonia-xray.radnb', labels: ['TEST AUC', 'CI LOWER', 'CI UPPER', 'TEST ACCURACY', 'ACCURACY AT 0.5', 'VAL AUC', 'EPOCHS', 'TRAINING SECONDS'] },
  '05': { file: '05-explain-and-audit.radnb', labels: ['MODEL TEST AUC', 'POINTING Grad-CAM', 'POINTING vanilla_gradient', 'POINTING SmoothGrad', 'POINTING occlusion', 'SANITY SPEARMAN', 'AUDIT AUC GAP', 'AUDIT SPECIFICITY GAP'] },
};

async function main(): Promise<void> {
  const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(FIGURES);
  const target = path.join(repoRoot, 'bench/results/notebooks-clinical.json');
  // Notebooks not re-run this time keep their last recorded figures.
  const previous = existsSync(target) ? (JSON.parse(readFileSync(target, 'utf8')) as { notebooks?: Record<string, unknown> }).notebooks : undefined;
  const results: Record<string, unknown> = { ...previous };
  for (const key of chosen) {
    const { file, labels } = FIGURES[key];
    console.log(`running ${file} in full mode…`);
    const run = await runNotebook(file, { fast: false }, 40 * 60_000);
    if (run.status !== 0) throw new Error(`${file} failed:\n${run.log}`);
    results[file] = { date: new Date().toISOString(), seconds: +run.seconds.toFixed(1), ...Object.fromEntries(labels.map((l) => [l.toLowerCase().replaceAll(' ', '_'), figure(run.text, l)])) };
    console.log(file, results[file]);
  }
  const record = {
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'} (shared, loaded), Node ${process.version}, tfjs wasm backend`,
    reference: MEDMNIST_V2_PNEUMONIA,
    notebooks: results,
  };
  mkdirSync(path.join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(target, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`wrote ${target}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
