/** Builders for the notifier tests: CloudWatch alarm notifications as SNS delivers them, and a configured notifier. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createHttpSender } from '../../functions/notifier/http';
import type { NotifierDeps } from '../../functions/notifier/notifier';
import type { Episode } from '../../shared/alerts/escalation';
import { parseNotifierConfig } from '../../shared/alerts/notifier-config';
import type { SecretRef } from '../../shared/alerts/routing';
import { MemoryStateStore } from '../../shared/alerts/state-store';

export const PREFIX = 'bedrock-watch-test';
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const TOPIC = (level: 'warning' | 'critical') => `arn:aws:sns:${REGION}:${ACCOUNT}:${PREFIX}-${level}`;
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
export const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
export const GENIE_KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';

export interface AlarmMessageOptions {
  key: string;
  state: 'ALARM' | 'OK';
  atMs: number;
  value?: number;
  threshold?: number;
  dimensions?: Record<string, string>;
  metricName?: string;
  period?: number;
}

/** A metric alarm's notification as CloudWatch writes it into the SNS message. */
export function alarmMessage(o: AlarmMessageOptions): string {
  const name = `${PREFIX}-${o.key}`;
  const when = new Date(o.atMs).toISOString().replace('Z', '+0000');
  const value = o.value ?? 19.38;
  const threshold = o.threshold ?? 18;
  const dims = Object.entries({ service: 'bedrock-watch', ...(o.dimensions ?? {}) }).map(([name, value]) => ({
    value,
    name,
  }));
  return JSON.stringify({
    AlarmName: name,
    AlarmDescription: `Month-to-date cost reached 90 % of its budget. Why these settings: one hourly point decides.`,
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: '2025-11-01T00:00:00.000+0000',
    NewStateValue: o.state,
    NewStateReason:
      o.state === 'ALARM'
        ? `Threshold Crossed: 1 out of the last 1 datapoints [${value} (01/11/25 09:01:00)] was greater than or equal to the threshold (${threshold}) (minimum 1 datapoint for OK -> ALARM transition).`
        : `Threshold Crossed: 1 out of the last 1 datapoints [1.0 (01/11/25 10:01:00)] was not greater than or equal to the threshold (${threshold}) (minimum 1 datapoint for ALARM -> OK transition).`,
    StateChangeTime: when,
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    OldStateValue: o.state === 'ALARM' ? 'OK' : 'ALARM',
    OKActions: [TOPIC('critical')],
    AlarmActions: [TOPIC('critical')],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: o.metricName ?? 'MonthToDateCostUSD',
      Namespace: 'BedrockWatch',
      StatisticType: 'Statistic',
      Statistic: 'MAXIMUM',
      Unit: null,
      Dimensions: dims,
      Period: o.period ?? 3600,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: threshold,
      TreatMissingData: 'ignore',
      EvaluateLowSampleCountPercentile: '',
    },
  });
}

/** An SNS event with one record, as Lambda receives it. */
export function snsEvent(message: string, level: 'warning' | 'critical' = 'critical', messageId = 'm-1') {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC(level)}:sub`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: TOPIC(level),
          Subject: 'ALARM',
          Message: message,
        },
      },
    ],
  };
}

/** The five destinations, each pointing at the receiver through its secret. */
export function destinationSecrets(receiverUrl: string): Record<string, string> {
  return {
    'ssm:/bw/slack': `${receiverUrl}/slack`,
    'ssm:/bw/teams': `${receiverUrl}/teams`,
    'secretsmanager:bw/pagerduty': JSON.stringify({
      routingKey: ROUTING_KEY,
      endpoint: `${receiverUrl}/v2/enqueue`,
    }),
    'secretsmanager:bw/pagerduty-high': JSON.stringify({
      routingKey: ROUTING_KEY.replace('R', 'H'),
      endpoint: `${receiverUrl}/v2/enqueue`,
    }),
    'ssm:/bw/opsgenie': JSON.stringify({ apiKey: GENIE_KEY, apiUrl: receiverUrl }),
    'ssm:/bw/hook': JSON.stringify({
      url: `${receiverUrl}/hook`,
      headers: { authorization: 'Bearer hook-token' },
    }),
  };
}

export const TARGETS =
  'slack=slack:ssm:/bw/slack;teams=teams:ssm:/bw/teams;pagerduty=pagerduty:secretsmanager:bw/pagerduty;' +
  'pagerduty-high=pagerduty:secretsmanager:bw/pagerduty-high;opsgenie=opsgenie:ssm:/bw/opsgenie;hook=webhook:ssm:/bw/hook';

/** A notifier on an in-memory store and a settable clock, sending over real HTTP. */
export function testNotifier(options: {
  receiverUrl: string;
  escalationPolicy: string;
  /** The warning level's policy; `0:slack` unless told. */
  warningPolicy?: string;
  clock: { now: number };
  eventBus?: string;
  /** The hold before resolving; 0 unless told (resolve with the OK, as the tests before the hold expect). */
  resolveAfterMinutes?: number;
  putEvents?: NotifierDeps['putEvents'];
  inAlarm?: () => Promise<Record<string, unknown>[]>;
  byName?: (names: string[]) => Promise<Record<string, unknown>[]>;
}) {
  const config = parseNotifierConfig(
    JSON.stringify({
      namePrefix: PREFIX,
      namespace: 'BedrockWatch',
      service: 'bedrock-watch',
      targets: TARGETS,
      escalationPolicy: options.escalationPolicy,
      warningPolicy: options.warningPolicy ?? '0:slack',
      tableName: `${PREFIX}-alert-state`,
      topics: { warning: `${PREFIX}-warning`, critical: `${PREFIX}-critical` },
      // As deploy writes them: the region left for the notifier to fill in.
      dashboards: {
        operations: `${PREFIX}-operations-{region}`,
        executive: `${PREFIX}-executive-{region}`,
      },
      attributionKeys: ['team'],
      ...(options.eventBus ? { eventBus: options.eventBus } : {}),
      resolveAfterMinutes: options.resolveAfterMinutes ?? 0,
    }),
  );
  const secrets = destinationSecrets(options.receiverUrl);
  const store = new MemoryStateStore<Episode>(() => options.clock.now);
  let run = 0;
  const deps: NotifierDeps = {
    config,
    store,
    now: () => options.clock.now,
    runId: () => `run-${++run}`,
    secret: (ref: SecretRef) => {
      const value = secrets[`${ref.store}:${ref.name}`];
      return value === undefined ? Promise.reject(new Error('missing')) : Promise.resolve(value);
    },
    // The receivers listen on 127.0.0.1: tests, and only tests, let loopback in.
    http: createHttpSender({ timeoutMs: 2000, allowLoopback: true }),
    urlPolicy: { allowLoopback: true },
    sleep: () => Promise.resolve(),
    ...(options.putEvents ? { putEvents: options.putEvents } : {}),
    alarms: {
      inAlarm: options.inAlarm ?? (() => Promise.resolve([])),
      byName: options.byName ?? (() => Promise.resolve([])),
    },
    search: () =>
      Promise.resolve([
        { Label: 'search', Values: [7, 5.3] },
        { Label: 'ads', Values: [2] },
      ]),
    log: () => undefined,
    count: () => undefined,
  };
  return {
    deps,
    store,
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Test' }),
  };
}

/** An alarm in ALARM as DescribeAlarms returns it. */
export function describedAlarm(
  key: string,
  transitionedMs: number,
  level: 'warning' | 'critical' = 'critical',
  state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' = 'ALARM',
) {
  const name = `${PREFIX}-${key}`;
  return {
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    AlarmDescription:
      'Month-to-date cost reached 90 % of its budget. Why these settings: one hourly point decides.',
    StateValue: state,
    StateReason:
      'Threshold Crossed: 1 out of the last 1 datapoints [19.38 (01/11/25 09:01:00)] was greater than or equal to the threshold (18.0).',
    StateTransitionedTimestamp: new Date(transitionedMs),
    StateUpdatedTimestamp: new Date(transitionedMs),
    AlarmActions: [TOPIC(level)],
    MetricName: 'MonthToDateCostUSD',
    Namespace: 'BedrockWatch',
    Dimensions: [{ Name: 'service', Value: 'bedrock-watch' }],
    Period: 3600,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    Threshold: 18,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  };
}
