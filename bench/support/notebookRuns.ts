// Runs a notebook with the real radnb CLI and reads its outputs back: shared by the notebook tests (fast
// mode) and the full-mode notebook benchmarks, which record key figures in bench/results/.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STATE_FILE } from '../../src/cnn/checkpoint';
import type { CheckpointState } from '../../src/cnn/checkpoint';

const repoRoot = path.resolve(__dirname, '..', '..');

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
  /** The executed notebook the CLI saved (in a temporary folder). */
  outFile: string;
}

interface NotebookOutput {
  output_type: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

const joined = (value: unknown): string => (Array.isArray(value) ? value.join('') : String(value ?? ''));

/** Runs notebooks/<file> headless with `--param name=JSON` for each entry of `params` (on `backend` when given). */
export async function runNotebook(
  file: string,
  params: Record<string, unknown>,
  timeoutMs: number,
  backend?: string,
): Promise<NotebookRun> {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'radnb-nb-')), file);
  const args = [path.join(repoRoot, 'out/cli/radnb.js'), 'run', path.join(repoRoot, 'notebooks', file), '--out', out];
  for (const [name, value] of Object.entries(params)) args.push('--param', `${name}=${JSON.stringify(value)}`);
  if (backend !== undefined) args.push('--backend', backend);
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
    text: outputs
      .filter((o) => o.output_type === 'stream')
      .map((o) => joined(o.text))
      .join(''),
    mimeTypes: rich.map((o) => Object.keys(o.data!)),
    plain: rich.map((o) => joined(o.data!['text/plain'])),
    errors: outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`),
    outFile: out,
  };
}

/** The number printed after `label`, with an optional "=" (e.g. "TEST AUC 0.95", "test AUC (slice level) = 0.943",
 *  "difference 4.77e-7"). */
export function printed(text: string, label: RegExp | string): number {
  const source = typeof label === 'string' ? label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : label.source;
  const match = new RegExp(`${source}\\s*=?\\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)`).exec(text);
  if (!match) throw new Error(`the notebook printed no ${label} <number>:\n${text}`);
  return Number(match[1]);
}

export interface FullModeSpec {
  file: string;
  /** Result key → the label the notebook prints its value after. */
  figures: Record<string, RegExp | string>;
  /** One run per seed (`--param seed=N`); absent for a notebook without a seed parameter (one run). */
  seeds?: number[];
  /** Also runs the first seed on this backend (e.g. 'cpu'), to show what other kernels' rounding does. */
  otherBackend?: string;
  /**
   * The notebook's parameter naming a checkpoint folder. The other-backend run (hours on cpu) then trains
   * into bench/.checkpoints/ and, when a bench run was cut short, the next one resumes it from there.
   */
  checkpointParam?: string;
  /** Wraps the run when the notebook needs something around it (a server): calls `run` with extra parameters. */
  around?: (run: (params: Record<string, unknown>) => Promise<NotebookRun>) => Promise<NotebookRun>;
}

export interface FigureSpread {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single run. */
  sd: number;
  min: number;
  max: number;
}

interface SeedRun {
  seed: number | null;
  backend: string;
  date: string;
  /** This run's time; a resumed run's excludes what earlier runs trained. */
  seconds: number;
  /** The epoch (1-based) this run resumed training at, from an earlier run's checkpoint. */
  resumedAtEpoch?: number;
  figures: Record<string, number>;
}

export function spread(values: number[]): FigureSpread {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd =
    values.length > 1 ? Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  const round = (v: number) => +v.toPrecision(4);
  return { mean: round(mean), sd: round(sd), min: round(Math.min(...values)), max: round(Math.max(...values)) };
}

/**
 * Runs the notebooks named on the command line (default: all of `specs`) with `fast=false`, once per seed,
 * and writes bench/results/<name>.json after every run (a long bench that stops keeps what it measured):
 * each run's figures and each figure's mean, sd, min and max over the seeds. `NN:seeds` runs only the
 * seeds, `NN:backend` only the other-backend run, `NN:seed=S` only seed S (added to the runs recorded, so
 * that seeds can run in parallel processes); notebooks not re-run keep their last record.
 */
export async function recordFullModeRuns(
  name: string,
  specs: Record<string, FullModeSpec>,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(specs);
  const target = path.join(repoRoot, 'bench', 'results', `${name}.json`);
  const recorded = () =>
    existsSync(target)
      ? (JSON.parse(readFileSync(target, 'utf8')) as { notebooks?: Record<string, unknown> }).notebooks
      : undefined;
  const results: Record<string, unknown> = { ...recorded() };
  const write = (file: string) => {
    // what other processes recorded meanwhile for other notebooks stays
    const record = {
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'} (shared, loaded), Node ${process.version}, tfjs wasm backend unless a run says otherwise`,
      ...extra,
      notebooks: { ...recorded(), [file]: results[file] },
    };
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, `${JSON.stringify(record, null, 2)}\n`);
  };
  for (const choice of chosen) {
    const [key, part] = choice.split(':');
    const spec = specs[key];
    const single = /^seed=\d+$/.test(part ?? '') ? Number(part.slice(5)) : undefined;
    if (!spec || (part !== undefined && part !== 'seeds' && part !== 'backend' && single === undefined)) {
      throw new Error(
        `unknown notebook '${choice}': use one of ${Object.keys(specs).join(', ')}, optionally with :seeds, :backend or :seed=N`,
      );
    }
    const kept = () => results[spec.file] as { runs?: SeedRun[]; otherBackend?: SeedRun } | undefined;
    const runs: SeedRun[] = part === 'backend' ? (kept()?.runs ?? []) : [];
    let otherBackend: SeedRun | undefined = part === 'seeds' || single !== undefined ? kept()?.otherBackend : undefined;
    const seeds: (number | null)[] = single !== undefined ? [single] : (spec.seeds ?? [null]);
    const once = async (seed: number | null, backend?: string): Promise<SeedRun> => {
      console.log(
        `running ${spec.file} in full mode, seed ${seed ?? 'default'}${backend ? `, ${backend} backend` : ''}…`,
      );
      const checkpoint =
        backend !== undefined && spec.checkpointParam !== undefined
          ? path.join(repoRoot, 'bench', '.checkpoints', `${key}-${backend}-seed${seed ?? 'default'}`)
          : undefined;
      const stateFile = checkpoint && path.join(checkpoint, STATE_FILE);
      const resumedAtEpoch =
        stateFile && existsSync(stateFile)
          ? (JSON.parse(readFileSync(stateFile, 'utf8')) as CheckpointState).epoch + 2
          : undefined;
      if (resumedAtEpoch !== undefined) console.log(`resuming from ${checkpoint} at epoch ${resumedAtEpoch}`);
      const checkpointParams = checkpoint ? { [spec.checkpointParam!]: checkpoint } : {};
      const execute = (params: Record<string, unknown>) =>
        runNotebook(
          spec.file,
          { fast: false, ...(seed === null ? {} : { seed }), ...checkpointParams, ...params },
          240 * 60_000,
          backend,
        );
      const run = spec.around ? await spec.around(execute) : await execute({});
      if (run.status !== 0) throw new Error(`${spec.file} failed:\n${run.log}`);
      const figures = Object.fromEntries(
        Object.entries(spec.figures).map(([k, label]) => [k, printed(run.text, label)]),
      );
      // a finished run's checkpoint would make the next bench run skip training
      if (checkpoint) rmSync(checkpoint, { recursive: true, force: true });
      const done = {
        seed,
        backend: backend ?? 'wasm',
        date: new Date().toISOString(),
        seconds: +run.seconds.toFixed(1),
        ...(resumedAtEpoch !== undefined && { resumedAtEpoch }),
        figures,
      };
      console.log(spec.file, done);
      return done;
    };
    const save = () => {
      if (runs.length === 0) return;
      if (single !== undefined) {
        // another process may have added its seed since this one started: read the runs again just before writing
        const others = ((recorded()?.[spec.file] as { runs?: SeedRun[] } | undefined)?.runs ?? []).filter(
          (r) => r.seed !== single,
        );
        runs.unshift(...others.filter((r) => !runs.includes(r)));
        runs.sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0));
      }
      results[spec.file] = {
        date: runs[runs.length - 1].date,
        seeds: runs.map((r) => r.seed),
        seconds: spread(runs.map((r) => r.seconds)).mean,
        figures: Object.fromEntries(Object.keys(spec.figures).map((k) => [k, spread(runs.map((r) => r.figures[k]))])),
        runs,
        ...(otherBackend && { otherBackend }),
      };
      write(spec.file);
    };
    if (part !== 'backend') {
      for (const seed of seeds) {
        runs.push(await once(seed));
        save();
      }
    }
    if (part !== 'seeds' && spec.otherBackend) {
      otherBackend = await once(seeds[0], spec.otherBackend);
      save();
    }
  }
  console.log(`wrote ${target}`);
}
