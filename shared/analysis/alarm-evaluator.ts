/**
 * Evaluates alarm definitions (the same data the stack deploys) against a metric store, minute by
 * minute, as CloudWatch would: sliding periods ending at the evaluation time, statistics over raw
 * values visible at that time, metric math, M of N with TreatMissingData, low-sample percentiles,
 * composite rules over the children's states. Anomaly bands use a documented stand-in and are
 * marked approximate. Pure: the store, the definitions and the clock range come in.
 */
import type {
  AlarmDefinition,
  CompositeAlarmDefinition,
  MetricAlarmDefinition,
  MetricRef,
} from '../monitoring/alarms';
import { decideState, type Point } from './alarm-state';
import { type AnomalyModel, trailingBand } from './anomaly-band';
import { type AlarmState, evaluateAlarmRule, parseAlarmRule } from './composite-rule';
import { asSeries, evaluateMath, parseMath, type Series, UnsupportedMathError } from './metric-math';
import {
  INSIGHT_RULE_NAMESPACE,
  type MetricStore,
  percentileOf,
  seriesIdKey,
  statistic,
} from './metric-store';

const MINUTE_MS = 60_000;

/**
 * Periods CloudWatch reads beyond the N it evaluates. The real size is undocumented; the user
 * guide's worked example for 3 evaluation periods shows a range of 5, so N + 2.
 */
export const EXTRA_RANGE_PERIODS = 2;

export interface Transition {
  atMs: number;
  state: AlarmState;
  /** The newest datapoint the decision used (the alarm's metric), if any. */
  value?: number;
  threshold?: number;
  reason: string;
}

export interface AlarmTimeline {
  definition: AlarmDefinition;
  simulated: boolean;
  /** Why not, when not simulated. */
  notSimulatedReason?: string;
  approximate: boolean;
  transitions: Transition[];
  finalState: AlarmState;
}

export interface EvaluationOptions {
  fromMs: number;
  toMs: number;
  /** Whether the store can hold this metric (our namespace, metrics derived from the same records). */
  isDerivable: (ref: MetricRef) => boolean;
  /** The AlarmRule the stack deploys for a composite alarm. */
  ruleOf: (composite: CompositeAlarmDefinition) => string;
  anomaly?: AnomalyModel;
}

const COMPARISON_TEXT: Record<string, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
  GreaterThanUpperThreshold: 'greater than the upper band of',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band of',
  LessThanLowerThreshold: 'less than the lower band of',
};

function breaches(comparison: string, value: number, threshold: number, lower: number, upper: number) {
  switch (comparison) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    case 'GreaterThanUpperThreshold':
      return value > upper;
    case 'LessThanLowerThreshold':
      return value < lower;
    case 'LessThanLowerOrGreaterThanUpperThreshold':
      return value < lower || value > upper;
    default:
      throw new UnsupportedMathError(`comparison ${comparison}`);
  }
}

const fmtTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const fmt = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(Number(v.toPrecision(6))));

/** Reads one metric query's datapoints, caching points that can no longer change. */
class DatapointReader {
  /** Final points per query (its series, statistic, unit and period), by period start. */
  private readonly final = new Map<string, Map<number, { value: number; sampleCount: number } | null>>();
  private readonly keys = new WeakMap<MetricRef, string>();
  private evictedBeforeMs = Number.NEGATIVE_INFINITY;
  /** @param horizonMs how far back from the evaluation time any read can reach */
  constructor(
    private readonly store: MetricStore,
    private readonly horizonMs = Number.POSITIVE_INFINITY,
  ) {}

  private readonly parsed = new Map<string, ReturnType<typeof parseMath>>();

  /** A metric-math expression, parsed once per evaluation. */
  math(expression: string): ReturnType<typeof parseMath> {
    let node = this.parsed.get(expression);
    if (!node) {
      node = parseMath(expression);
      this.parsed.set(expression, node);
    }
    return node;
  }

  /** One period of a Contributor Insights rule (not cached: few alarms read one, hourly). */
  insight(rule: string, stat: string, startMs: number, periodMs: number, asOfMs: number): number | undefined {
    return insightPoint(this.store, rule, stat, startMs, periodMs, asOfMs);
  }

  /** Forgets final points older than any read at `atMs` can ask for (time only moves forward). */
  forgetBefore(atMs: number): void {
    const cutoff = atMs - this.horizonMs;
    if (!Number.isFinite(cutoff) || cutoff - this.evictedBeforeMs < 3_600_000) return;
    for (const points of this.final.values())
      for (const startMs of points.keys()) if (startMs < cutoff) points.delete(startMs);
    this.evictedBeforeMs = cutoff;
  }

  private cacheOf(ref: MetricRef) {
    let key = this.keys.get(ref);
    if (key === undefined) {
      key = `${seriesIdKey({ namespace: ref.namespace, name: ref.metricName, dimensions: ref.dimensions })}|${ref.stat}|${ref.unit ?? ''}|${ref.period}`;
      this.keys.set(ref, key);
    }
    let points = this.final.get(key);
    if (!points) {
      points = new Map();
      this.final.set(key, points);
    }
    return points;
  }

  read(ref: MetricRef, startMs: number, asOfMs: number): { value: number; sampleCount: number } | undefined {
    const points = this.cacheOf(ref);
    const cached = points.get(startMs);
    if (cached !== undefined) return cached ?? undefined;
    const { values, pendingAfter } = this.store.values(
      { namespace: ref.namespace, name: ref.metricName, dimensions: ref.dimensions },
      startMs,
      startMs + ref.period * 1000,
      asOfMs,
      ref.unit,
    );
    const point =
      values.length > 0 ? { value: statistic(ref.stat, values), sampleCount: values.length } : undefined;
    // A period is final once it has ended and nothing in it waits for delivery.
    if (!pendingAfter && startMs + ref.period * 1000 <= asOfMs) points.set(startMs, point ?? null);
    return point;
  }
}

/** `INSIGHT_RULE_METRIC('rule', 'MaxContributorValue' | 'Sum' | 'UniqueContributors')`. */
const INSIGHT =
  /^\s*INSIGHT_RULE_METRIC\(\s*'([^']+)'\s*,\s*'(MaxContributorValue|Sum|UniqueContributors)'\s*\)\s*$/;

/**
 * One period of a Contributor Insights rule, from the contributions the simulator filed: the
 * largest contributor's sum, the sum of all, or how many contributed; undefined when none did.
 */
function insightPoint(
  store: MetricStore,
  rule: string,
  stat: string,
  startMs: number,
  periodMs: number,
  asOfMs: number,
): number | undefined {
  const sums = store
    .seriesNamed(INSIGHT_RULE_NAMESPACE, rule)
    .map((id) => store.values(id, startMs, startMs + periodMs, asOfMs).values)
    .filter((values) => values.length > 0)
    .map((values) => values.reduce((a, b) => a + b, 0));
  if (sums.length === 0) return undefined;
  if (stat === 'UniqueContributors') return sums.length;
  return stat === 'Sum' ? sums.reduce((a, b) => a + b, 0) : Math.max(...sums);
}

interface RangeResult {
  points: Point[];
  values: Series;
  thresholds: (number | undefined)[];
  lowSample: boolean[];
  startsMs: number[];
  approximateUnavailable: boolean;
}

/** The evaluation range of a metric alarm at `atMs`, oldest first. */
function evaluateRange(
  def: MetricAlarmDefinition,
  atMs: number,
  reader: DatapointReader,
  anomaly?: AnomalyModel,
): RangeResult {
  const period =
    def.queries.find((q) => q.metric)?.metric?.period ?? def.queries.find((q) => q.period)?.period;
  if (period === undefined) throw new UnsupportedMathError('no metric in the alarm');
  const periodMs = period * 1000;
  const length = def.evaluationPeriods + EXTRA_RANGE_PERIODS;
  const startsMs = Array.from({ length }, (_, k) => atMs - (length - k) * periodMs);
  const series = new Map<string, Series>();
  const samples = new Map<string, number[]>();
  const bands = new Map<string, { lower: Series; upper: Series }>();
  let approximateUnavailable = false;
  for (const q of def.queries) {
    if (q.metric) {
      const ref = q.metric;
      const points = startsMs.map((s) => reader.read(ref, s, atMs));
      series.set(
        q.id,
        points.map((p) => p?.value),
      );
      samples.set(
        q.id,
        points.map((p) => p?.sampleCount ?? 0),
      );
      continue;
    }
    const expression = q.expression ?? '';
    const insight = INSIGHT.exec(expression);
    if (insight) {
      const rule = insight[1] as string;
      series.set(
        q.id,
        startsMs.map((s) => reader.insight(rule, insight[2] as string, s, periodMs, atMs)),
      );
      continue;
    }
    const band = /^\s*ANOMALY_DETECTION_BAND\(\s*(\w+)\s*,\s*([\d.]+)\s*\)\s*$/.exec(expression);
    if (band) {
      const target = def.queries.find((x) => x.id === band[1])?.metric;
      if (!target || !anomaly) throw new UnsupportedMathError('anomaly band without a model');
      const b = trailingBand(
        anomaly,
        (s) => reader.read(target, s, atMs)?.value,
        startsMs,
        target.period * 1000,
        Number(band[2]),
      );
      if (b.lower.every((v) => v === undefined)) approximateUnavailable = true;
      bands.set(q.id, b);
      continue;
    }
    series.set(q.id, asSeries(evaluateMath(reader.math(expression), series, length), length));
  }
  const alarmQuery = def.queries.find((q) => q.returnData && q.id !== def.thresholdMetricId);
  if (!alarmQuery) throw new UnsupportedMathError('no ReturnData query');
  const values = series.get(alarmQuery.id) ?? [];
  const band = def.thresholdMetricId ? bands.get(def.thresholdMetricId) : undefined;
  const stat = alarmQuery.metric?.stat;
  const p = stat ? percentileOf(stat) : undefined;
  const counts = samples.get(alarmQuery.id);
  const points: Point[] = values.map((v, k) => {
    if (v === undefined) return undefined;
    const lower = band?.lower[k];
    const upper = band?.upper[k];
    if (band && (lower === undefined || upper === undefined)) return undefined;
    return { breaching: breaches(def.comparison, v, def.threshold ?? Number.NaN, lower ?? 0, upper ?? 0) };
  });
  return {
    points,
    values,
    thresholds: values.map((_, k) => (band ? band.upper[k] : def.threshold)),
    lowSample: values.map((_, k) => p !== undefined && (counts?.[k] ?? 0) < 10 / (1 - p / 100)),
    startsMs,
    approximateUnavailable,
  };
}

function reasonFor(
  def: MetricAlarmDefinition,
  range: RangeResult,
  used: number[],
  breaching: number,
  state: AlarmState,
): string {
  if (state === 'INSUFFICIENT_DATA')
    return `Insufficient Data: ${def.evaluationPeriods} datapoints were unknown.`;
  const shown = used
    .slice()
    .reverse()
    .filter((i) => range.values[i] !== undefined)
    .map((i) => `${fmt(range.values[i] as number)} (${fmtTime(range.startsMs[i] as number)})`);
  const threshold = range.thresholds[used.at(-1) ?? 0];
  const thresholdText = threshold === undefined ? 'the band' : `the threshold (${fmt(threshold)})`;
  const comparison = COMPARISON_TEXT[def.comparison] ?? def.comparison;
  if (state === 'ALARM')
    return `Threshold Crossed: ${breaching} out of the last ${used.length} datapoints [${shown.join(', ')}] ${breaching === 1 ? 'was' : 'were'} ${comparison} ${thresholdText} (minimum ${def.datapointsToAlarm} datapoint${def.datapointsToAlarm === 1 ? '' : 's'} for OK -> ALARM transition).`;
  return `Threshold Crossed: ${used.length - breaching} out of the last ${used.length} datapoints [${shown.join(', ')}] ${used.length - breaching === 1 ? 'was' : 'were'} not ${comparison} ${thresholdText} (minimum 1 datapoint for ALARM -> OK transition).`;
}

/** An alarm's state at one minute, and (built on demand) what its transition would say. */
interface Step {
  state: AlarmState | 'retain';
  transition: () => Omit<Transition, 'atMs' | 'state'>;
}

/** The state of one metric alarm at `atMs`, or 'retain'. */
function stepMetricAlarm(
  def: MetricAlarmDefinition,
  atMs: number,
  reader: DatapointReader,
  anomaly: AnomalyModel | undefined,
): Step {
  const range = evaluateRange(def, atMs, reader, anomaly);
  if (range.approximateUnavailable && def.thresholdMetricId)
    return {
      state: 'INSUFFICIENT_DATA',
      transition: () => ({
        reason:
          'Insufficient Data: the anomaly model has too little history to train (stand-in: 12 of the last 24 hours).',
      }),
    };
  const decision = decideState(
    range.points,
    def.evaluationPeriods,
    def.datapointsToAlarm,
    def.treatMissingData,
  );
  const lowSample = decision.used.some((i) => range.lowSample[i]);
  if (lowSample && def.evaluateLowSampleCountPercentile === 'ignore')
    return { state: 'retain', transition: () => ({ reason: 'too few samples for the percentile' }) };
  const state = decision.state;
  // The transition's text is built only when the state changes (most minutes it does not).
  const transition = () => {
    const newest = [...decision.used].reverse().find((i) => range.values[i] !== undefined);
    return {
      ...(newest !== undefined ? { value: range.values[newest] as number } : {}),
      ...(newest !== undefined && range.thresholds[newest] !== undefined
        ? { threshold: range.thresholds[newest] as number }
        : {}),
      reason: state === 'retain' ? '' : reasonFor(def, range, decision.used, decision.breaching, state),
    };
  };
  return { state, transition };
}

/** Which metrics of an alarm cannot be derived from the replayed records. */
function underivable(
  def: AlarmDefinition,
  byKey: Map<string, AlarmDefinition>,
  options: EvaluationOptions,
): string[] {
  if (def.kind === 'metric')
    return def.queries.flatMap((q) =>
      q.metric && !options.isDerivable(q.metric) ? [`${q.metric.namespace} ${q.metric.metricName}`] : [],
    );
  return def.allOf.flatMap((key) => {
    const child = byKey.get(key);
    return child ? underivable(child, byKey, options) : [`unknown alarm ${key}`];
  });
}

/**
 * The furthest back any read of these alarms reaches from its evaluation time: an evaluation range
 * (N + EXTRA_RANGE_PERIODS periods) plus, for anomaly bands, the model's training window.
 */
function lookBackMs(definitions: readonly AlarmDefinition[], anomaly: AnomalyModel | undefined): number {
  let longest = 0;
  for (const d of definitions) {
    if (d.kind !== 'metric') continue;
    for (const q of d.queries) {
      const period = q.metric?.period ?? q.period ?? 60;
      longest = Math.max(longest, period * 1000 * (d.evaluationPeriods + EXTRA_RANGE_PERIODS + 1));
    }
  }
  return longest + (anomaly?.trainingHours ?? 0) * 3_600_000 + 3_600_000;
}

/**
 * Evaluates every alarm each minute from `fromMs` to `toMs` (both included).
 * @example evaluateAlarms(defs, store, { fromMs, toMs, isDerivable, ruleOf }).filter((t) => t.finalState === 'ALARM')
 */
export function evaluateAlarms(
  definitions: readonly AlarmDefinition[],
  store: MetricStore,
  options: EvaluationOptions,
): AlarmTimeline[] {
  const reader = new DatapointReader(store, lookBackMs(definitions, options.anomaly));
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const byName = new Map<string, AlarmTimeline>();
  const timelines = definitions.map((definition): AlarmTimeline => {
    const missing = underivable(definition, byKey, options);
    const approximate =
      definition.kind === 'metric'
        ? definition.thresholdMetricId !== undefined
        : definition.allOf.some((k) => {
            const child = byKey.get(k);
            return child?.kind === 'metric' && child.thresholdMetricId !== undefined;
          });
    const timeline: AlarmTimeline = {
      definition,
      simulated: missing.length === 0,
      ...(missing.length > 0
        ? {
            notSimulatedReason: `reads ${[...new Set(missing)].join(', ')}, which the invocation logs do not determine`,
          }
        : {}),
      approximate,
      transitions: [],
      finalState: 'INSUFFICIENT_DATA',
    };
    byName.set(definition.name, timeline);
    return timeline;
  });
  const rules = new Map(
    definitions.flatMap((d) =>
      d.kind === 'composite' ? [[d.key, parseAlarmRule(options.ruleOf(d))] as const] : [],
    ),
  );
  const start = Math.floor(options.fromMs / MINUTE_MS) * MINUTE_MS;
  for (let at = start; at <= options.toMs; at += MINUTE_MS) {
    reader.forgetBefore(at);
    for (const timeline of timelines) {
      if (!timeline.simulated) continue;
      const def = timeline.definition;
      let next: Step;
      if (def.kind === 'metric') {
        next = stepMetricAlarm(def, at, reader, options.anomaly);
      } else {
        const rule = rules.get(def.key);
        const holds = rule
          ? evaluateAlarmRule(rule, (name) => byName.get(name)?.finalState ?? 'INSUFFICIENT_DATA')
          : false;
        next = {
          state: holds ? 'ALARM' : 'OK',
          transition: () => ({ reason: `Rule ${options.ruleOf(def)} is ${holds ? 'true' : 'false'}.` }),
        };
      }
      if (next.state !== 'retain' && next.state !== timeline.finalState) {
        timeline.transitions.push({ atMs: at, state: next.state, ...next.transition() });
        timeline.finalState = next.state;
      }
    }
  }
  return timelines;
}
