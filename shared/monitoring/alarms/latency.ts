import { METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { above, clearingWindow, levels, scopeMetric } from './build';
import type { MetricAlarmDefinition, Scope, StackNames } from './types';

/**
 * p95 latency of one scope above the warning and the critical threshold (two alarms, in that
 * order), on evidence only: a window counts when it holds at least `minSamplesForPercentile` calls
 * and at least `minBadEventsForRate` of them are slower than the threshold —
 * `IF(n >= samples AND n * (100 - PR(:threshold)) / 100 >= bad, p95, 0)`, n the window's
 * SampleCount and PR the percentile rank (the share of calls at most the threshold).
 * @example
 * latencyAlarms(params, ctx, scope).map((a) => a.key) // ['latency-p95-warning-all', 'latency-p95-critical-all']
 */
export function latencyAlarms(
  params: StackParameters,
  ctx: StackNames,
  scope: Scope,
): MetricAlarmDefinition[] {
  const minutes = params.latencyWindowMinutes;
  const window = minutes * 60;
  const samples = params.minSamplesForPercentile;
  const bad = params.minBadEventsForRate;
  const metric = (stat: string) => scopeMetric(params, METRIC.latency, scope.dimensions, stat, window);
  return levels(params.latencyP95WarningMs, params.latencyP95CriticalMs).map(([level, threshold]) =>
    above(ctx, {
      key: `latency-p95-${level}-${scope.key}`,
      family: 'latency-p95',
      scope: scope.id,
      level,
      description: `p95 latency of ${scope.label} above ${threshold} ms, with at least ${bad} calls slower than that among ${samples} or more in ${minutes} minutes`,
      queries: [
        { id: 'n', metric: metric('SampleCount'), returnData: false },
        { id: 'p95', metric: metric('p95'), returnData: false },
        // The share of calls at most the threshold: the rest are the slow ones.
        { id: 'fast', metric: metric(`PR(:${threshold})`), returnData: false },
        {
          id: 'lat',
          expression: `IF(n >= ${samples} AND n * (100 - fast) / 100 >= ${bad}, p95, 0)`,
          label: 'p95 latency ms',
          returnData: true,
        },
      ],
      threshold,
      window: clearingWindow(params),
      rationale: `A p95 over a handful of calls is their slowest one, and a healthy tail puts a few calls past any threshold: a window counts only with ${samples} calls (minSamplesForPercentile) of which ${bad} are slower than ${threshold} ms (minBadEventsForRate). ${minutes}-minute windows (latencyWindowMinutes) keep a regression visible within minutes of its start; 1 of ${params.alarmClearWindows} windows alarms, ${params.alarmClearWindows} clean ones in a row end it (alarmClearWindows). No traffic is not slowness (notBreaching).`,
    }),
  );
}
