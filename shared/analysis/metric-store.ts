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

export interface StoredValues {
  /** Start of the minute the values are filed under (standard resolution keeps one-minute points). */
  minuteMs: number;
  /** When alarms can first see these values (record time + delivery lag). */
  visibleAtMs: number;
  unit: string;
  values: readonly number[];
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
 * Values per series, each with the minute it is filed under and when it becomes visible. Kept in
 * memory for one simulation; queries ask "what could an alarm see at this moment".
 * @example
 * store.put(id, recordMinuteMs, recordMinuteMs + lagMs, 'Milliseconds', [812, 930]);
 * store.values(id, fromMs, toMs, asOfMs).values // [812, 930] once asOfMs ≥ the visible time
 */
export class MetricStore {
  private readonly series = new Map<string, { id: SeriesId; entries: StoredValues[]; sorted: boolean }>();

  /** Adds values to a series. Timestamps are truncated to the minute, as standard resolution does. */
  put(id: SeriesId, timestampMs: number, visibleAtMs: number, unit: string, values: readonly number[]): void {
    if (values.length === 0) return;
    const key = seriesIdKey(id);
    let s = this.series.get(key);
    if (!s) {
      s = { id, entries: [], sorted: true };
      this.series.set(key, s);
    }
    const minuteMs = Math.floor(timestampMs / MINUTE_MS) * MINUTE_MS;
    const last = s.entries.at(-1);
    if (last && last.minuteMs > minuteMs) s.sorted = false;
    s.entries.push({ minuteMs, visibleAtMs: Math.max(visibleAtMs, timestampMs), unit, values });
  }

  /** The series of one namespace and name, whatever their dimensions (a rule's contributors). */
  seriesNamed(namespace: string, name: string): SeriesId[] {
    return [...this.series.values()]
      .filter((s) => s.id.namespace === namespace && s.id.name === name)
      .map((s) => s.id);
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
      for (const e of s.entries) {
        fromMs = Math.min(fromMs, e.minuteMs);
        toMs = Math.max(toMs, e.minuteMs);
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
    if (!s.sorted) {
      s.entries.sort((a, b) => a.minuteMs - b.minuteMs);
      s.sorted = true;
    }
    const values: number[] = [];
    let pendingAfter = false;
    for (let i = lowerBound(s.entries, fromMs); i < s.entries.length; i++) {
      const e = s.entries[i] as StoredValues;
      if (e.minuteMs >= toMs) break;
      if (unit !== undefined && e.unit !== unit) continue;
      if (e.visibleAtMs > asOfMs) {
        pendingAfter = true;
        continue;
      }
      for (const v of e.values) values.push(v);
    }
    return { values, pendingAfter };
  }
}

/** The first entry at or after `minuteMs` (entries sorted by minute). */
function lowerBound(entries: readonly StoredValues[], minuteMs: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((entries[mid] as StoredValues).minuteMs < minuteMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
