import { ERROR_CLASSES, ERROR_GROUP_OF, type ErrorClass } from '../../contract/error-classes';
import {
  AWS_BEDROCK_DIMENSION,
  AWS_BEDROCK_METRIC,
  AWS_BEDROCK_NAMESPACE,
  DIM_MODEL_ID,
  ERROR_METRICS,
} from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import {
  above,
  clearingWindow,
  evidenceText,
  guardedShareQueries,
  levels,
  publishedFor,
  sumOf,
  windowSeconds,
} from './build';
import type { AlarmLevel, MetricAlarmDefinition, MetricQuery, Scope, StackNames } from './types';

type RateFamily = 'error-rate' | 'client-error-rate' | 'throttle-rate';

interface Rate {
  family: RateFamily;
  what: string;
  numerators: MetricQuery[];
  levels: [AlarmLevel, number][];
  rationale: string;
}

/**
 * Errors the service or the model caused (a page: users get failures they cannot fix).
 * Validation and Auth are the caller's own doing (a bad request, a missing permission): they warn.
 */
export const SERVICE_ERROR_CLASSES: readonly ErrorClass[] = ERROR_CLASSES.filter(
  (c) => ERROR_GROUP_OF[c] === 'server',
);
export const CLIENT_ERROR_CLASSES: readonly ErrorClass[] = ERROR_CLASSES.filter(
  (c) => ERROR_GROUP_OF[c] === 'client',
);

/**
 * The key of a rate alarm; the latency-and-errors composite names its error-rate input by it.
 * @example rateAlarmKey('error-rate', 'warning', scope) // 'error-rate-warning-all'
 */
export function rateAlarmKey(family: RateFamily, level: AlarmLevel, scope: Scope): string {
  return `${family}-${level}-${scope.key}`;
}

/** A hidden Sum of an AWS/Bedrock metric of a model scope over the alarm window. */
function awsBedrockSum(
  params: StackParameters,
  id: string,
  metricName: string,
  dimensions: Record<string, string>,
): MetricQuery {
  const dims = { [AWS_BEDROCK_DIMENSION]: dimensions[DIM_MODEL_ID] ?? '' };
  return {
    id,
    metric: {
      namespace: AWS_BEDROCK_NAMESPACE,
      metricName,
      dimensions: dims,
      stat: 'Sum',
      period: windowSeconds(params),
    },
    returnData: false,
  };
}

/**
 * The service and the client errors of a scope: per error class where the metric set publishes
 * them for it; else AWS/Bedrock's server and client errors of the model (essential: classes are
 * published for all models only; AWS counts timeouts and model errors among its client errors).
 */
function errorNumerators(
  params: StackParameters,
  scope: Scope,
): { service: MetricQuery[]; client: MetricQuery[] } {
  const window = windowSeconds(params);
  const ofClasses = (classes: readonly ErrorClass[]) =>
    classes.map((c) => sumOf(params, `e${c.toLowerCase()}`, ERROR_METRICS[c], scope.dimensions, window));
  if (publishedFor(params, ERROR_METRICS.Validation, scope.dimensions))
    return { service: ofClasses(SERVICE_ERROR_CLASSES), client: ofClasses(CLIENT_ERROR_CLASSES) };
  return {
    service: [awsBedrockSum(params, 'esrv', AWS_BEDROCK_METRIC.serverErrors, scope.dimensions)],
    client: [awsBedrockSum(params, 'ecli', AWS_BEDROCK_METRIC.clientErrors, scope.dimensions)],
  };
}

/** Warning, and critical only when its threshold is above 0 (client errors do not page by default). */
const levelsOf = (warning: number, critical: number) =>
  levels(warning, critical).filter(([, threshold]) => threshold > 0);

function rates(params: StackParameters, scope: Scope): Rate[] {
  const evidence = evidenceText(params);
  const n = params.alarmClearWindows;
  const window = `1 of ${n} ${params.alarmWindowMinutes}-minute windows (alarmWindowMinutes) alarms, so one window with the evidence pages at once; back to OK only after ${n} clean windows in a row (alarmClearWindows), so an incident that comes and goes stays one alarm`;
  const { service, client } = errorNumerators(params, scope);
  const all: Rate[] = [
    {
      family: 'error-rate',
      what: 'Service error rate (server errors, timeouts, model errors)',
      numerators: service,
      levels: levels(params.errorRateWarningPct, params.errorRateCriticalPct),
      rationale: `Pages on evidence, not on one failure: ${evidence} (minBadEventsForRate, minInvocationsForRate). ${window}. Caller errors are the client-error rate's. No traffic means no errors (notBreaching).`,
    },
    {
      family: 'client-error-rate',
      what: 'Client error rate (validation, access denied)',
      numerators: client,
      levels: levelsOf(params.clientErrorRateWarningPct, params.clientErrorRateCriticalPct),
      rationale: `The caller's own errors (a bad request, a missing permission): someone should look, no one need be woken, so warning only unless clientErrorRateCriticalPct is set. Same evidence (${evidence}) and windows as the error rate.`,
    },
    {
      family: 'throttle-rate',
      what: 'Throttled share of calls',
      numerators: [sumOf(params, 'thr', ERROR_METRICS.Throttling, scope.dimensions, windowSeconds(params))],
      levels: levels(params.throttleRateWarningPct, params.throttleRateCriticalPct),
      rationale: `Throttling comes in bursts that clients retry: same evidence (${evidence}) and windows as the error rate.`,
    },
  ];
  return all.filter((r) => r.levels.length > 0);
}

/**
 * Service error rate, client error rate and throttled share of one scope's calls, each at warning
 * and critical (client errors: warning unless `clientErrorRateCriticalPct` is set), quiet without
 * the evidence of `minBadEventsForRate` bad calls among `minInvocationsForRate` in the window.
 * @example
 * rateAlarms(params, ctx, scope).map((a) => a.key)
 * // ['error-rate-warning-all', 'error-rate-critical-all', 'client-error-rate-warning-all',
 * //  'throttle-rate-warning-all', 'throttle-rate-critical-all']
 */
export function rateAlarms(params: StackParameters, ctx: StackNames, scope: Scope): MetricAlarmDefinition[] {
  return rates(params, scope).flatMap((rate) =>
    rate.levels.map(([level, threshold]) =>
      above(ctx, {
        key: rateAlarmKey(rate.family, level, scope),
        family: rate.family,
        scope: scope.id,
        level,
        description: `${rate.what} of ${scope.label} above ${threshold} %, with ${evidenceText(params)}`,
        queries: guardedShareQueries(params, rate.numerators, scope.dimensions, `${rate.family} %`),
        threshold,
        window: clearingWindow(params),
        rationale: rate.rationale,
      }),
    ),
  );
}
