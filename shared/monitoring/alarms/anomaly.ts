import { METRIC, type PublishedMetric } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { scopeMetric } from './build';
import { rateAlarmKey } from './rates';
import type {
  AlarmDefinition,
  AlarmLevel,
  CompositeAlarmDefinition,
  MetricAlarmDefinition,
  Scope,
  StackNames,
  Window,
} from './types';

/** Spikes of tokens and cost: 2 of the last 3 anomaly periods above the band. */
export const SPIKE_WINDOW: Window = { evaluationPeriods: 3, datapointsToAlarm: 2 };
/** Latency, the composite's input: 3 of 3, a p95 over few night-time calls wanders. */
export const LATENCY_ANOMALY_WINDOW: Window = { evaluationPeriods: 3, datapointsToAlarm: 3 };

interface AnomalySpec {
  family: 'output-tokens-anomaly' | 'cost-anomaly' | 'latency-anomaly';
  metric: PublishedMetric;
  stat: string;
  level: AlarmLevel | 'none';
  what: string;
  window: Window;
  rationale: string;
}

/** One metric of one scope above its anomaly-detection band (spikes only: the upper threshold). */
function anomalyAlarm(
  params: StackParameters,
  ctx: StackNames,
  scope: Scope,
  spec: AnomalySpec,
): MetricAlarmDefinition {
  return {
    kind: 'metric',
    key: `${spec.family}-${scope.key}`,
    family: spec.family,
    scope: scope.id,
    name: `${ctx.namePrefix}-${spec.family}-${scope.key}`,
    description: `${spec.what} of ${scope.label} above its anomaly-detection band (width ${params.anomalyBandWidth})`,
    level: spec.level,
    queries: [
      {
        id: 'm',
        metric: scopeMetric(
          params,
          spec.metric,
          scope.dimensions,
          spec.stat,
          params.anomalyPeriodMinutes * 60,
        ),
        returnData: true,
      },
      {
        id: 'band',
        expression: `ANOMALY_DETECTION_BAND(m, ${params.anomalyBandWidth})`,
        label: 'expected',
        returnData: true,
      },
    ],
    comparison: 'GreaterThanUpperThreshold',
    thresholdMetricId: 'band',
    ...spec.window,
    treatMissingData: 'notBreaching',
    rationale: spec.rationale,
  };
}

/** Why the spike alarms are shaped as they are (each alarm's rationale; docs/alarms.md says the same). */
const spikes = (params: StackParameters) =>
  `Only spikes matter (upper band). A band follows what it has seen, so an incident of hours soon sits at its edge: ${params.anomalyPeriodMinutes}-minute periods (anomalyPeriodMinutes) and 2 of 3 above the band keep one busy period from being news and keep the alarm from flapping while the band catches up (5-minute periods and 3 of 3 entered ALARM 17 times in one 3-hour spike). A quiet period is not a spike.`;

/**
 * Anomaly alarms of one scope: output tokens and cost (warning), p95 latency (no notification), and
 * the critical composite that fires when latency is anomalous and the error rate is above warning.
 * @example
 * anomalyAlarms(params, ctx, scope).map((a) => a.key)
 * // ['output-tokens-anomaly-all', 'cost-anomaly-all', 'latency-anomaly-all', 'latency-and-errors-all']
 */
export function anomalyAlarms(params: StackParameters, ctx: StackNames, scope: Scope): AlarmDefinition[] {
  const outputTokens = anomalyAlarm(params, ctx, scope, {
    family: 'output-tokens-anomaly',
    metric: METRIC.outputTokens,
    stat: 'Sum',
    level: 'warning',
    what: 'Output tokens',
    window: SPIKE_WINDOW,
    rationale: spikes(params),
  });
  const cost = anomalyAlarm(params, ctx, scope, {
    family: 'cost-anomaly',
    metric: METRIC.cost,
    stat: 'Sum',
    level: 'warning',
    what: 'Cost',
    window: SPIKE_WINDOW,
    rationale: spikes(params),
  });
  const latency = anomalyAlarm(params, ctx, scope, {
    family: 'latency-anomaly',
    metric: METRIC.latency,
    stat: 'p95',
    level: 'none',
    what: 'p95 latency',
    window: LATENCY_ANOMALY_WINDOW,
    rationale: `Input to the composite alarm only (no notification; simulate shows its level as "input"): 3 of 3 ${params.anomalyPeriodMinutes}-minute periods above the band, since a p95 over few night-time calls wanders.`,
  });
  const latencyAndErrors: CompositeAlarmDefinition = {
    kind: 'composite',
    key: `latency-and-errors-${scope.key}`,
    family: 'latency-and-errors',
    scope: scope.id,
    name: `${ctx.namePrefix}-latency-and-errors-${scope.key}`,
    description: `${scope.label}: latency is anomalous AND the error rate is above warning`,
    level: 'critical',
    allOf: [latency.key, rateAlarmKey('error-rate', 'warning', scope)],
    rationale: 'Either signal alone is often noise; together they mean users are hurting.',
  };
  return [outputTokens, cost, latency, latencyAndErrors];
}
