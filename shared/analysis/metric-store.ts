/**
 * An in-memory CloudWatch metric store: every value an EMF document (or another source) put into a
 * series, stamped with the minute CloudWatch files it under and the moment it became visible to
 * alarms. Queries return one datapoint per period with CloudWatch's statistics over raw values.
 */
import { seriesKey } from './emf-reader';
import { nearestRank } from './percentile';

export interface SeriesId {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

/** One period's statistic, or nothing when the period holds no visible value of the series. */
export interface Datapoint {
  value: number;
  sampleCount: number;
}

const MINUTE_MS = 60_000;

/**
 * Where the simulator files what a Contributor Insights rule counts: one series per contributor,
 * named after the rule, under this pseudo-namespace (CloudWatch keeps them inside the rule).
 */
export const INSIGHT_RULE_NAMESPACE = 'Contributor Insights';
export const CONTRIBUTOR_DIMENSION = 'Contributor';

/** A stable key for a series: namespace, name and its sorted dimension pairs. */
export const seriesIdKey = (id: SeriesId): string => seriesKey(id.namespace, id.name, id.dimensions);

/** The percentile a stat names (`p95` → 95), or undefined for the other statistics. */
export function percentileOf(stat: string): number | undefined {
  const match = /^p(\d{1,2}(?:\.\d+)?)$/.exec(stat);
  return match ? Number(match[1]) : undefined;
}

/**
 * A statistic over a range of values: percentile rank (`PR(:3000)`, the percent of values in the
 * range) or trimmed count (`TC(3000:)`, how many). CloudWatch's range excludes its lower bound and
 * includes its upper one. Percentage bounds (`PR(10%:90%)`) are not supported (the alarms never use them).
 * @example rangeStatOf('TC(3000:)') // { kind: 'TC', above: 3000, atMost: Infinity }
 */
export function rangeStatOf(stat: string): { kind: 'PR' | 'TC'; above: number; atMost: number } | undefined {
  const match = /^(PR|TC)\((\d+(?:\.\d+)?)?:(\d+(?:\.\d+)?)?\)$/.exec(stat);
  if (!match || (match[2] === undefined && match[3] === undefined)) return undefined;
  return {
    kind: match[1] as 'PR' | 'TC',
    above: match[2] === undefined ? Number.NEGATIVE_INFINITY : Number(match[2]),
    atMost: match[3] === undefined ? Number.POSITIVE_INFINITY : Number(match[3]),
  };
}

/**
 * A statistic over raw values, as CloudWatch computes it for a period.
 * @throws Error for a statistic CloudWatch does not have (a typo in an alarm definition).
 * @example statistic('p95', [1, 2, 3]) // 3 (nearest rank)
 */
export function statistic(stat: string, values: readonly number[]): number {
  const p = percentileOf(stat);
  if (p !== undefined) {
    const sorted = [...values].sort((a, b) => a - b);
    return nearestRank(sorted, p) as number;
  }
  const range = rangeStatOf(stat);
  if (range) {
    const inside = values.filter((v) => v > range.above && v <= range.atMost).length;
    return range.kind === 'TC' ? inside : (100 * inside) / values.length;
  }
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'SampleCount':
      return values.length;
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    default:
      throw new Error(`unknown statistic ${stat}`);
  }
}

/**
 * One series' values in columns: entry i holds the values vals[offsets[i]..offsets[i+1]) filed
 * under minutes[i], visible from visible[i], in units[i]. A put that matches the last entry's
 * minute, visibility and unit extends it, so a month of batches keeps about one entry per series
 * and minute instead of one object per put.
 */
class SeriesColumns {
  minutes: number[] = [];
  visible: number[] = [];
  units: string[] = [];
  offsets: number[] = [0];
  vals = new Float64Array(16);
  length = 0;
  sorted = true;

  constructor(readonly id: SeriesId) {}

  add(minuteMs: number, visibleMinuteMs: number, unit: string, values: readonly number[]): void {
    const n = this.minutes.length;
    const extendsLast =
      n > 0 &&
      this.minutes[n - 1] === minuteMs &&
      this.visible[n - 1] === visibleMinuteMs &&
      this.units[n - 1] === unit;
    if (!extendsLast) {
      if (n > 0 && (this.minutes[n - 1] as number) > minuteMs) this.sorted = false;
      this.minutes.push(minuteMs);
      this.visible.push(visibleMinuteMs);
      this.units.push(unit);
      this.offsets.push(this.length);
    }
    if (this.length + values.length > this.vals.length) {
      const grown = new Float64Array(Math.max(this.vals.length * 2, this.length + values.length));
      grown.set(this.vals.subarray(0, this.length));
      this.vals = grown;
    }
    for (const v of values) this.vals[this.length++] = v;
    this.offsets[this.offsets.length - 1] = this.length;
  }

  /** Puts the entries in minute order (stable), moving their values with them. */
  sort(): void {
    if (this.sorted) return;
    const order = this.minutes
      .map((_, i) => i)
      .sort((a, b) => (this.minutes[a] as number) - (this.minutes[b] as number));
    const vals = new Float64Array(this.vals.length);
    const offsets = [0];
    let at = 0;
    for (const i of order) {
      const from = this.offsets[i] as number;
      const to = this.offsets[i + 1] as number;
      vals.set(this.vals.subarray(from, to), at);
      at += to - from;
      offsets.push(at);
    }
    this.minutes = order.map((i) => this.minutes[i] as number);
    this.visible = order.map((i) => this.visible[i] as number);
    this.units = order.map((i) => this.units[i] as string);
    this.offsets = offsets;
    this.vals = vals;
    this.sorted = true;
  }

  /** The first entry filed at or after `minuteMs` (entries sorted). */
  lowerBound(minuteMs: number): number {
    let lo = 0;
    let hi = this.minutes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.minutes[mid] as number) < minuteMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The first whole minute at or after `ms`: alarms evaluate on whole minutes. */
const ceilMinute = (ms: number) => Math.ceil(ms / MINUTE_MS) * MINUTE_MS;

/**
 * Values per series, each with the minute it is filed under and when it becomes visible. Kept in
 * memory for one simulation; queries ask "what could an alarm see at this moment". Visibility is
 * kept to the minute: a value visible at 12:03:20 is seen by a query as of 12:04:00 (alarms, the
 * hourly function and the preview all ask on whole minutes, where this is exact).
 * @example
 * store.put(id, recordMinuteMs, recordMinuteMs + lagMs, 'Milliseconds', [812, 930]);
 * store.values(id, fromMs, toMs, asOfMs).values // [812, 930] once asOfMs ≥ the visible time
 */
export class MetricStore {
  private readonly series = new Map<string, SeriesColumns>();
  private readonly byName = new Map<string, SeriesId[]>();

  /** Adds values to a series. Timestamps are truncated to the minute, as standard resolution does. */
  put(id: SeriesId, timestampMs: number, visibleAtMs: number, unit: string, values: readonly number[]): void {
    if (values.length === 0) return;
    const key = seriesIdKey(id);
    let s = this.series.get(key);
    if (!s) {
      s = new SeriesColumns(id);
      this.series.set(key, s);
      const nameKey = `${id.namespace}\u0000${id.name}`;
      const named = this.byName.get(nameKey);
      if (named) named.push(id);
      else this.byName.set(nameKey, [id]);
    }
    const minuteMs = Math.floor(timestampMs / MINUTE_MS) * MINUTE_MS;
    s.add(minuteMs, ceilMinute(Math.max(visibleAtMs, timestampMs)), unit, values);
  }

  /** The series of one namespace and name, whatever their dimensions (a rule's contributors). */
  seriesNamed(namespace: string, name: string): SeriesId[] {
    return [...(this.byName.get(`${namespace}\u0000${name}`) ?? [])];
  }

  /** Every series held, for listings and dashboards. */
  allSeries(): SeriesId[] {
    return [...this.series.values()].map((s) => s.id);
  }

  /** The time range of the stored values, or undefined when empty. */
  timeRange(): { fromMs: number; toMs: number } | undefined {
    let fromMs = Number.POSITIVE_INFINITY;
    let toMs = Number.NEGATIVE_INFINITY;
    for (const s of this.series.values()) {
      for (const m of s.minutes) {
        if (m < fromMs) fromMs = m;
        if (m > toMs) toMs = m;
      }
    }
    return Number.isFinite(fromMs) ? { fromMs, toMs } : undefined;
  }

  /**
   * The raw values of one series in [fromMs, toMs) that are visible at `asOfMs`, with the time the
   * last of them became visible (so callers can tell a final datapoint from one still filling).
   * A `unit` filters as GetMetricData's Unit does: values stored under another unit are not returned.
   */
  values(
    id: SeriesId,
    fromMs: number,
    toMs: number,
    asOfMs: number,
    unit?: string,
  ): { values: number[]; pendingAfter: boolean } {
    const s = this.series.get(seriesIdKey(id));
    if (!s) return { values: [], pendingAfter: false };
    s.sort();
    const values: number[] = [];
    let pendingAfter = false;
    for (let i = s.lowerBound(fromMs); i < s.minutes.length; i++) {
      if ((s.minutes[i] as number) >= toMs) break;
      if (unit !== undefined && s.units[i] !== unit) continue;
      if ((s.visible[i] as number) > asOfMs) {
        pendingAfter = true;
        continue;
      }
      const end = s.offsets[i + 1] as number;
      for (let j = s.offsets[i] as number; j < end; j++) values.push(s.vals[j] as number);
    }
    return { values, pendingAfter };
  }
}
