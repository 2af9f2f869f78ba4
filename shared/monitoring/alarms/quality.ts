import { METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import {
  above,
  clearingWindow,
  evidenceText,
  guardedShareQueries,
  publishedFor,
  sumOf,
  windowSeconds,
} from './build';
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
  const evidence = evidenceText(params);
  const all: QualityRate[] = [
    {
      family: 'truncation-rate',
      what: 'Truncated answers (stop reason max_tokens, length, …)',
      metric: METRIC.truncatedAnswers,
      threshold: params.truncationRateWarningPct,
      rationale: `A truncated answer is a quality problem, not an outage: warning only. It needs ${evidence}, so a few long answers at night stay quiet; 1 of ${params.alarmClearWindows} windows alarms, ${params.alarmClearWindows} clean ones end it (alarmClearWindows), as the error rate.`,
    },
    {
      family: 'guardrail-rate',
      what: 'Calls where a guardrail intervened',
      metric: METRIC.guardrailInterventions,
      threshold: params.guardrailRateWarningPct,
      rationale: `A rise in interventions means abuse or a too-strict guardrail: someone should look, nobody need be woken. Same evidence (${evidence}) and windows as the error rate.`,
    },
  ];
  // A threshold of 0 turns the family off.
  return all.filter((r) => r.threshold > 0);
}

/**
 * Truncation rate and guardrail-intervention rate of one scope's calls, warning only, quiet without
 * the evidence of `minBadEventsForRate` such calls among `minInvocationsForRate` in the window. The rate is metric math over two counters: no rate
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
          description: `${rate.what}: more than ${rate.threshold} % of ${scope.label}'s calls, with ${evidenceText(params)}`,
          queries: guardedShareQueries(
            params,
            [sumOf(params, 'q', rate.metric, scope.dimensions, windowSeconds(params))],
            scope.dimensions,
            `${rate.family} %`,
          ),
          threshold: rate.threshold,
          window: clearingWindow(params),
          rationale: rate.rationale,
        }),
      )
  );
}
