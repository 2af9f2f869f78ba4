import { METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { above, clearingWindow, levels, scopeMetric, windowSeconds } from './build';
import type { MetricAlarmDefinition, Scope, StackNames } from './types';

/**
 * p95 latency of one scope above the warning and the critical threshold (two alarms, in that
 * order), evaluated only on windows with at least `minSamplesForPercentile` calls:
 * `IF(n >= minSamples, p95, 0)`, n the window's SampleCount.
 * @example
 * latencyAlarms(params, ctx, scope).map((a) => a.key) // ['latency-p95-warning-all', 'latency-p95-critical-all']
 */
export function latencyAlarms(
  params: StackParameters,
  ctx: StackNames,
  scope: Scope,
): MetricAlarmDefinition[] {
  const window = windowSeconds(params);
  const minutes = params.alarmWindowMinutes;
  const samples = params.minSamplesForPercentile;
  return levels(params.latencyP95WarningMs, params.latencyP95CriticalMs).map(([level, threshold]) =>
    above(ctx, {
      key: `latency-p95-${level}-${scope.key}`,
      family: 'latency-p95',
      scope: scope.id,
      level,
      description: `p95 latency of ${scope.label} above ${threshold} ms, over ${minutes}-minute windows of at least ${samples} calls`,
      queries: [
        {
          id: 'n',
          metric: scopeMetric(params, METRIC.latency, scope.dimensions, 'SampleCount', window),
          returnData: false,
        },
        {
          id: 'p95',
          metric: scopeMetric(params, METRIC.latency, scope.dimensions, 'p95', window),
          returnData: false,
        },
        { id: 'lat', expression: `IF(n >= ${samples}, p95, 0)`, label: 'p95 latency ms', returnData: true },
      ],
      threshold,
      window: clearingWindow(params, level === 'critical' ? 1 : 2),
      rationale:
        level === 'critical'
          ? `A p95 over a handful of calls is their slowest one, so a window needs ${samples} calls (minSamplesForPercentile) to count; ${minutes}-minute windows (alarmWindowMinutes) gather them. Above ${threshold} ms is far outside a healthy tail: 1 of 3 windows pages, 3 clean ones in a row end it. No traffic is not slowness (notBreaching).`
          : `Same sample guard (${samples} calls per ${minutes}-minute window) as the critical; the warning threshold sits near a healthy tail, so it needs 2 of 3 windows and leaves ALARM after 2 clean ones. No traffic is not slowness (notBreaching).`,
    }),
  );
}
