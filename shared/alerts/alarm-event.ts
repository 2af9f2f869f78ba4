/**
 * One alarm state change as the notifier sees it, read from the two places it comes from: the
 * CloudWatch alarm notification an SNS topic delivers, and DescribeAlarms (what the escalation tick
 * reads). Field names follow those documents; nothing else in them is trusted.
 */
import { isObject, type Json } from '../json';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
const STATES: readonly string[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export interface AlarmEvent {
  name: string;
  arn?: string;
  /** Region code and account, from the alarm ARN (the notification's Region is a display name). */
  region?: string;
  account?: string;
  state: AlarmState;
  previousState?: AlarmState;
  /** CloudWatch's own words for the change (metric values and thresholds only). */
  reason: string;
  /** When the alarm changed state. */
  atMs: number;
  description: string;
  threshold?: number;
  comparison?: string;
  periodSeconds?: number;
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  metricName?: string;
  /** Dimensions of the metric (the first metric of a metric-math alarm that has any). */
  dimensions: Record<string, string>;
  /** A composite alarm's rule. */
  rule?: string;
  /** The newest datapoint, when the reason names one. */
  value?: number;
}

/** A notification the notifier cannot act on, with why (counted and logged without its body). */
export interface Rejection {
  rejected: 'not-json' | 'not-an-alarm' | 'bad-state' | 'bad-time';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** CloudWatch writes `2015-06-03T17:43:27.123+0000`; ISO wants a colon in the offset. */
export function parseAlarmTime(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  const text = str(value);
  if (!text) return undefined;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(ms) ? ms : undefined;
}

/** `{name, value}` (notifications) or `{Name, Value}` (DescribeAlarms) pairs as a record. */
function dimensionsOf(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const d of list) {
    if (!isObject(d)) continue;
    const name = str(d.name ?? d.Name);
    const value = str(d.value ?? d.Value);
    if (name && value !== undefined) out[name] = value;
  }
  return out;
}

/** The dimensions, name and period of the first metric of a metric-math alarm that has dimensions. */
function mathDimensions(metrics: unknown): {
  dimensions: Record<string, string>;
  metricName?: string;
  period?: number;
} {
  if (!Array.isArray(metrics)) return { dimensions: {} };
  for (const m of metrics) {
    const stat = isObject(m) && isObject(m.MetricStat) ? m.MetricStat : undefined;
    const metric = stat && isObject(stat.Metric) ? stat.Metric : undefined;
    if (!stat || !metric) continue;
    const dimensions = dimensionsOf(metric.Dimensions);
    if (Object.keys(dimensions).length > 0)
      return { dimensions, metricName: str(metric.MetricName), period: num(stat.Period) };
  }
  return { dimensions: {} };
}

/** The newest datapoint a reason names: `… datapoints [11.3 (01/11/25 06:01:00), …]`. */
export function valueFromReason(reason: string): number | undefined {
  const match = /\[(-?\d+(?:\.\d+)?(?:E[-+]?\d+)?) \(/i.exec(reason);
  return match ? Number(match[1]) : undefined;
}

function fromArn(arn: string | undefined): { region?: string; account?: string } {
  const parts = arn?.split(':') ?? [];
  return parts.length >= 6 && parts[2] === 'cloudwatch' ? { region: parts[3], account: parts[4] } : {};
}

function common(
  doc: Json,
  fields: { state: unknown; previous: unknown; reason: unknown; at: unknown },
): Rejection | { event: Omit<AlarmEvent, 'dimensions'> } {
  const state = str(fields.state);
  if (!state || !STATES.includes(state)) return { rejected: 'bad-state' };
  const atMs = parseAlarmTime(fields.at);
  if (atMs === undefined) return { rejected: 'bad-time' };
  const previous = str(fields.previous);
  const arn = str(doc.AlarmArn);
  const reason = str(fields.reason) ?? '';
  const value = valueFromReason(reason);
  return {
    event: {
      name: str(doc.AlarmName) as string,
      ...(arn ? { arn } : {}),
      ...fromArn(arn),
      state: state as AlarmState,
      ...(previous && STATES.includes(previous) ? { previousState: previous as AlarmState } : {}),
      reason,
      atMs,
      description: str(doc.AlarmDescription) ?? '',
      ...(value !== undefined ? { value } : {}),
      ...(typeof doc.AlarmRule === 'string' ? { rule: doc.AlarmRule } : {}),
    },
  };
}

/**
 * The alarm change in an SNS message body (CloudWatch's alarm notification JSON).
 * @example parseAlarmNotification(record.Sns.Message)
 */
export function parseAlarmNotification(message: string): AlarmEvent | Rejection {
  let doc: unknown;
  try {
    doc = JSON.parse(message);
  } catch {
    return { rejected: 'not-json' };
  }
  if (!isObject(doc) || typeof doc.AlarmName !== 'string' || doc.AlarmName === '')
    return { rejected: 'not-an-alarm' };
  const base = common(doc, {
    state: doc.NewStateValue,
    previous: doc.OldStateValue,
    reason: doc.NewStateReason,
    at: doc.StateChangeTime,
  });
  if ('rejected' in base) return base;
  const trigger = isObject(doc.Trigger) ? doc.Trigger : {};
  const math = mathDimensions(trigger.Metrics);
  const dimensions = trigger.Dimensions !== undefined ? dimensionsOf(trigger.Dimensions) : math.dimensions;
  const metricName = str(trigger.MetricName) ?? math.metricName;
  return {
    ...base.event,
    dimensions,
    ...(metricName ? { metricName } : {}),
    ...(num(trigger.Threshold) !== undefined ? { threshold: num(trigger.Threshold) } : {}),
    ...(str(trigger.ComparisonOperator) ? { comparison: str(trigger.ComparisonOperator) } : {}),
    ...((num(trigger.Period) ?? math.period) !== undefined
      ? { periodSeconds: num(trigger.Period) ?? math.period }
      : {}),
    ...(num(trigger.EvaluationPeriods) !== undefined
      ? { evaluationPeriods: num(trigger.EvaluationPeriods) }
      : {}),
    ...(num(trigger.DatapointsToAlarm) !== undefined
      ? { datapointsToAlarm: num(trigger.DatapointsToAlarm) }
      : {}),
  };
}

/**
 * The alarm as DescribeAlarms returns it (a MetricAlarm or CompositeAlarm), as a change to its
 * current state at the time it last changed.
 */
export function alarmEventFromDescription(alarm: Json): AlarmEvent | Rejection {
  if (typeof alarm.AlarmName !== 'string' || alarm.AlarmName === '') return { rejected: 'not-an-alarm' };
  const base = common(alarm, {
    state: alarm.StateValue,
    previous: undefined,
    reason: alarm.StateReason,
    at: alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp,
  });
  if ('rejected' in base) return base;
  const math = mathDimensions(alarm.Metrics);
  const dimensions = alarm.Dimensions !== undefined ? dimensionsOf(alarm.Dimensions) : math.dimensions;
  const metricName = str(alarm.MetricName) ?? math.metricName;
  const period = num(alarm.Period) ?? math.period;
  return {
    ...base.event,
    dimensions,
    ...(metricName ? { metricName } : {}),
    ...(num(alarm.Threshold) !== undefined ? { threshold: num(alarm.Threshold) } : {}),
    ...(str(alarm.ComparisonOperator) ? { comparison: str(alarm.ComparisonOperator) } : {}),
    ...(period !== undefined ? { periodSeconds: period } : {}),
    ...(num(alarm.EvaluationPeriods) !== undefined
      ? { evaluationPeriods: num(alarm.EvaluationPeriods) }
      : {}),
    ...(num(alarm.DatapointsToAlarm) !== undefined
      ? { datapointsToAlarm: num(alarm.DatapointsToAlarm) }
      : {}),
  };
}
