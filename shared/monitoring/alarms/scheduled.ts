/**
 * The scheduled functions' own health: an alarm when a run fails (AWS/Lambda `Errors`) and one when
 * the runs stop (no `Invocations` over the schedule: a disabled or deleted rule, throttling, a
 * broken deployment). Budget, projection, token-spike and bill-drift alarms ignore missing data, so
 * without these a function that stops publishing leaves them frozen in their last state.
 */
import { parseTargets } from '../../alerts/routing';
import type { StackParameters } from '../parameters';
import type { AlarmLevel, MetricAlarmDefinition, StackNames, Window } from './types';

/** The functions that run on a schedule, by their serverless.yml key. */
export const SCHEDULED_FUNCTION_KEYS = ['monthToDate', 'reconcile', 'notifier'] as const;
export type ScheduledFunctionKey = (typeof SCHEDULED_FUNCTION_KEYS)[number];

export interface ScheduledFunction {
  /** Name-safe token in alarm keys: `scheduled-errors-<token>`. */
  token: string;
  /** Words for descriptions. */
  label: string;
  /** Seconds between two runs: its schedule (serverless.yml, deploy/stack/notifier.ts). */
  everySeconds: number;
  /** Whether its schedule runs for these parameters. */
  runs: (params: StackParameters) => boolean;
  /** The alarms' period, in seconds. */
  period: number;
  /**
   * A failed run: in ALARM until the next run can show it works (1 of the periods a run spans,
   * missing data not breaching); undefined when another alarm already covers its failures.
   */
  errors?: Window;
  /** No run at all: every period of the window without an invocation (missing data breaching). */
  notRunning: Window;
  level: AlarmLevel;
  rationale: string;
}

const HOUR = 3600;

/** One entry per scheduled function: a function added to the keys without one does not compile. */
export const SCHEDULED_FUNCTIONS: Readonly<Record<ScheduledFunctionKey, ScheduledFunction>> = {
  monthToDate: {
    token: 'month-to-date',
    label: 'the month-to-date function (budgets, projections, token spikes)',
    everySeconds: HOUR,
    runs: () => true,
    period: HOUR,
    errors: { evaluationPeriods: 1, datapointsToAlarm: 1 },
    notRunning: { evaluationPeriods: 2, datapointsToAlarm: 2 },
    level: 'warning',
    rationale:
      'Hourly runs: a failed run alarms until the next one succeeds; two hours without a run (one missed, allowing for the schedule drifting across an hour) means the budget alarms read stale figures.',
  },
  reconcile: {
    token: 'reconcile',
    label: 'the reconcile function (bill drift)',
    everySeconds: 24 * HOUR,
    runs: (params) => params.billReconciliation,
    period: HOUR,
    errors: { evaluationPeriods: 24, datapointsToAlarm: 1 },
    // Hourly periods may span up to 7 days (one day for shorter periods): 26 hours is a day plus slack.
    notRunning: { evaluationPeriods: 26, datapointsToAlarm: 26 },
    level: 'warning',
    rationale:
      "One run a day (06:30 UTC): a failure stays in ALARM for the 24 hours until the next run; 26 hours without an invocation means the day's run did not happen (two hours of slack for a late one).",
  },
  notifier: {
    token: 'notifier',
    label: 'the notifier (escalation tick and alarm routing)',
    everySeconds: 60,
    // The minute tick runs only with alert targets (deploy/stack/notifier.ts): remediation events alone have none.
    runs: (params) => parseTargets(params.alertTargets).length > 0,
    period: 300,
    // Its failed invocations end in its failure queue, which notifier-failures already pages on.
    notRunning: { evaluationPeriods: 2, datapointsToAlarm: 2 },
    level: 'critical',
    rationale:
      'A tick a minute: ten minutes without an invocation means escalations and routing stopped; critical, because the notifier cannot tell anyone itself (the critical topic e-mail still can).',
  },
};

/** The name the framework gives a function: `<service>-<stage>-<key>`, i.e. `<namePrefix>-<key>`. */
export const scheduledFunctionName = (ctx: Pick<StackNames, 'namePrefix'>, key: ScheduledFunctionKey) =>
  `${ctx.namePrefix}-${key}`;

function lambdaMetric(ctx: StackNames, key: ScheduledFunctionKey, metricName: string) {
  return {
    namespace: 'AWS/Lambda',
    metricName,
    dimensions: { FunctionName: scheduledFunctionName(ctx, key) },
    stat: 'Sum',
    period: SCHEDULED_FUNCTIONS[key].period,
  };
}

const duration = (seconds: number) =>
  seconds % HOUR === 0 ? `${seconds / HOUR} hour${seconds === HOUR ? '' : 's'}` : `${seconds / 60} minutes`;

function alarmsOf(ctx: StackNames, key: ScheduledFunctionKey): MetricAlarmDefinition[] {
  const fn = SCHEDULED_FUNCTIONS[key];
  const base = { kind: 'metric', scope: 'pipeline', level: fn.level, rationale: fn.rationale } as const;
  const notRunning = `scheduled-not-running-${fn.token}`;
  const out: MetricAlarmDefinition[] = [];
  if (fn.errors) {
    const errors = `scheduled-errors-${fn.token}`;
    out.push({
      ...base,
      key: errors,
      family: 'scheduled-errors',
      name: `${ctx.namePrefix}-${errors}`,
      description: `A run of ${fn.label} failed: the figures it publishes are stale (its log says why)`,
      queries: [{ id: 'm', metric: lambdaMetric(ctx, key, 'Errors'), returnData: true }],
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      ...fn.errors,
      treatMissingData: 'notBreaching',
    });
  }
  out.push({
    ...base,
    key: notRunning,
    family: 'scheduled-not-running',
    name: `${ctx.namePrefix}-${notRunning}`,
    description: `${fn.label} has not run for over ${duration(fn.period * fn.notRunning.evaluationPeriods)}: its schedule, throttling or the deployment stopped it`,
    queries: [{ id: 'm', metric: lambdaMetric(ctx, key, 'Invocations'), returnData: true }],
    comparison: 'LessThanThreshold',
    threshold: 1,
    ...fn.notRunning,
    // Lambda publishes no point for a period without invocations: silence is the symptom.
    treatMissingData: 'breaching',
  });
  return out;
}

/**
 * Errors and not-running alarms of every scheduled function whose schedule runs for `params`, in
 * SCHEDULED_FUNCTION_KEYS order.
 * @example scheduledFunctionAlarms(parseStackParameters({}), ctx)[0]?.key // 'scheduled-errors-month-to-date'
 */
export function scheduledFunctionAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  return SCHEDULED_FUNCTION_KEYS.filter((key) => SCHEDULED_FUNCTIONS[key].runs(params)).flatMap((key) =>
    alarmsOf(ctx, key),
  );
}
