import { DIM_MODEL_ID, DIM_SERVICE, METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { above, levels, scopeToken, sumOf } from './build';
import type { MetricAlarmDefinition, StackNames, Window } from './types';

/** Concurrency is a per-minute average here: one-minute periods. */
const ONE_MINUTE = 60;

/** As the quota alarms: 3 of the last 10 minutes still see minutes whose logs arrive late. */
const CONCURRENCY_WINDOW: Window = { evaluationPeriods: 10, datapointsToAlarm: 3 };

/**
 * The average number of calls in flight in a minute, by Little's law: the sum of the latencies of
 * the calls of that minute divided by the minute (L = λ·W = Σ latency / period). Metric math over
 * the Latency series the function already writes: no concurrency series is published.
 * @example concurrencyExpression('lat') // 'FILL(lat, 0) / 60000'
 */
export function concurrencyExpression(latencySumId: string, periodSeconds = ONE_MINUTE): string {
  return `FILL(${latencySumId}, 0) / ${periodSeconds * 1000}`;
}

/**
 * Per model of the `concurrencyLimits` parameter, in its order: concurrency above the warning and
 * the critical share of the limit.
 * @example
 * concurrencyAlarms(params, ctx).map((a) => a.key) // token = scopeToken(modelId)
 * // ['concurrency-warning-<token>', 'concurrency-critical-<token>', …]
 */
export function concurrencyAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  return Object.entries(params.concurrencyLimits).flatMap(([modelId, limit]) => {
    const dims = { [DIM_SERVICE]: params.serviceName, [DIM_MODEL_ID]: modelId };
    return levels(params.concurrencyWarningPct, params.concurrencyCriticalPct).map(([level, threshold]) =>
      above(ctx, {
        key: `concurrency-${level}-${scopeToken(modelId)}`,
        family: 'concurrency',
        scope: modelId,
        level,
        description: `${modelId}: calls in flight (Little's law over latency) above ${threshold} % of the limit of ${limit}`,
        queries: [
          sumOf(params, 'lat', METRIC.latency, dims, ONE_MINUTE),
          {
            id: 'used',
            expression: `100 * ${concurrencyExpression('lat')} / ${limit}`,
            label: 'concurrency % of limit',
            returnData: true,
          },
        ],
        threshold,
        window: CONCURRENCY_WINDOW,
        rationale:
          "Little's law over one-minute latency sums: a minute's average concurrency. 3 of the last 10 minutes, as the quota alarms, so a single busy minute does not page and late logs still count. Calls without a logged latency (InvokeModel) are not in the sum: docs/quality.md.",
      }),
    );
  });
}
