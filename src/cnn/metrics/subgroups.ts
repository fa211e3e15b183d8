// Per-subgroup metrics for bias audits: run any metric on the samples of each group (sex, age band,
// scanner…) and summarise how far apart the groups are. A group where the metric is undefined (e.g. AUC
// with one class only) is reported with its reason rather than failing the whole audit.
import { DISPLAY, type MimeBundle } from '../../common/display';
import { type Cell, metricsBundle } from './display';
import { MetricsError } from './errors';
import { shapeOf, toValues, type NumericInput } from './inputs';
import type { MetricsView, PrView, RocView, TableView } from '../../common/metricsViews';

export type GroupKey = string | number | boolean | null | undefined;

/** The samples of one group, handed to the metric function. */
export class Subset {
  constructor(
    readonly group: string,
    readonly indices: Uint32Array,
  ) {}

  /** The entries of a per-sample array that belong to this group. */
  pick<T>(values: ArrayLike<T>): T[] {
    return Array.from(this.indices, (i) => values[i]);
  }

  /** The rows (first axis) of a per-sample tensor or array that belong to this group, trailing shape kept. */
  pickRows(values: NumericInput): { shape: number[]; dataSync(): Float64Array } {
    const shape = shapeOf(values);
    const all = toValues('bySubgroup', 'values', values);
    const row = all.length / shape[0];
    const data = new Float64Array(this.indices.length * row);
    this.indices.forEach((i, k) => data.set(all.subarray(i * row, (i + 1) * row), k * row));
    return { shape: [this.indices.length, ...shape.slice(1)], dataSync: () => data };
  }
}

export interface SubgroupRow<R> {
  group: string;
  n: number;
  /** The metric's result, or undefined when it failed for this group (see `error`). */
  result?: R;
  error?: string;
}

/** How far apart the groups are on one numeric quantity of the results. */
export interface Disparity {
  metric: string;
  lowestGroup: string;
  lowest: number;
  highestGroup: string;
  highest: number;
  /** highest − lowest. */
  difference: number;
  /** lowest / highest (1 = parity); NaN when highest is 0. */
  ratio: number;
}

/** Numeric quantities of a result: a number itself, or an object's own finite numeric fields. */
export function scalarsOf(result: unknown): Record<string, number> {
  if (typeof result === 'number') return { value: result };
  if (typeof result !== 'object' || result === null) return {};
  return Object.fromEntries(Object.entries(result).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

export class SubgroupReport<R> {
  constructor(
    readonly rows: SubgroupRow<R>[],
    /** Quantities the disparity summary covers (all numeric ones when not chosen). */
    readonly metrics: string[],
  ) {}

  /** The result of one group. */
  get(group: string): R | undefined {
    return this.rows.find((r) => r.group === group)?.result;
  }

  disparities(): Disparity[] {
    return this.metrics.flatMap((metric): Disparity[] => {
      const values = this.rows
        .map((r) => ({ group: r.group, value: r.result === undefined ? NaN : scalarsOf(r.result)[metric] }))
        .filter((v) => Number.isFinite(v.value));
      if (values.length < 2) return [];
      const low = values.reduce((a, b) => (b.value < a.value ? b : a));
      const high = values.reduce((a, b) => (b.value > a.value ? b : a));
      return [
        {
          metric,
          lowestGroup: low.group,
          lowest: low.value,
          highestGroup: high.group,
          highest: high.value,
          difference: high.value - low.value,
          ratio: high.value === 0 ? NaN : low.value / high.value,
        },
      ];
    });
  }

  toTable(): TableView {
    const notes = this.disparities().map(
      (d) =>
        `${d.metric}: lowest ${d.lowestGroup} ${d.lowest.toFixed(4)}, highest ${d.highestGroup} ${d.highest.toFixed(4)} — difference ${d.difference.toFixed(4)}, ratio ${d.ratio.toFixed(3)}`,
    );
    const failed = this.rows.filter((r) => r.error !== undefined).map((r) => `${r.group}: ${r.error}`);
    return {
      kind: 'table',
      title: 'By subgroup',
      columns: ['group', 'n', ...this.metrics],
      rows: this.rows.map((r): Cell[] => {
        const scalars = r.result === undefined ? {} : scalarsOf(r.result);
        return [r.group, r.n, ...this.metrics.map((m) => scalars[m] ?? null)];
      }),
      notes: [...notes, ...failed],
    };
  }

  /** One ROC or PR chart with a curve per group, when every group's result is such a curve. */
  toView(): MetricsView | undefined {
    const views = this.rows.map((r) =>
      (r.result as { toView?: (label: string) => MetricsView } | undefined)?.toView?.(r.group),
    );
    if (views.length === 0 || views.some((v) => v === undefined || (v.kind !== 'roc' && v.kind !== 'pr')))
      return undefined;
    const charts = views as (RocView | PrView)[];
    if (charts.some((v) => v.kind !== charts[0].kind)) return undefined;
    if (charts[0].kind === 'roc')
      return { kind: 'roc', title: 'ROC by subgroup', curves: (charts as RocView[]).flatMap((v) => v.curves) };
    return { kind: 'pr', title: 'Precision–recall by subgroup', curves: (charts as PrView[]).flatMap((v) => v.curves) };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable(), this.toView());
  }
}

export interface SubgroupOptions {
  /** Groups with fewer samples are reported without running the metric. Default 1. */
  minSize?: number;
  /** Quantities of the results to tabulate and compare (e.g. ['auc']). Default: every numeric one. */
  metrics?: string[];
}

/**
 * Runs `fn` on the samples of each group. `groups[i]` is sample i's group (missing values form the group
 * "unknown"); groups come out in order of first appearance. Example:
 * `bySubgroup(sex, (s) => rocCurve(s.pick(labels), s.pick(scores)))`.
 */
export function bySubgroup<R>(
  groups: ArrayLike<GroupKey>,
  fn: (subset: Subset) => R,
  options: SubgroupOptions = {},
): SubgroupReport<R> {
  const { minSize = 1 } = options;
  if (groups.length === 0) throw new MetricsError('bySubgroup', 'no samples');
  const members = new Map<string, number[]>();
  Array.from(groups).forEach((g, i) => {
    const key = g === null || g === undefined || g === '' ? 'unknown' : String(g);
    const list = members.get(key) ?? [];
    list.push(i);
    members.set(key, list);
  });
  const rows = [...members].map(([group, indices]): SubgroupRow<R> => {
    const n = indices.length;
    if (n < minSize) return { group, n, error: `${n} samples, fewer than ${minSize}` };
    try {
      return { group, n, result: fn(new Subset(group, Uint32Array.from(indices))) };
    } catch (error) {
      if (error instanceof MetricsError) return { group, n, error: error.message };
      throw error;
    }
  });
  const metrics = options.metrics ?? [
    ...new Set(rows.flatMap((r) => (r.result === undefined ? [] : Object.keys(scalarsOf(r.result))))),
  ];
  return new SubgroupReport(rows, metrics);
}
