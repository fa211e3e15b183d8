// Experiment records: what one run of a notebook was made of and what it measured — environment, seed,
// parameters, data set checksums, logged metric series, times, outcome — kept in the notebook itself
// (`metadata.radnb.runs`, oldest first, bounded) so that a teammate who pulls the notebook sees the runs.
//
// Kernel contract (the kernel's `log` and `registerDataset` globals send these over IPC; the runner or
// the extension passes them to an ExperimentRecorder):
//   log({ auc: 0.91, loss: 0.3 }, step?)  → { type: 'log', execId, metrics: Record<string, number>, step?: number }
//   registerDataset(path)                 → { type: 'dataset', execId, path: string }  (absolute path)
// A metric's step defaults to one more than its previous step (0 first). The recorder hashes data set
// files itself, in the runner process, so the kernel sends only the path.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DatasetMessage, LogMessage } from './kernelProtocol';
import type { Notebook } from './notebook';

/** One logged value; `null` stands for a value JSON cannot hold (NaN, ±Infinity) — a diverged loss. */
export interface MetricPoint {
  step: number;
  value: number | null;
}

export interface DatasetRecord {
  path: string;
  /** Empty when the file could not be read; `error` says why. */
  sha256: string;
  bytes: number;
  error?: string;
}

export interface ExperimentEnvironment {
  node: string;
  radnb: string;
  platform: string;
  tfjs?: string;
  backend?: string;
  backendReason?: string;
}

export type RunStatus = 'ok' | 'failed' | 'interrupted';

export interface ExperimentRecord {
  id: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  status: RunStatus;
  /** 1-based index of the cell that failed. */
  failedCell?: number;
  environment: ExperimentEnvironment;
  seed?: number;
  params: Record<string, unknown>;
  datasets: DatasetRecord[];
  metrics: Record<string, MetricPoint[]>;
}

export const MAX_RUNS = 20;
/** A series longer than this is thinned (every other point, the last one kept) so notebooks stay small. */
export const MAX_POINTS_PER_SERIES = 500;

export interface RecorderInit {
  params: Record<string, unknown>;
  environment: ExperimentEnvironment;
  now?: () => Date;
}

export class ExperimentRecorder {
  private readonly started: Date;
  private readonly metrics: Record<string, MetricPoint[]> = {};
  private readonly datasets = new Map<string, Promise<DatasetRecord>>();
  private readonly environment: ExperimentEnvironment;
  private readonly now: () => Date;

  constructor(private readonly init: RecorderInit) {
    this.now = init.now ?? (() => new Date());
    this.started = this.now();
    this.environment = { ...init.environment };
  }

  onBackend(name: string, reason: string): void {
    this.environment.backend = name;
    this.environment.backendReason = reason;
  }

  onLog(message: Pick<LogMessage, 'metrics' | 'step'>): void {
    for (const [key, value] of Object.entries(message.metrics)) {
      if (typeof value !== 'number') continue;
      const series = (this.metrics[key] ??= []);
      const step = message.step ?? (series.length > 0 ? series[series.length - 1].step + 1 : 0);
      series.push({ step, value: Number.isFinite(value) ? value : null });
      if (series.length > MAX_POINTS_PER_SERIES) this.metrics[key] = thin(series);
    }
  }

  /** Starts hashing the file now; an unreadable file is recorded with its error rather than failing the run. */
  onDataset(message: Pick<DatasetMessage, 'path'>): void {
    if (!this.datasets.has(message.path)) this.datasets.set(message.path, hashFile(message.path));
  }

  async finish(status: RunStatus, failedCell?: number): Promise<ExperimentRecord> {
    const datasets = await Promise.all(this.datasets.values());
    const ended = this.now();
    const seed = this.init.params.seed;
    return {
      id: randomUUID(),
      startedAt: this.started.toISOString(),
      endedAt: ended.toISOString(),
      durationMs: ended.getTime() - this.started.getTime(),
      status,
      ...(failedCell !== undefined && { failedCell }),
      environment: this.environment,
      ...(typeof seed === 'number' && { seed }),
      params: this.init.params,
      datasets,
      metrics: this.metrics,
    };
  }
}

export function experimentRuns(notebook: Notebook): ExperimentRecord[] {
  const runs = (notebook.metadata.radnb as { runs?: unknown } | undefined)?.runs;
  return Array.isArray(runs) ? (runs as ExperimentRecord[]) : [];
}

/** Adds a run as the most recent one, dropping the oldest beyond `maxRuns`. */
export function appendRun(notebook: Notebook, record: ExperimentRecord, maxRuns = MAX_RUNS): void {
  const radnb = (notebook.metadata.radnb as Record<string, unknown> | undefined) ?? {};
  notebook.metadata = {
    ...notebook.metadata,
    radnb: { ...radnb, runs: [...experimentRuns(notebook), record].slice(-maxRuns) },
  };
}

/** The last logged value of every metric: what a table of runs shows. */
export function finalMetrics(record: ExperimentRecord): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(record.metrics).map(([key, series]) => [key, series[series.length - 1]?.value ?? null]),
  );
}

function thin(series: MetricPoint[]): MetricPoint[] {
  const last = series[series.length - 1];
  const kept = series.filter((_, i) => i % 2 === 0);
  return kept[kept.length - 1] === last ? kept : [...kept, last];
}

async function hashFile(file: string): Promise<DatasetRecord> {
  try {
    const { size } = await stat(file);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return { path: file, sha256: hash.digest('hex'), bytes: size };
  } catch (err) {
    return { path: file, sha256: '', bytes: 0, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

/** Versions a record names: Node, radnb, and the tfjs the kernel would load — the notebook folder's own
 *  install first, else radnb's. */
export function detectEnvironment(notebookDir: string, radnbVersion: string): ExperimentEnvironment {
  return {
    node: process.versions.node,
    radnb: radnbVersion,
    platform: `${process.platform}-${process.arch}`,
    ...optional(
      'tfjs',
      packageVersion(notebookDir, '@tensorflow/tfjs') ?? packageVersion(__dirname, '@tensorflow/tfjs'),
    ),
  };
}

function packageVersion(fromDir: string, name: string): string | undefined {
  try {
    const require = createRequire(path.join(fromDir, '__radnb__.js'));
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

// ---------------------------------------------------------------- comparing runs

export interface RunSource {
  /** The notebook's file name, as the comparison labels its runs. */
  notebook: string;
  runs: ExperimentRecord[];
}

export interface ComparisonRow {
  section: 'run' | 'param' | 'dataset' | 'metric';
  key: string;
  /** One cell per compared run; '' where the run has no value. */
  values: string[];
  /** The runs disagree here: the rows a reader looks at first. */
  differs: boolean;
}

export interface MetricChart {
  metric: string;
  /** One line per compared run that logged this metric; `run` indexes Comparison.runs. */
  lines: { run: number; points: MetricPoint[] }[];
}

export interface Comparison {
  runs: { label: string; notebook: string; id: string }[];
  rows: ComparisonRow[];
  charts: MetricChart[];
}

/** Runs of several notebooks side by side: run facts, parameters, data sets and final metrics as rows,
 *  each metric's series as a chart. The order is the sources' order, each notebook's runs oldest first. */
export function compareRuns(sources: RunSource[]): Comparison {
  const compared = sources.flatMap((source) =>
    source.runs.map((record, i) => ({ notebook: source.notebook, record, label: `${source.notebook} #${i + 1}` })),
  );
  const rows: ComparisonRow[] = [];
  const row = (section: ComparisonRow['section'], key: string, value: (r: ExperimentRecord) => unknown) => {
    const values = compared.map(({ record }) => formatValue(value(record)));
    rows.push({ section, key, values, differs: new Set(values).size > 1 });
  };
  row('run', 'started', (r) => r.startedAt);
  row('run', 'status', (r) => (r.failedCell ? `${r.status} (cell ${r.failedCell})` : r.status));
  row('run', 'duration', (r) => `${(r.durationMs / 1000).toFixed(1)} s`);
  row('run', 'backend', (r) => r.environment.backend);
  row(
    'run',
    'versions',
    (r) =>
      `node ${r.environment.node}, radnb ${r.environment.radnb}${r.environment.tfjs ? `, tfjs ${r.environment.tfjs}` : ''}`,
  );
  row('run', 'seed', (r) => r.seed);
  for (const key of unionOfKeys(compared.map((c) => c.record.params))) row('param', key, (r) => r.params[key]);
  const datasetPaths = [...new Set(compared.flatMap((c) => c.record.datasets.map((d) => d.path)))].sort();
  for (const file of datasetPaths) {
    row('dataset', file, (r) => {
      const d = r.datasets.find((x) => x.path === file);
      return d && (d.error ? `unreadable (${d.error})` : `sha256 ${d.sha256.slice(0, 12)}…`);
    });
  }
  const metricKeys = unionOfKeys(compared.map((c) => c.record.metrics));
  for (const key of metricKeys)
    row('metric', key, (r) => (key in r.metrics ? (finalMetrics(r)[key] ?? 'NaN') : undefined));
  const charts = metricKeys.map((metric) => ({
    metric,
    lines: compared.flatMap(({ record }, run) =>
      record.metrics[metric]?.length ? [{ run, points: record.metrics[metric] }] : [],
    ),
  }));
  return { runs: compared.map(({ label, notebook, record }) => ({ label, notebook, id: record.id })), rows, charts };
}

function unionOfKeys(records: Record<string, unknown>[]): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r)))].sort();
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return typeof value === 'string' ? value : JSON.stringify(value);
}
