/**
 * What each dashboard widget would show, computed from a metric store the way CloudWatch draws it:
 * metric lines with their stat and period, SEARCH (and SORT of a SEARCH) over the stored series,
 * metric math over other lines' ids, single values, bars, and the alarm-status widget filled from
 * the alarm simulator's timelines. Pure: the dashboard definitions the deploy uses come in, data
 * for a renderer goes out. A line whose data cannot be derived locally says why.
 */
import type { AlarmTimeline } from '../analysis/alarm-evaluator';
import { evaluateMath, mathInputs, parseMath, type Series } from '../analysis/metric-math';
import {
  CONTRIBUTOR_DIMENSION,
  INSIGHT_RULE_NAMESPACE,
  type MetricStore,
  type SeriesId,
  statistic,
} from '../analysis/metric-store';
import { METRIC, MONTH_TO_DATE } from '../contract/metrics';
import type { MetricAlarmDefinition } from '../monitoring/alarms';
import type { Widget } from '../monitoring/dashboards/grid';

export interface ChartSeries {
  label: string;
  /** [period start (ms), value]; periods without data are left out, as CloudWatch leaves gaps. */
  points: [number, number][];
  yAxis: 'left' | 'right';
  /** 'USD' for the metrics in dollars (their names end in USD): shown with a $. */
  unit?: 'USD';
}

export interface AlarmOverlay {
  alarm: string;
  /** The axis of the line it watches. */
  yAxis: 'left' | 'right';
  level: string;
  threshold: number;
  /** Intervals in ALARM: [from, to] in ms. */
  bands: [number, number][];
}

export type WidgetData =
  | { kind: 'text'; title: string; markdown: string }
  | {
      kind: 'chart';
      title: string;
      view: 'timeSeries' | 'bar' | 'singleValue';
      periodSeconds: number;
      stacked: boolean;
      series: ChartSeries[];
      overlays: AlarmOverlay[];
      /** Lines that could not be drawn, with the reason. */
      unavailable: string[];
      /** What a reader needs to read a drawn figure right (why month to date lags the logs). */
      notes: string[];
      /** Lines whose data the replayed logs determine (drawn even when they hold no datapoint). */
      derivedLines: number;
    }
  | { kind: 'alarms'; title: string; alarms: { name: string; state: string; detail: string }[] };

export interface PreviewContext {
  store: MetricStore;
  timelines: readonly AlarmTimeline[];
  fromMs: number;
  toMs: number;
  /** The region the replayed logs stand for (lines of other regions cannot be derived). */
  region: string;
  /** Whether a metric's data comes from the replayed records (same rule as the simulator's). */
  isDerivable: (namespace: string, metricName: string, dimensions: Record<string, string>) => boolean;
}

type LineOptions = {
  stat?: string;
  label?: string;
  id?: string;
  visible?: boolean;
  region?: string;
  yAxis?: string;
  period?: number;
};

interface Grid {
  starts: number[];
  periodMs: number;
}

/** Period starts aligned to the period, covering the preview range (one for setPeriodToTimeRange). */
function gridFor(ctx: PreviewContext, periodSeconds: number, wholeRange: boolean): Grid {
  if (wholeRange) return { starts: [ctx.fromMs], periodMs: ctx.toMs - ctx.fromMs + 60_000 };
  const periodMs = periodSeconds * 1000;
  const first = Math.floor(ctx.fromMs / periodMs) * periodMs;
  const starts: number[] = [];
  for (let t = first; t <= ctx.toMs; t += periodMs) starts.push(t);
  return { starts, periodMs };
}

function seriesValues(ctx: PreviewContext, id: SeriesId, stat: string, grid: Grid): Series {
  return grid.starts.map((s) => {
    const { values } = ctx.store.values(id, s, s + grid.periodMs, Number.POSITIVE_INFINITY);
    return values.length > 0 ? statistic(stat, values) : undefined;
  });
}

/** `SEARCH('{ns,DimA,DimB} MetricName="X"', 'Stat', period)`, optionally inside SORT(…, SUM, DESC, n). */
const SEARCH = /SEARCH\('\{([^}]*)\} MetricName="([^"]+)"',\s*'([^']+)',\s*(\d+)\)/;
const SORT = /^SORT\((.*),\s*SUM,\s*DESC,\s*(\d+)\)$/;

function searchSeries(
  ctx: PreviewContext,
  expression: string,
  grid: Grid,
): { label: string; values: Series }[] {
  const m = SEARCH.exec(expression);
  if (!m) return [];
  const [namespace, ...dimNames] = (m[1] as string).split(',');
  const wanted = [...dimNames].sort().join(',');
  const found = ctx.store
    .allSeries()
    .filter(
      (s) =>
        s.namespace === namespace && s.name === m[2] && Object.keys(s.dimensions).sort().join(',') === wanted,
    )
    .map((s) => ({
      label: Object.entries(s.dimensions)
        .filter(([k]) => k !== 'service')
        .map(([, v]) => v)
        .join(' '),
      values: seriesValues(ctx, s, m[3] as string, grid),
    }));
  const sort = SORT.exec(expression.trim());
  if (!sort) return found;
  const total = (v: Series) => v.reduce<number>((a, b) => a + (b ?? 0), 0);
  return found.sort((a, b) => total(b.values) - total(a.values)).slice(0, Number(sort[2]));
}

/**
 * A Contributor Insights widget: the rule's top contributors by their sum over the range, one line
 * each (Sum per period), from what the simulator filed for the rule.
 */
function contributorSeries(
  ctx: PreviewContext,
  rule: { ruleName: string; maxContributorCount?: number },
  grid: Grid,
): { label: string; values: Series }[] {
  const total = (v: Series) => v.reduce<number>((a, b) => a + (b ?? 0), 0);
  return ctx.store
    .seriesNamed(INSIGHT_RULE_NAMESPACE, rule.ruleName)
    .map((id) => ({
      label: id.dimensions[CONTRIBUTOR_DIMENSION] ?? '',
      values: seriesValues(ctx, id, 'Sum', grid),
    }))
    .sort((a, b) => total(b.values) - total(a.values))
    .slice(0, rule.maxContributorCount ?? 10);
}

const toPoints = (grid: Grid, values: Series): [number, number][] =>
  values.flatMap((v, i) =>
    v === undefined || !Number.isFinite(v) ? [] : [[grid.starts[i] as number, v] as [number, number]],
  );

function parseLine(line: unknown[]): {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  options: LineOptions;
} {
  const strings = line.filter((x): x is string => typeof x === 'string');
  const options = (line.find((x) => typeof x === 'object' && x !== null) ?? {}) as LineOptions;
  const [namespace = '', name = '', ...pairs] = strings;
  const dimensions: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1] as string;
  return { namespace, name, dimensions, options };
}

/**
 * The one metric an alarm compares with its threshold: its only query, or the metric an evidence
 * guard passes through (`IF(n >= 20 AND …, p95, 0)` watches p95).
 */
function watchedMetric(def: MetricAlarmDefinition) {
  if (def.queries.length === 1) return def.queries[0]?.metric;
  const returned = def.queries.find((q) => q.returnData && q.expression)?.expression ?? '';
  return def.queries.find((q) => q.metric && returned.startsWith('IF(') && returned.endsWith(`, ${q.id}, 0)`))
    ?.metric;
}

/**
 * Alarms that watch exactly this line (same metric, dimensions, stat and period): their thresholds
 * and the intervals they spent in ALARM.
 */
function overlaysFor(
  ctx: PreviewContext,
  ref: { namespace: string; name: string; dimensions: Record<string, string>; stat: string; period: number },
  yAxis: 'left' | 'right',
): AlarmOverlay[] {
  const same = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  return ctx.timelines.flatMap((t) => {
    const def = t.definition;
    if (def.kind !== 'metric' || def.threshold === undefined) return [];
    const m = watchedMetric(def as MetricAlarmDefinition);
    if (
      !m ||
      m.namespace !== ref.namespace ||
      m.metricName !== ref.name ||
      m.stat !== ref.stat ||
      m.period !== ref.period ||
      !same(m.dimensions, ref.dimensions)
    )
      return [];
    return [
      { alarm: def.key, yAxis, level: def.level, threshold: def.threshold, bands: alarmBands(t, ctx.toMs) },
    ];
  });
}

/** The intervals an alarm spent in ALARM. */
export function alarmBands(t: AlarmTimeline, endMs: number): [number, number][] {
  const bands: [number, number][] = [];
  t.transitions.forEach((tr, i) => {
    if (tr.state !== 'ALARM') return;
    bands.push([tr.atMs, t.transitions[i + 1]?.atMs ?? endMs]);
  });
  return bands;
}

interface MetricWidgetProps {
  title?: string;
  view?: string;
  period?: number;
  stacked?: boolean;
  setPeriodToTimeRange?: boolean;
  metrics?: unknown[][];
  insightRule?: { ruleName: string; maxContributorCount?: number };
}

/** What a metric widget's lines add up to, filled line by line. */
interface WidgetLines {
  readonly byId: Map<string, Series>;
  /** SEARCH results by id: an array of time series, as CloudWatch's metric math sees them. */
  readonly arrays: Map<string, { label: string; values: Series }[]>;
  readonly series: ChartSeries[];
  readonly overlays: AlarmOverlay[];
  readonly unavailable: string[];
  readonly notes: string[];
  derivedLines: number;
}

function metricWidget(widget: Widget, ctx: PreviewContext): WidgetData {
  const p = widget.properties as MetricWidgetProps;
  const periodSeconds = p.period ?? 300;
  const grid = gridFor(ctx, periodSeconds, p.setPeriodToTimeRange === true);
  const lines: WidgetLines = {
    byId: new Map(),
    arrays: new Map(),
    series: [],
    overlays: [],
    unavailable: [],
    notes: [],
    derivedLines: 0,
  };
  if (p.insightRule) {
    for (const s of contributorSeries(ctx, p.insightRule, grid)) {
      lines.derivedLines++;
      lines.series.push({ label: s.label, points: toPoints(grid, s.values), yAxis: 'left' });
    }
  }
  for (const line of p.metrics ?? []) {
    const first = line[0];
    if (typeof first === 'object' && first !== null && 'expression' in first)
      addExpressionLine(first as ExpressionLine, ctx, grid, lines);
    else addMetricLine(line, p, ctx, grid, lines);
  }
  return {
    kind: 'chart',
    title: p.title ?? '',
    view: (p.view ?? 'timeSeries') as 'timeSeries' | 'bar' | 'singleValue',
    periodSeconds: grid.periodMs / 1000,
    stacked: p.stacked === true,
    series: lines.series,
    overlays: lines.overlays,
    unavailable: lines.unavailable,
    notes: lines.notes,
    derivedLines: lines.derivedLines,
  };
}

const utcTime = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const usd = (v: number) =>
  `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * Month to date is the hourly function's figure at its last run, so it leaves out the calls logged
 * after that run, which replay counts: says when that run was and what the logs cost in all.
 */
function monthToDateNote(
  ctx: PreviewContext,
  line: { namespace: string; dimensions: Record<string, string> },
  shown: [number, number] | undefined,
): string | undefined {
  if (!shown) return undefined;
  // The month the shown run sums: from its first (UTC) to the end of the range.
  const at = new Date(shown[0]);
  const monthStart = Math.max(ctx.fromMs, Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const costId = { namespace: line.namespace, name: METRIC.cost.name, dimensions: line.dimensions };
  const logged = ctx.store
    .values(costId, monthStart, ctx.toMs + 1, Number.POSITIVE_INFINITY)
    .values.reduce((a, b) => a + b, 0);
  if (Math.abs(logged - shown[1]) < 0.005) return undefined;
  const nextRun = new Date(Math.floor(ctx.toMs / 3_600_000) * 3_600_000 + 3_600_000 + 5 * 60_000);
  return `so far is the hourly function's figure at its run of ${utcTime(shown[0])} UTC, the last before the range ends (${utcTime(ctx.toMs)} UTC); the replayed logs cost ${usd(logged)} (as replay says): the calls after that run count from the next one (--until ${nextRun.toISOString().replace('.000Z', 'Z')} includes it)`;
}

interface ExpressionLine {
  expression: string;
  id: string;
  label?: string;
  visible?: boolean;
}

/** A metric-math line: SEARCH (one line per found series, or their SUM) or an expression over ids. */
function addExpressionLine(e: ExpressionLine, ctx: PreviewContext, grid: Grid, lines: WidgetLines): void {
  lines.derivedLines++;
  if (e.expression.includes('SEARCH(')) {
    const found = searchSeries(ctx, e.expression, grid);
    // SUM(SEARCH(…)): one line, the sum of the found series per period.
    if (e.expression.trim().startsWith('SUM(')) {
      const sum = grid.starts.map((_, i) =>
        found.some((f) => f.values[i] !== undefined)
          ? found.reduce((a, f) => a + (f.values[i] ?? 0), 0)
          : undefined,
      );
      lines.byId.set(e.id, sum);
      if (e.visible !== false)
        lines.series.push({ label: e.label ?? e.id, points: toPoints(grid, sum), yAxis: 'left' });
      return;
    }
    lines.arrays.set(e.id, found);
    if (e.visible === false) return;
    for (const s of found)
      lines.series.push({ label: s.label, points: toPoints(grid, s.values), yAxis: 'left' });
    return;
  }
  try {
    for (const line of evaluateLines(e, lines, grid.starts.length)) {
      if (line.single) lines.byId.set(e.id, line.values);
      if (e.visible !== false)
        lines.series.push({ label: line.label, points: toPoints(grid, line.values), yAxis: 'left' });
    }
  } catch (error) {
    lines.unavailable.push(`${e.label || e.id}: ${(error as Error).message}`);
  }
}

/**
 * An expression's lines. Over one line per id, one line; over the id of a SEARCH (an array of time
 * series, as CloudWatch evaluates `e1 / 60000` with e1 a SEARCH), one line per series found, labelled
 * with the expression's label and the series' own (the label '' keeps the series' label only).
 * @throws UnsupportedMathError for what the metric math cannot evaluate, Error for two arrays.
 */
function evaluateLines(
  e: ExpressionLine,
  lines: WidgetLines,
  length: number,
): { label: string; values: Series; single: boolean }[] {
  const node = parseMath(e.expression);
  const asSeries = (inputs: ReadonlyMap<string, Series>): Series => {
    const value = evaluateMath(node, inputs, length);
    return typeof value === 'number' ? Array.from({ length }, () => value) : value;
  };
  const arrayIds = mathInputs(node).filter((id) => lines.arrays.has(id));
  if (arrayIds.length === 0) return [{ label: e.label ?? e.id, values: asSeries(lines.byId), single: true }];
  if (arrayIds.length > 1)
    throw new Error(
      `combines two SEARCH results (${arrayIds.join(', ')}), which the preview does not evaluate`,
    );
  const id = arrayIds[0] as string;
  return (lines.arrays.get(id) ?? []).map((member) => ({
    label: [e.label, member.label].filter(Boolean).join(' '),
    values: asSeries(new Map([...lines.byId, [id, member.values]])),
    single: false,
  }));
}

/** A metric line: derived from the logs (with the alarms on it), or said to be unavailable and why. */
function addMetricLine(
  line: unknown[],
  p: MetricWidgetProps,
  ctx: PreviewContext,
  grid: Grid,
  lines: WidgetLines,
): void {
  const { namespace, name, dimensions, options } = parseLine(line);
  const label = options.label ?? name;
  if (options.region && options.region !== ctx.region) {
    lines.unavailable.push(
      `${label}: data of the stack in ${options.region}; the replayed logs stand for ${ctx.region}`,
    );
    return;
  }
  if (!ctx.isDerivable(namespace, name, dimensions)) {
    lines.unavailable.push(
      `${label}: ${namespace} ${name} is published by AWS or another function, not derived from the invocation logs`,
    );
    return;
  }
  lines.derivedLines++;
  const stat = options.stat ?? 'Average';
  const values = seriesValues(ctx, { namespace, name, dimensions }, stat, grid);
  if (options.id) lines.byId.set(options.id, values);
  if (options.visible === false) return;
  const yAxis = options.yAxis === 'right' ? 'right' : 'left';
  const points = toPoints(grid, values);
  lines.series.push({ label, points, yAxis, ...(name.endsWith('USD') ? { unit: 'USD' as const } : {}) });
  if (name === MONTH_TO_DATE.cost) {
    const note = monthToDateNote(ctx, { namespace, dimensions }, points.at(-1));
    if (note) lines.notes.push(note);
  }
  const period = p.period ?? 300;
  if (!p.setPeriodToTimeRange)
    lines.overlays.push(...overlaysFor(ctx, { namespace, name, dimensions, stat, period }, yAxis));
}

function alarmWidget(widget: Widget, ctx: PreviewContext): WidgetData {
  const p = widget.properties as { title?: string; alarms?: string[] };
  const byName = new Map(ctx.timelines.map((t) => [t.definition.name, t]));
  return {
    kind: 'alarms',
    title: p.title ?? 'Alarm status',
    alarms: (p.alarms ?? []).map((arn) => {
      const name = arn.slice(arn.lastIndexOf(':alarm:') + ':alarm:'.length);
      const t = byName.get(name);
      if (!t) return { name, state: 'UNKNOWN', detail: 'not among the simulated alarms' };
      if (!t.simulated) return { name, state: 'NOT SIMULATED', detail: t.notSimulatedReason ?? '' };
      const alarms = t.transitions.filter((tr) => tr.state === 'ALARM').length;
      return {
        name,
        state: t.finalState,
        detail: `${alarms} time(s) in ALARM${t.approximate ? ' (approximate)' : ''}`,
      };
    }),
  };
}

/**
 * The data of one widget.
 * @example widgetData(dashboard.body.widgets[1], ctx).kind // 'chart'
 */
export function widgetData(widget: Widget, ctx: PreviewContext): WidgetData {
  if (widget.type === 'text') {
    const markdown = String(widget.properties.markdown ?? '');
    return { kind: 'text', title: /^#\s*(.*)$/m.exec(markdown)?.[1] ?? 'text', markdown };
  }
  if (widget.type === 'alarm') return alarmWidget(widget, ctx);
  return metricWidget(widget, ctx);
}
