import { DIM_MODEL_ID, DIM_SERVICE, METRIC } from '../../contract/metrics';
import type { ModelQuota, StackParameters } from '../parameters';
import { above, levels, percentOf, scopeToken, sumOf } from './build';
import type { MetricAlarmDefinition, MetricQuery, StackNames, Window } from './types';

/** Bedrock quotas are per minute, so their usage is summed per minute. */
const ONE_MINUTE = 60;

/**
 * 3 of the last 10 minutes. With 2 of 3 the alarm read only the newest few minutes, which invocation
 * logs reach minutes late: the simulator showed it never firing with a 4-minute delivery lag
 * (events/scenarios/quota-pressure-late-logs). Ten minutes still see them; three keep one peak
 * minute from paging.
 */
const QUOTA_WINDOW: Window = { evaluationPeriods: 10, datapointsToAlarm: 3 };

interface QuotaKind {
  family: 'quota-tpm' | 'quota-rpm';
  what: string;
  limit: number;
  used: MetricQuery[];
}

function quotaKinds(params: StackParameters, modelId: string, quota: ModelQuota): QuotaKind[] {
  const dims = { [DIM_SERVICE]: params.serviceName, [DIM_MODEL_ID]: modelId };
  return [
    {
      family: 'quota-tpm',
      what: 'tokens per minute',
      limit: quota.tokensPerMinute,
      used: [
        sumOf(params, 'tin', METRIC.inputTokens, dims, ONE_MINUTE),
        sumOf(params, 'tcw', METRIC.cacheWriteInputTokens, dims, ONE_MINUTE),
        sumOf(params, 'tout', METRIC.outputTokens, dims, ONE_MINUTE),
      ],
    },
    {
      family: 'quota-rpm',
      what: 'requests per minute',
      limit: quota.requestsPerMinute,
      used: [sumOf(params, 'req', METRIC.invocations, dims, ONE_MINUTE)],
    },
  ];
}

/**
 * Per model of the `quotas` parameter, in its order: tokens and then requests per minute above
 * the warning and the critical share of the quota.
 * @example
 * quotaAlarms(params, ctx).map((a) => a.key) // token = scopeToken(modelId)
 * // ['quota-tpm-warning-<token>', 'quota-tpm-critical-<token>', 'quota-rpm-warning-<token>', …]
 */
export function quotaAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  return Object.entries(params.quotas).flatMap(([modelId, quota]) => {
    const token = scopeToken(modelId);
    return quotaKinds(params, modelId, quota).flatMap((kind) =>
      levels(params.quotaWarningPct, params.quotaCriticalPct).map(([level, threshold]) =>
        above(ctx, {
          key: `${kind.family}-${level}-${token}`,
          family: kind.family,
          scope: modelId,
          level,
          description: `${modelId}: ${kind.what} above ${threshold} % of the ${kind.limit} quota`,
          queries: [
            ...kind.used,
            {
              id: 'used',
              expression: percentOf(
                kind.used.map((q) => q.id),
                String(kind.limit),
              ),
              label: `${kind.what} quota used %`,
              returnData: true,
            },
          ],
          threshold,
          window: QUOTA_WINDOW,
          rationale:
            'Quotas are per minute, so 1-minute periods; 3 of the last 10 minutes, so one peak minute does not page and minutes whose logs arrive late still count.',
        }),
      ),
    );
  });
}
