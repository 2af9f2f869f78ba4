import { METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { above, clearingWindow, levels, scopeMetric } from './build';
import type { MetricAlarmDefinition, Scope, StackNames } from './types';

/**
 * p95 latency of one scope above the warning and the critical threshold (two alarms, in that
 * order), on evidence only: a window counts when at least `minBadEventsForRate` of its calls are
 * slower than the threshold — `IF(slow >= bad, p95, 0)`, slow the trimmed count `TC(threshold:)`
 * (the calls above the threshold). Two metrics per alarm; no percentile is read over fewer than
 * `bad` calls, and a window breaches only with more than 5 % of its calls slow and at least `bad`.
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
  const bad = params.minBadEventsForRate;
  const metric = (stat: string) => scopeMetric(params, METRIC.latency, scope.dimensions, stat, window);
  return levels(params.latencyP95WarningMs, params.latencyP95CriticalMs).map(([level, threshold]) =>
    above(ctx, {
      key: `latency-p95-${level}-${scope.key}`,
      family: 'latency-p95',
      scope: scope.id,
      level,
      description: `p95 latency of ${scope.label} above ${threshold} ms, with at least ${bad} calls slower than that in ${minutes} minutes`,
      queries: [
        { id: 'p95', metric: metric('p95'), returnData: false },
        // The calls slower than the threshold (CloudWatch's range excludes its lower bound).
        { id: 'slow', metric: metric(`TC(${threshold}:)`), returnData: false },
        {
          id: 'lat',
          expression: `IF(slow >= ${bad}, p95, 0)`,
          label: 'p95 latency ms',
          returnData: true,
        },
      ],
      threshold,
      window: clearingWindow(params),
      rationale: `A p95 over a handful of calls is their slowest one, and a healthy tail puts a few calls past any threshold: a window counts only when ${bad} calls are slower than ${threshold} ms (minBadEventsForRate): then the p95 is never read over fewer calls, and a healthy tail (about 1 % past 3 s) reaches ${bad} slow calls only in windows of hundreds of calls, whose p95 it does not move. ${minutes}-minute windows (latencyWindowMinutes) keep a regression visible within minutes of its start; 1 of ${params.alarmClearWindows} windows alarms, ${params.alarmClearWindows} clean ones in a row end it (alarmClearWindows). No traffic is not slowness (notBreaching).`,
    }),
  );
}
