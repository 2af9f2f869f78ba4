import { METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { above, FIVE_MINUTES, guardedShareQueries, publishedFor, sumOf, TWO_OF_THREE } from './build';
import type { MetricAlarmDefinition, Scope, StackNames } from './types';

type QualityFamily = 'truncation-rate' | 'guardrail-rate';

interface QualityRate {
  family: QualityFamily;
  what: string;
  metric: typeof METRIC.truncatedAnswers | typeof METRIC.guardrailInterventions;
  threshold: number;
  rationale: string;
}

function qualityRates(params: StackParameters): QualityRate[] {
  const guard = params.minInvocationsForRate;
  const all: QualityRate[] = [
    {
      family: 'truncation-rate',
      what: 'Truncated answers (stop reason max_tokens, length, …)',
      metric: METRIC.truncatedAnswers,
      threshold: params.truncationRateWarningPct,
      rationale: `A truncated answer is a quality problem, not an outage: warning only. The volume guard (${guard} calls per 5 minutes) keeps a few long answers at night quiet; 2 of 3 periods filters one batch of long documents.`,
    },
    {
      family: 'guardrail-rate',
      what: 'Calls where a guardrail intervened',
      metric: METRIC.guardrailInterventions,
      threshold: params.guardrailRateWarningPct,
      rationale: `A rise in interventions means abuse or a too-strict guardrail: someone should look, nobody need be woken. Same volume guard (${guard} calls) and 2 of 3 as the error rate.`,
    },
  ];
  // A threshold of 0 turns the family off.
  return all.filter((r) => r.threshold > 0);
}

/**
 * Truncation rate and guardrail-intervention rate of one scope's calls, warning only, quiet below
 * `minInvocationsForRate` calls per 5 minutes. The rate is metric math over two counters: no rate
 * series is published.
 * @example
 * qualityAlarms(params, ctx, scope).map((a) => a.key)
 * // ['truncation-rate-warning-all', 'guardrail-rate-warning-all']
 */
export function qualityAlarms(
  params: StackParameters,
  ctx: StackNames,
  scope: Scope,
): MetricAlarmDefinition[] {
  const guard = params.minInvocationsForRate;
  return (
    qualityRates(params)
      // A model's own rate only where the metric set publishes the counter per model (not `essential`).
      .filter((rate) => publishedFor(params, rate.metric, scope.dimensions))
      .map((rate) =>
        above(ctx, {
          key: `${rate.family}-warning-${scope.key}`,
          family: rate.family,
          scope: scope.id,
          level: 'warning',
          description: `${rate.what}: more than ${rate.threshold} % of ${scope.label}'s calls, with at least ${guard} calls per 5 minutes`,
          queries: guardedShareQueries(
            params,
            [sumOf(params, 'q', rate.metric, scope.dimensions, FIVE_MINUTES)],
            scope.dimensions,
            `${rate.family} %`,
          ),
          threshold: rate.threshold,
          window: TWO_OF_THREE,
          rationale: rate.rationale,
        }),
      )
  );
}
