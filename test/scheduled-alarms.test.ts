import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { simulateHourlyFunction, storeGetMetricData } from '../cli/simulate/hourly';
import { derivable, runSimulation } from '../cli/simulate/run';
import { buildStack, functionEnvironment, ingestNames } from '../deploy/stack/index';
import { functionName } from '../deploy/stack/names';
import { notifierResources } from '../deploy/stack/notifier';
import { evaluateAlarms } from '../shared/analysis/alarm-evaluator';
import { LAMBDA_METRICS_LAG_MS, lambdaRunSeries } from '../shared/analysis/lambda-metrics';
import { MetricStore } from '../shared/analysis/metric-store';
import { buildAlarmDefinitions, type MetricAlarmDefinition } from '../shared/monitoring/alarms/index';
import {
  SCHEDULED_FUNCTION_KEYS,
  SCHEDULED_FUNCTIONS,
  scheduledFunctionAlarms,
  scheduledFunctionName,
} from '../shared/monitoring/alarms/scheduled';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { EVENTS_DIR } from './support/helpers';

const STACK = { service: 'bedrock-watch', stage: 'prod' };
const names = ingestNames(STACK);
const HOUR_MS = 3_600_000;
const keysOf = (defs: readonly { key: string }[]) => defs.map((d) => d.key);

describe('scheduled-function alarms (issue 25, item 10: nothing alarmed when a scheduled function failed)', () => {
  it('watches month-to-date and reconcile by default, reconcile only while its schedule runs, the notifier only when deployed', () => {
    const byDefault = scheduledFunctionAlarms(parseStackParameters({}), names);
    const noBill = scheduledFunctionAlarms(parseStackParameters({ billReconciliation: 'false' }), names);
    const withNotifier = scheduledFunctionAlarms(
      parseStackParameters({ alertTargets: 'slack=slack:ssm:/bw/slack' }),
      names,
    );
    const onlyEvents = scheduledFunctionAlarms(parseStackParameters({ remediationEvents: 'true' }), names);

    expect(keysOf(byDefault)).toEqual([
      'scheduled-errors-month-to-date',
      'scheduled-not-running-month-to-date',
      'scheduled-errors-reconcile',
      'scheduled-not-running-reconcile',
    ]);
    expect(keysOf(noBill)).toEqual(['scheduled-errors-month-to-date', 'scheduled-not-running-month-to-date']);
    // The notifier's failed invocations already page through notifier-failures: only its silence is new.
    expect(keysOf(withNotifier).slice(-1)).toEqual(['scheduled-not-running-notifier']);
    expect(withNotifier.find((d) => d.key === 'scheduled-not-running-notifier')?.level).toBe('critical');
    // With remediation events alone the notifier runs only when an alarm changes state: no tick to miss.
    expect(keysOf(onlyEvents).filter((k) => k.endsWith('-notifier'))).toEqual([]);
  });

  it('alarms on Errors >= 1 (missing not breaching) and on Invocations < 1 (missing breaching) of the function the stack names', () => {
    const defs = scheduledFunctionAlarms(parseStackParameters({}), names);

    const errors = defs.find((d) => d.key === 'scheduled-errors-month-to-date');
    const silent = defs.find((d) => d.key === 'scheduled-not-running-reconcile');
    expect(errors).toMatchObject({
      name: 'bedrock-watch-prod-scheduled-errors-month-to-date',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      treatMissingData: 'notBreaching',
      queries: [
        {
          metric: {
            namespace: 'AWS/Lambda',
            metricName: 'Errors',
            dimensions: { FunctionName: functionName(STACK, 'monthToDate') },
            stat: 'Sum',
            period: 3600,
          },
        },
      ],
    });
    expect(silent).toMatchObject({
      comparison: 'LessThanThreshold',
      threshold: 1,
      treatMissingData: 'breaching',
      evaluationPeriods: 26,
      datapointsToAlarm: 26,
      queries: [
        {
          metric: {
            metricName: 'Invocations',
            dimensions: { FunctionName: functionName(STACK, 'reconcile') },
          },
        },
      ],
    });
  });

  it('keeps every window within what CloudWatch takes: 1 day under hourly periods, 7 days from an hour', () => {
    for (const key of SCHEDULED_FUNCTION_KEYS) {
      const fn = SCHEDULED_FUNCTIONS[key];
      const limit = fn.period < 3600 ? 86_400 : 604_800;
      for (const w of [fn.errors, fn.notRunning]) {
        if (!w) continue;
        expect(fn.period * w.evaluationPeriods, key).toBeLessThanOrEqual(limit);
        // A silent window shorter than the schedule would alarm between two good runs.
        if (w === fn.notRunning)
          expect(fn.period * w.evaluationPeriods, key).toBeGreaterThan(fn.everySeconds);
      }
    }
  });

  it('knows each function by the schedule it is deployed with (serverless.yml, the notifier tick)', () => {
    const yml = readFileSync(join(import.meta.dirname, '..', 'serverless.yml'), 'utf8');
    const tick = notifierResources(parseStackParameters({ alertTargets: 'slack=slack:ssm:/bw/slack' }), names)
      .NotifierTickRule?.Properties?.ScheduleExpression;

    const block = (key: string) =>
      yml.slice(yml.indexOf(`\n  ${key}:\n`), yml.indexOf('environment:', yml.indexOf(`\n  ${key}:\n`)));
    expect(block('monthToDate')).toContain('schedule: rate(1 hour)');
    expect(SCHEDULED_FUNCTIONS.monthToDate.everySeconds).toBe(3600);
    // A cron of one fixed minute and hour, every day.
    expect(block('reconcile')).toMatch(/rate: cron\(\d+ \d+ \* \* \? \*\)/);
    expect(SCHEDULED_FUNCTIONS.reconcile.everySeconds).toBe(86_400);
    expect(tick).toBe('rate(1 minute)');
    expect(SCHEDULED_FUNCTIONS.notifier.everySeconds).toBe(60);
  });

  it('packages them as alarms on the functions serverless.yml deploys, in the same template as the others', () => {
    const stack = buildStack(parseStackParameters({}), STACK);

    const alarm = stack.Resources.AlarmScheduledNotRunningMonthToDate;
    expect(alarm?.Type).toBe('AWS::CloudWatch::Alarm');
    expect(alarm?.Properties).toMatchObject({
      AlarmName: 'bedrock-watch-prod-scheduled-not-running-month-to-date',
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: 'bedrock-watch-prod-monthToDate' }],
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(stack.Resources.AlarmScheduledErrorsReconcile?.Properties?.MetricName).toBe('Errors');
  });
});

describe('the simulator and the scheduled functions', () => {
  const params = parseStackParameters({});
  const env = { ...process.env, ...functionEnvironment(params), POWERTOOLS_LOG_LEVEL: 'ERROR' };
  const monthToDate = (defs: readonly { key: string }[]) =>
    defs.filter((d) => d.key.endsWith('-month-to-date')) as MetricAlarmDefinition[];
  const defs = monthToDate(buildAlarmDefinitions(params, names));
  const evaluate = (store: MetricStore, fromMs: number, toMs: number) =>
    evaluateAlarms(defs, store, {
      fromMs,
      toMs,
      isDerivable: derivable(params, names),
      ruleOf: () => '',
    });
  const FROM = Date.parse('2026-11-10T00:00:00Z');

  it('fires the errors alarm when month-to-date runs fail, and clears it once a run succeeds', async () => {
    const store = new MetricStore();
    const failing = new Set([FROM + 2 * HOUR_MS, FROM + 3 * HOUR_MS]);
    const getMetricData = (input: GetMetricDataCommandInput, asOfMs: number) => {
      if (failing.has(asOfMs))
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return storeGetMetricData(store, input, asOfMs);
    };

    const runs = await simulateHourlyFunction(
      store,
      params,
      env,
      { fromMs: FROM, toMs: FROM + 6 * HOUR_MS },
      { functionName: scheduledFunctionName(names, 'monthToDate'), getMetricData },
    );
    const [errors, silent] = evaluate(store, FROM, FROM + 6 * HOUR_MS);

    expect(runs).toBe(7);
    expect(errors?.simulated).toBe(true);
    expect(errors?.transitions.map((t) => [new Date(t.atMs).toISOString(), t.state])).toEqual([
      ['2026-11-10T00:00:00.000Z', 'OK'],
      ['2026-11-10T02:01:00.000Z', 'ALARM'],
      // The 04:00 run succeeds; its point is visible a minute later and the failures have left the hour.
      ['2026-11-10T04:01:00.000Z', 'OK'],
    ]);
    // The failed runs were invocations all the same.
    expect(silent?.finalState).toBe('OK');
    expect(silent?.transitions.map((t) => t.state)).toEqual(['OK']);
  });

  it('fires the not-running alarm once two hourly runs are missed', () => {
    const store = new MetricStore();
    const fn = scheduledFunctionName(names, 'monthToDate');
    for (let at = FROM - 24 * HOUR_MS; at <= FROM; at += HOUR_MS)
      for (const s of lambdaRunSeries(fn, false))
        store.put(s, at, at + LAMBDA_METRICS_LAG_MS, s.unit, s.values);

    const [, silent] = evaluate(store, FROM, FROM + 4 * HOUR_MS);

    expect(silent?.simulated).toBe(true);
    expect(silent?.transitions.map((t) => [new Date(t.atMs).toISOString(), t.state])).toEqual([
      ['2026-11-10T00:00:00.000Z', 'OK'],
      // Runs due at 01:00 and 02:00 never came. CloudWatch evaluates the newest real points of a
      // longer range (N + 2 periods) while it holds N of them, so 23:00 and 00:00 keep it OK until 03:00.
      ['2026-11-10T03:01:00.000Z', 'ALARM'],
    ]);
  });

  it('evaluates the month-to-date alarms in a scenario and keeps them OK while every run works (the stack ran before the records)', async () => {
    const result = await runSimulation({
      paths: [join(EVENTS_DIR, 'scenarios', 'quiet-night')],
      params,
      deliveryLagSeconds: 60,
      stack: STACK,
    });

    const timelines = result.timelines.filter((t) => t.definition.key.startsWith('scheduled-'));
    expect(timelines.map((t) => [t.definition.key, t.simulated, t.finalState])).toEqual([
      ['scheduled-errors-month-to-date', true, 'OK'],
      ['scheduled-not-running-month-to-date', true, 'OK'],
      // The simulator does not run reconcile: Cost Explorer's bill is not in the logs.
      ['scheduled-errors-reconcile', false, 'INSUFFICIENT_DATA'],
      ['scheduled-not-running-reconcile', false, 'INSUFFICIENT_DATA'],
    ]);
    expect(timelines.flatMap((t) => t.transitions.map((tr) => tr.state))).not.toContain('ALARM');
  });
});
