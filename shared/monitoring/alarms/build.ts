/**
 * Builders shared by the alarm families: metric references, the static-threshold alarm, rate
 * expressions, evaluation windows and the scopes (all models, each watched model).
 */
import {
  AWS_BEDROCK_DIMENSION,
  AWS_BEDROCK_EQUIVALENT,
  AWS_BEDROCK_METRIC,
  AWS_BEDROCK_NAMESPACE,
  DIM_MODEL_ID,
  DIM_SERVICE,
  type EmfUnit,
  isPublished,
  METRIC,
  type PublishedMetric,
} from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import type {
  AlarmFamily,
  AlarmLevel,
  MetricAlarmDefinition,
  MetricQuery,
  MetricRef,
  Scope,
  StackNames,
  Window,
} from './types';

export const FIVE_MINUTES = 300;

export const TWO_OF_THREE: Window = { evaluationPeriods: 3, datapointsToAlarm: 2 };
export const THREE_OF_THREE: Window = { evaluationPeriods: 3, datapointsToAlarm: 3 };
export const ONE_OF_ONE: Window = { evaluationPeriods: 1, datapointsToAlarm: 1 };
/**
 * Alarm on `datapoints` windows with the evidence (1 by default), back to OK only after
 * `alarmClearWindows` clean ones in a row: CloudWatch leaves ALARM when fewer than M of the last
 * N datapoints breach, so 1 of N needs N clean periods.
 */
export const clearingWindow = (params: StackParameters, datapoints = 1): Window => ({
  evaluationPeriods: params.alarmClearWindows,
  datapointsToAlarm: datapoints,
});

/** The period of the rate and latency alarms, in seconds (`alarmWindowMinutes`). */
export const windowSeconds = (params: StackParameters): number => params.alarmWindowMinutes * 60;

/**
 * A short, stable, name-safe token for a model id (alarm names and logical ids need one).
 * @example scopeToken('amazon.nova-lite-v1:0') // 'amazon-nova-lite-v1-0-ycecg6'
 */
export function scopeToken(modelId: string): string {
  let hash = 2166136261;
  for (const ch of modelId) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  const readable = modelId
    .replace(/^arn:.*\//, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .slice(0, 48);
  return `${readable}-${hash.toString(36)}`;
}

/** The all-models scope first, then one scope per watched model, in parameter order. */
export function scopes(params: StackParameters): Scope[] {
  const service = { [DIM_SERVICE]: params.serviceName };
  return [
    { key: 'all', id: 'all', label: 'all models', dimensions: service },
    ...params.watchedModels.map((modelId) => ({
      key: scopeToken(modelId),
      id: modelId,
      label: modelId,
      dimensions: { ...service, [DIM_MODEL_ID]: modelId },
    })),
  ];
}

/** A metric the ingest function writes, in the stack's namespace. */
export function ours(
  params: StackParameters,
  metricName: string,
  dimensions: Record<string, string>,
  stat: string,
  period: number,
  unit?: EmfUnit,
): MetricRef {
  return {
    namespace: params.metricsNamespace,
    metricName,
    dimensions,
    stat,
    period,
    ...(unit ? { unit } : {}),
  };
}

/** A metric AWS publishes (Lambda, SQS, Logs, Bedrock), over five minutes and without a unit. */
export function awsMetric(
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  stat: string,
): MetricRef {
  return { namespace, metricName, dimensions, stat, period: FIVE_MINUTES };
}

/**
 * A per-model contract metric of a scope (`dimensions` with ModelId: one model; without: all
 * models) as the stack's metric set publishes it: ours, or, per model where ours is not published,
 * the AWS/Bedrock equivalent per `ModelId` (the `essential` set).
 * @throws Error when neither exists: a contract or family-file bug, caught by the tests.
 */
export function scopeMetric(
  params: StackParameters,
  metric: PublishedMetric,
  dimensions: Record<string, string>,
  stat: string,
  period: number,
): MetricRef {
  const modelId = dimensions[DIM_MODEL_ID];
  if (isPublished(metric, params.metricSet, modelId === undefined ? 'all' : 'model'))
    return ours(params, metric.name, dimensions, stat, period, metric.unit);
  const aws = AWS_BEDROCK_EQUIVALENT[metric.name];
  if (modelId === undefined || aws === undefined)
    throw new Error(
      `${metric.name} is neither published nor in AWS/Bedrock for ${JSON.stringify(dimensions)}`,
    );
  return {
    namespace: AWS_BEDROCK_NAMESPACE,
    metricName: aws,
    dimensions: { [AWS_BEDROCK_DIMENSION]: modelId },
    stat,
    period,
  };
}

/** Whether the stack's metric set publishes `metric` for a scope's dimensions. */
export const publishedFor = (
  params: StackParameters,
  metric: PublishedMetric,
  dimensions: Record<string, string>,
) => isPublished(metric, params.metricSet, dimensions[DIM_MODEL_ID] === undefined ? 'all' : 'model');

/**
 * A hidden Sum of one contract counter, an input to a rate or quota expression.
 * @example sumOf(params, 'inv', METRIC.invocations, scope.dimensions, FIVE_MINUTES)
 */
export function sumOf(
  params: StackParameters,
  id: string,
  metric: PublishedMetric,
  dimensions: Record<string, string>,
  period: number,
): MetricQuery {
  return { id, metric: scopeMetric(params, metric, dimensions, 'Sum', period), returnData: false };
}

/**
 * `100 * (a + b …) / denominator`, gaps filled with 0.
 * @example percentOf(['thr'], 'inv') // '100 * (FILL(thr, 0)) / inv'
 */
export function percentOf(ids: string[], denominator: string): string {
  return `100 * (${ids.map((id) => `FILL(${id}, 0)`).join(' + ')}) / ${denominator}`;
}

const sameMetric = (a: MetricRef, b: MetricRef) =>
  a.namespace === b.namespace &&
  a.metricName === b.metricName &&
  JSON.stringify(a.dimensions) === JSON.stringify(b.dimensions) &&
  a.stat === b.stat &&
  a.period === b.period;

/**
 * `inv`, every call of a scope in the window. Ours counts every record. AWS/Bedrock's `Invocations`
 * (read per model where the set does not publish ours) is the successful requests only, and
 * "throttled requests and other invocation errors don't count as either Invocations or Errors"
 * (Bedrock user guide, "Monitor bedrock-runtime inference using CloudWatch metrics"): there the
 * calls are Invocations + InvocationThrottles + InvocationClientErrors + InvocationServerErrors,
 * else a 95 %-throttled model reads a tiny denominator, fails the volume guard and stays OK.
 * A numerator that already reads one of them is reused, so an alarm reads each metric once.
 */
function callsQueries(
  params: StackParameters,
  numerators: MetricQuery[],
  dimensions: Record<string, string>,
): MetricQuery[] {
  const window = windowSeconds(params);
  const calls = sumOf(params, 'inv', METRIC.invocations, dimensions, window);
  if (calls.metric?.namespace !== AWS_BEDROCK_NAMESPACE) return [calls];
  const parts: [string, string][] = [
    ['aok', AWS_BEDROCK_METRIC.invocations],
    ['athr', AWS_BEDROCK_METRIC.throttles],
    ['acli', AWS_BEDROCK_METRIC.clientErrors],
    ['asrv', AWS_BEDROCK_METRIC.serverErrors],
  ];
  const added: MetricQuery[] = [];
  const ids = parts.map(([id, metricName]) => {
    const metric: MetricRef = { ...calls.metric, metricName } as MetricRef;
    const reused = numerators.find((q) => q.metric !== undefined && sameMetric(q.metric, metric));
    if (reused) return reused.id;
    added.push({ id, metric, returnData: false });
    return id;
  });
  return [
    ...added,
    { id: 'inv', expression: ids.map((id) => `FILL(${id}, 0)`).join(' + '), returnData: false },
  ];
}

/**
 * A share of a scope's calls, in percent, as the rate alarms compute it, from evidence only: the
 * numerators, the calls (`inv`: every call, see callsQueries), `bad` (their sum) and
 * `IF(inv >= minInvocationsForRate AND bad >= minBadEventsForRate, 100 * bad / inv, 0)`, so a
 * window with too few calls (the volume guard) or too few bad events (the count guard) reads 0.
 * The numerators must be Sums over `windowSeconds(params)`.
 * @example guardedShareQueries(params, [sumOf(params, 'thr', …)], dims, 'throttle-rate %').at(-1)?.expression
 * // 'IF(inv >= 20 AND bad >= 5, 100 * bad / inv, 0)'
 */
export function guardedShareQueries(
  params: StackParameters,
  numerators: MetricQuery[],
  dimensions: Record<string, string>,
  label: string,
): MetricQuery[] {
  return [
    ...numerators,
    ...callsQueries(params, numerators, dimensions),
    {
      id: 'bad',
      expression: numerators.map((q) => `FILL(${q.id}, 0)`).join(' + '),
      returnData: false,
    },
    {
      id: 'rate',
      expression: `IF(inv >= ${params.minInvocationsForRate} AND bad >= ${params.minBadEventsForRate}, 100 * bad / inv, 0)`,
      label,
      returnData: true,
    },
  ];
}

/** The evidence a guarded share needs, in words for descriptions and rationales. */
export const evidenceText = (params: StackParameters): string =>
  `at least ${params.minBadEventsForRate} such calls and ${params.minInvocationsForRate} calls in ${params.alarmWindowMinutes} minutes`;

/** Warning then critical, each with its threshold: the order every two-level family emits. */
export function levels(warning: number, critical: number): [AlarmLevel, number][] {
  return [
    ['warning', warning],
    ['critical', critical],
  ];
}

/** What a static-threshold alarm needs beyond the fixed comparison and missing-data choice. */
export interface AboveSpec {
  key: string;
  family: AlarmFamily;
  scope: string;
  level: AlarmLevel;
  description: string;
  queries: MetricQuery[];
  threshold: number;
  window: Window;
  rationale: string;
}

/**
 * A static-threshold alarm: above the threshold in `window`; no data is not a breach, because every
 * series here is silent when nothing happens.
 */
export function above(ctx: StackNames, spec: AboveSpec): MetricAlarmDefinition {
  return {
    kind: 'metric',
    key: spec.key,
    family: spec.family,
    scope: spec.scope,
    name: `${ctx.namePrefix}-${spec.key}`,
    description: spec.description,
    level: spec.level,
    queries: spec.queries,
    comparison: 'GreaterThanThreshold',
    threshold: spec.threshold,
    ...spec.window,
    treatMissingData: 'notBreaching',
    rationale: spec.rationale,
  };
}
