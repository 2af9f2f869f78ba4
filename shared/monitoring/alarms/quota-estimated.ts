import { DIM_MODEL_ID } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { above, levels, scopeToken, TWO_OF_THREE } from './build';
import type { MetricAlarmDefinition, MetricRef, StackNames } from './types';

/** Bedrock's own estimate of tokens-per-minute quota use (docs/quality.md, Quota headroom). */
export const ESTIMATED_TPM = { namespace: 'AWS/Bedrock', metricName: 'EstimatedTPMQuotaUsage' } as const;

/** Bedrock emits it for every successful call: the Sum of a minute is the minute's quota use. */
export function estimatedTpmMetric(modelId: string): MetricRef {
  return { ...ESTIMATED_TPM, dimensions: { [DIM_MODEL_ID]: modelId }, stat: 'Sum', period: 60 };
}

/**
 * Per model of the `quotas` parameter: Bedrock's EstimatedTPMQuotaUsage above the warning and the
 * critical share of the tokens-per-minute quota. It does not wait for log delivery and counts
 * the output burndown multiplier, so it is the one to prefer; the log-derived quota-tpm alarms
 * (quota.ts) stay, for models and regions Bedrock does not publish it for, and because the
 * simulator can prove them.
 * @example
 * estimatedQuotaAlarms(params, ctx).map((a) => a.key)
 * // ['estimated-tpm-quota-warning-<token>', 'estimated-tpm-quota-critical-<token>', …]
 */
export function estimatedQuotaAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  return Object.entries(params.quotas).flatMap(([modelId, quota]) =>
    levels(params.quotaWarningPct, params.quotaCriticalPct).map(([level, threshold]) =>
      above(ctx, {
        key: `estimated-tpm-quota-${level}-${scopeToken(modelId)}`,
        family: 'estimated-tpm-quota',
        scope: modelId,
        level,
        description: `${modelId}: Bedrock's estimated tokens-per-minute quota use above ${threshold} % of the ${quota.tokensPerMinute} quota`,
        queries: [
          { id: 'est', metric: estimatedTpmMetric(modelId), returnData: false },
          {
            id: 'used',
            expression: `100 * FILL(est, 0) / ${quota.tokensPerMinute}`,
            label: 'estimated TPM quota used %',
            returnData: true,
          },
        ],
        threshold,
        window: TWO_OF_THREE,
        rationale:
          'Published by Bedrock within the minute, so no delivery lag to allow for: 2 of 3 minutes keeps one peak minute from paging. Counts completed calls only, not the max_tokens Bedrock reserves at the start of a call.',
      }),
    ),
  );
}
