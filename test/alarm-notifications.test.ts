import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alarmResources } from '../deploy/stack/alarms';
import { handleNotifications } from '../functions/notifier/notifier';
import { parseAlarmNotification } from '../shared/alerts/alarm-event';
import { destinationRequest } from '../shared/alerts/destinations/index';
import { FAMILY_GUIDES } from '../shared/alerts/families';
import { TARGET_TYPES, type TargetType } from '../shared/alerts/routing';
import { parseDestinationSecret } from '../shared/alerts/secrets';
import { alertView, type ViewContext } from '../shared/alerts/view';
import { type AlarmDefinition, buildAlarmDefinitions } from '../shared/monitoring/alarms/index';
import { parseStackParameters } from '../shared/monitoring/parameters';
import type { StackNames } from '../shared/monitoring/stack-names';
import { ACCOUNT, PREFIX, REGION, TOPIC, testNotifier } from './support/alert-helpers';
import { type HttpReceiver, startReceiver } from './support/http-receiver';

const NAMES: StackNames = {
  namePrefix: PREFIX,
  ingestFunctionName: `${PREFIX}-ingest`,
  ingestLogGroupName: `/aws/lambda/${PREFIX}-ingest`,
  failureQueueName: `${PREFIX}-ingest-failures`,
};
const VIEW_CONTEXT: ViewContext = {
  namePrefix: PREFIX,
  dashboards: {
    operations: `${PREFIX}-operations`,
    'model-comparison': `${PREFIX}-model-comparison`,
    executive: `${PREFIX}-executive`,
  },
};
const T0 = Date.parse('2025-11-01T09:01:00Z');
const MODELS = [
  'anthropic.claude-3-haiku-20240307-v1:0',
  'amazon.nova-lite-v1:0',
  'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123',
];
/** One secret per destination type, as its store holds it (a missing type does not compile). */
const SECRETS: Record<TargetType, string> = {
  slack: 'https://hooks.slack.com/services/T0/B0/x',
  teams: 'https://prod-00.westeurope.logic.azure.com/workflows/x',
  webhook: JSON.stringify({ url: 'https://hooks.example.com/bw', headers: { authorization: 'Bearer t' } }),
  pagerduty: JSON.stringify({ routingKey: 'R0123456789abcdef0123456789abcde' }),
  opsgenie: JSON.stringify({ apiKey: 'eb243592-faa2-4ba2-a551-1afdf565c889' }),
};

/** What CloudWatch writes for dimensions in a notification: `{value, name}`. */
const lowerDimensions = (dims: unknown) =>
  ((dims as { Name: string; Value: string }[] | undefined) ?? []).map((d) => ({
    value: d.Value,
    name: d.Name,
  }));

/** The Trigger of a metric alarm's notification, from the alarm as the template declares it. */
function triggerOf(p: Record<string, unknown>): Record<string, unknown> {
  const common = {
    EvaluationPeriods: p.EvaluationPeriods,
    DatapointsToAlarm: p.DatapointsToAlarm,
    ComparisonOperator: p.ComparisonOperator,
    TreatMissingData: p.TreatMissingData,
    ...(p.Threshold !== undefined ? { Threshold: p.Threshold } : {}),
  };
  if (!Array.isArray(p.Metrics))
    return {
      ...common,
      MetricName: p.MetricName,
      Namespace: p.Namespace,
      Dimensions: lowerDimensions(p.Dimensions),
      Period: p.Period,
      Statistic: p.Statistic ?? null,
    };
  const metrics = (p.Metrics as Record<string, unknown>[]).map((m) => {
    const stat = m.MetricStat as { Metric: Record<string, unknown> } | undefined;
    return stat
      ? {
          ...m,
          MetricStat: {
            ...stat,
            Metric: { ...stat.Metric, Dimensions: lowerDimensions(stat.Metric.Dimensions) },
          },
        }
      : m;
  });
  return { ...common, Metrics: metrics };
}

/** The SNS message CloudWatch sends when the alarm the template declares changes to `state`. */
function notificationOf(properties: Record<string, unknown>, state: 'ALARM' | 'OK'): string {
  const name = properties.AlarmName as string;
  const composite = typeof properties.AlarmRule === 'string';
  const reason = composite
    ? `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name} transitioned to ${state}`
    : state === 'ALARM'
      ? 'Threshold Crossed: 1 out of the last 1 datapoints [42.5 (01/11/25 09:00:00)] was greater than the threshold (1.0).'
      : 'Threshold Crossed: 1 out of the last 1 datapoints [0.0 (01/11/25 10:00:00)] was not greater than the threshold (1.0).';
  return JSON.stringify({
    AlarmName: name,
    AlarmDescription: properties.AlarmDescription,
    AWSAccountId: ACCOUNT,
    NewStateValue: state,
    NewStateReason: reason,
    // The OK an hour after the ALARM, as CloudWatch would stamp them (an OK at the ALARM's time is stale).
    StateChangeTime: new Date(state === 'ALARM' ? T0 : T0 + 3_600_000).toISOString().replace('Z', '+0000'),
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    ...(composite ? { AlarmRule: properties.AlarmRule } : { Trigger: triggerOf(properties) }),
  });
}

/** Every notifying alarm of the stack with the SNS message for `state`, through the deploy's own resources. */
function notifications(defs: AlarmDefinition[], state: 'ALARM' | 'OK') {
  const resources = alarmResources(defs, { warning: TOPIC('warning'), critical: TOPIC('critical') });
  const byName = new Map(
    Object.values(resources).map((r) => {
      const p = r.Properties as Record<string, unknown>;
      return [p.AlarmName as string, p] as const;
    }),
  );
  return defs.flatMap((d) => {
    const properties = byName.get(d.name);
    if (d.level === 'none' || !properties) return [];
    return [{ def: d, level: d.level, message: notificationOf(properties, state) }];
  });
}

/**
 * Every string in a JSON payload, one a line, as a reader sees it: Slack's `&lt;` `&gt;` `&amp;` and
 * Teams' Markdown backslash escapes read back.
 */
function textOf(body: string): string {
  const strings: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string')
      strings.push(
        v
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&')
          .replace(/\\([\\[\]()*_~`<>#|])/g, '$1'),
      );
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(JSON.parse(body));
  return strings.join('\n');
}

/** Raw parameters over every choice that changes which alarms exist. */
const stackParameters = fc
  .record({
    metricSet: fc.constantFrom('complete', 'essential'),
    ingestMode: fc.constantFrom('direct', 'kinesis'),
    largeDataBucket: fc.constantFrom('', 'create', 'my-bodies'),
    watchedModels: fc.subarray(MODELS),
    quotas: fc.subarray(MODELS),
    concurrencyLimits: fc.subarray(MODELS),
    monthlyBudgetUsd: fc.constantFrom(0, 100),
    modelBudgets: fc.subarray(MODELS),
    attributionKeys: fc.constantFrom([], ['team'], ['caller', 'team']),
    teamBudget: fc.boolean(),
    topContributorCostPerHourUsd: fc.constantFrom(0, 5),
    topContributorTokensPerHour: fc.constantFrom(0, 100_000),
    tokenSpikeAlarms: fc.boolean(),
    alertTargets: fc.constantFrom('', 'slack=slack:ssm:/bw/slack'),
    remediationEvents: fc.boolean(),
    feedbackLogGroup: fc.boolean(),
    billReconciliation: fc.boolean(),
    truncationRateWarningPct: fc.constantFrom(0, 10),
    guardrailRateWarningPct: fc.constantFrom(0, 5),
  })
  .map((p) => {
    const attributed = p.attributionKeys.length > 0;
    return {
      metricSet: p.metricSet,
      ingestMode: p.ingestMode,
      largeDataBucket: p.largeDataBucket,
      watchedModels: p.watchedModels.join(','),
      quotas: p.quotas.map((m) => `${m}=200000:100`).join(';'),
      concurrencyLimits: p.concurrencyLimits.map((m) => `${m}=50`).join(';'),
      monthlyBudgetUsd: String(p.monthlyBudgetUsd),
      modelBudgets: p.modelBudgets.map((m) => `${m}=50`).join(';'),
      attributionKeys: p.attributionKeys.join(','),
      teamBudgets: p.teamBudget && attributed ? 'team/search=10' : '',
      // Top-contributor alarms need an attribution key to rank.
      topContributorCostPerHourUsd: String(attributed ? p.topContributorCostPerHourUsd : 0),
      topContributorTokensPerHour: String(attributed ? p.topContributorTokensPerHour : 0),
      tokenSpikeAlarms: String(p.tokenSpikeAlarms),
      alertTargets: p.alertTargets,
      remediationEvents: String(p.remediationEvents),
      feedbackLogGroup: String(p.feedbackLogGroup),
      billReconciliation: String(p.billReconciliation),
      truncationRateWarningPct: String(p.truncationRateWarningPct),
      guardrailRateWarningPct: String(p.guardrailRateWarningPct),
    };
  });

/** One alarm change through the notifier's view and every destination's payload builder. */
function render(def: AlarmDefinition, level: 'warning' | 'critical', message: string) {
  const event = parseAlarmNotification(message);
  if ('rejected' in event) throw new Error(`${def.name}: notification rejected (${event.rejected})`);
  const view = alertView(event, level, VIEW_CONTEXT);
  const action = event.state === 'ALARM' ? ('trigger' as const) : ('resolve' as const);
  const requests = view
    ? TARGET_TYPES.map((type) => {
        const request = destinationRequest(view, action, parseDestinationSecret(type, SECRETS[type]));
        return { type, text: `${textOf(request.body)}\n${decodeURIComponent(request.url)}` };
      })
    : [];
  return { event, view, action, requests };
}

describe('a notification for every alarm the stack can deploy', () => {
  it('renders each alarm of any parameter combination, on ALARM and on OK, to every destination with its family’s meaning and runbook', () => {
    fc.assert(
      fc.property(stackParameters, (raw) => {
        const defs = buildAlarmDefinitions(parseStackParameters(raw), NAMES);
        for (const state of ['ALARM', 'OK'] as const)
          for (const { def, level, message } of notifications(defs, state)) {
            const { view, action, requests } = render(def, level, message);
            const guide = FAMILY_GUIDES[def.family];

            expect(view, def.name).toMatchObject({
              family: def.family,
              key: def.key,
              meaning: guide.meaning,
              runbook: guide.runbook,
              headline: `[${state === 'OK' ? 'RESOLVED' : level.toUpperCase()}] ${def.key} (${view?.scope.label})`,
              dashboardUrl: expect.stringContaining(encodeURIComponent(`${PREFIX}-${guide.dashboard}`)),
            });
            expect(guide.meaning, def.family).not.toBe('');
            expect(guide.runbook.length, def.family).toBeGreaterThan(0);
            expect(view?.summary, def.name).toMatch(
              def.kind === 'composite' ? /^rule ALARM\(/ : /^value \S+ /,
            );
            expect(requests.map((r) => r.type)).toEqual([...TARGET_TYPES]);
            for (const { type, text } of requests) {
              if (action === 'resolve') {
                // A resolve names the alarm: PagerDuty and Opsgenie by its stable key, the others by headline.
                const named = type === 'pagerduty' || type === 'opsgenie' ? view?.dedupKey : view?.headline;
                expect(text, `${def.name} ${type}`).toContain(named);
                continue;
              }
              expect(text, `${def.name} ${type}`).toContain(guide.meaning);
              for (const step of guide.runbook) expect(text, `${def.name} ${type}`).toContain(step);
            }
          }
      }),
      { numRuns: 40 },
    );
  });

  it('renders the large-data delivery alarm with its own meaning and runbook, not the generic pipeline one', () => {
    const defs = buildAlarmDefinitions(parseStackParameters({ largeDataBucket: 'my-bodies' }), NAMES);
    const [alarm] = notifications(defs, 'ALARM').filter(
      (n) => n.def.family === 'pipeline-bedrock-large-data-delivery',
    );
    if (!alarm) throw new Error('no large-data alarm with largeDataBucket set');
    const event = parseAlarmNotification(alarm.message);
    if ('rejected' in event) throw new Error(event.rejected);

    const view = alertView(event, alarm.level, VIEW_CONTEXT);

    expect(view?.meaning).toMatch(/large request or response bodies .* S3 bucket/);
    expect(view?.runbook.join('\n')).toMatch(/bucket still exists[\s\S]*bucket policy[\s\S]*KMS/);
    expect(view?.meaning).not.toBe(FAMILY_GUIDES['pipeline-bedrock-log-delivery'].meaning);
  });
});

describe('the notifier and the large-data delivery alarm (real HTTP on 127.0.0.1)', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  it('delivers its ALARM and its OK to the warning destination instead of failing them as permanent', async () => {
    const clock = { now: T0 };
    const { deps } = testNotifier({ receiverUrl: receiver.url, escalationPolicy: '0:slack', clock });
    const defs = buildAlarmDefinitions(parseStackParameters({ largeDataBucket: 'create' }), NAMES);
    const record = (state: 'ALARM' | 'OK') => {
      const [n] = notifications(defs, state).filter(
        (x) => x.def.family === 'pipeline-bedrock-large-data-delivery',
      );
      if (!n) throw new Error('no large-data alarm with largeDataBucket set');
      return [{ messageId: `m-${state}`, topicArn: TOPIC(n.level), message: n.message }];
    };

    const alarm = await handleNotifications(deps, record('ALARM'));
    clock.now = T0 + 3_600_000;
    const ok = await handleNotifications(deps, record('OK'));

    expect([...alarm.outcomes, ...ok.outcomes].map((o) => o.result)).toEqual(['sent', 'sent']);
    const [sent, resolved] = receiver.on('/slack').map((r) => r.json);
    expect(sent.blocks[0].text.text).toBe(`[WARNING] pipeline-bedrock-large-data-delivery (all models)`);
    expect(JSON.stringify(sent.blocks)).toContain(
      FAMILY_GUIDES['pipeline-bedrock-large-data-delivery'].meaning,
    );
    expect(resolved.blocks[0].text.text).toBe('[RESOLVED] pipeline-bedrock-large-data-delivery (all models)');
  });
});
