import { METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { above, FIVE_MINUTES, levels, scopeMetric, TWO_OF_THREE } from './build';
import type { MetricAlarmDefinition, Scope, StackNames } from './types';

/**
 * p95 latency of one scope above the warning and the critical threshold (two alarms, in that order).
 * @example
 * latencyAlarms(params, ctx, scope).map((a) => a.key) // ['latency-p95-warning-all', 'latency-p95-critical-all']
 */
export function latencyAlarms(
  params: StackParameters,
  ctx: StackNames,
  scope: Scope,
): MetricAlarmDefinition[] {
  return levels(params.latencyP95WarningMs, params.latencyP95CriticalMs).map(([level, threshold]) => ({
    ...above(ctx, {
      key: `latency-p95-${level}-${scope.key}`,
      family: 'latency-p95',
      scope: scope.id,
      level,
      description: `p95 latency of ${scope.label} above ${threshold} ms`,
      queries: [
        {
          id: 'p95',
          metric: scopeMetric(params, METRIC.latency, scope.dimensions, 'p95', FIVE_MINUTES),
          returnData: true,
        },
      ],
      threshold,
      window: TWO_OF_THREE,
      rationale:
        '5-minute periods gather enough samples for a p95; 2 of 3 rides out one slow burst. No traffic is not slowness (notBreaching). Low sample counts are evaluated, or quiet accounts would never alarm.',
    }),
    // A percentile over few samples is still a real slowness signal for a low-traffic account.
    evaluateLowSampleCountPercentile: 'evaluate',
  }));
}
