import { ERROR_CLASSES } from '../../contract/error-classes';
import {
  AWS_BEDROCK_DIMENSION,
  AWS_BEDROCK_METRIC,
  AWS_BEDROCK_NAMESPACE,
  DIM_MODEL_ID,
  ERROR_METRICS,
} from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { above, FIVE_MINUTES, guardedShareQueries, levels, publishedFor, sumOf, TWO_OF_THREE } from './build';
import type { AlarmLevel, MetricAlarmDefinition, MetricQuery, Scope, StackNames } from './types';

type RateFamily = 'error-rate' | 'throttle-rate';

interface Rate {
  family: RateFamily;
  what: string;
  numerators: MetricQuery[];
  levels: [AlarmLevel, number][];
  rationale: string;
}

/**
 * The key of a rate alarm; the latency-and-errors composite names its error-rate input by it.
 * @example rateAlarmKey('error-rate', 'warning', scope) // 'error-rate-warning-all'
 */
export function rateAlarmKey(family: RateFamily, level: AlarmLevel, scope: Scope): string {
  return `${family}-${level}-${scope.key}`;
}

/** A hidden five-minute Sum of an AWS/Bedrock metric of a model scope. */
function awsBedrockSum(id: string, metricName: string, dimensions: Record<string, string>): MetricQuery {
  const dims = { [AWS_BEDROCK_DIMENSION]: dimensions[DIM_MODEL_ID] ?? '' };
  return {
    id,
    metric: {
      namespace: AWS_BEDROCK_NAMESPACE,
      metricName,
      dimensions: dims,
      stat: 'Sum',
      period: FIVE_MINUTES,
    },
    returnData: false,
  };
}

function rates(params: StackParameters, scope: Scope): Rate[] {
  const guard = params.minInvocationsForRate;
  // Per error class where the metric set publishes them for this scope; else AWS/Bedrock's client
  // and server errors of the model (essential: classes are published for all models only).
  const errors = publishedFor(params, ERROR_METRICS.Validation, scope.dimensions)
    ? ERROR_CLASSES.filter((c) => c !== 'Throttling').map((c) =>
        sumOf(params, `e${c.toLowerCase()}`, ERROR_METRICS[c], scope.dimensions, FIVE_MINUTES),
      )
    : [
        awsBedrockSum('ecli', AWS_BEDROCK_METRIC.clientErrors, scope.dimensions),
        awsBedrockSum('esrv', AWS_BEDROCK_METRIC.serverErrors, scope.dimensions),
      ];
  return [
    {
      family: 'error-rate',
      what: 'Error rate (all classes but throttling)',
      numerators: errors,
      levels: levels(params.errorRateWarningPct, params.errorRateCriticalPct),
      rationale: `The volume guard (${guard} calls) keeps one failure at night from paging; 2 of 3 periods filters a single bad burst. No traffic means no errors (notBreaching).`,
    },
    {
      family: 'throttle-rate',
      what: 'Throttled share of calls',
      numerators: [sumOf(params, 'thr', ERROR_METRICS.Throttling, scope.dimensions, FIVE_MINUTES)],
      levels: levels(params.throttleRateWarningPct, params.throttleRateCriticalPct),
      rationale:
        'Same volume guard and 2-of-3 as the error rate: throttling comes in bursts that clients retry.',
    },
  ];
}

/**
 * Error rate (every class but throttling) and throttled share of one scope's calls, each at
 * warning and critical, quiet below `minInvocationsForRate` calls per 5 minutes.
 * @example
 * rateAlarms(params, ctx, scope).map((a) => a.key)
 * // ['error-rate-warning-all', 'error-rate-critical-all', 'throttle-rate-warning-all', 'throttle-rate-critical-all']
 */
export function rateAlarms(params: StackParameters, ctx: StackNames, scope: Scope): MetricAlarmDefinition[] {
  const guard = params.minInvocationsForRate;
  return rates(params, scope).flatMap((rate) =>
    rate.levels.map(([level, threshold]) =>
      above(ctx, {
        key: rateAlarmKey(rate.family, level, scope),
        family: rate.family,
        scope: scope.id,
        level,
        description: `${rate.what} of ${scope.label} above ${threshold} %, with at least ${guard} calls per 5 minutes`,
        queries: guardedShareQueries(params, rate.numerators, scope.dimensions, `${rate.family} %`),
        threshold,
        window: TWO_OF_THREE,
        rationale: rate.rationale,
      }),
    ),
  );
}
