/**
 * The notifier: subscribed to the warning and critical topics, and run every minute for escalation.
 * Wires middy, Powertools, the AWS clients and HTTP around the work in notifier.ts.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  GetInsightRuleReportCommand,
} from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { TOP_CONTRIBUTORS } from '../../shared/alerts/contributors';
import { NOTIFIER_ENV, parseNotifierConfig } from '../../shared/alerts/notifier-config';
import { parseTestAlertRequest } from '../../shared/alerts/test-alert';
import { NOTIFIER_METRICS } from '../../shared/contract/metrics';
import type { Json } from '../../shared/json';
import { withLambdaContext } from '../common/log-context';
import { createAwsJsonClient } from './aws-json';
import { createDynamoDbStore } from './dynamodb-store';
import { createHttpSender } from './http';
import { handleNotifications, handleTick, type NotifierDeps, type NotifierReport } from './notifier';
import { createSecretResolver } from './secrets';
import { handleTestAlert } from './test-alert';

/** Left at the end of an invocation for writing down what was sent. */
const DEADLINE_MARGIN_MS = 4000;

type SnsMessage = {
  MessageId?: string;
  TopicArn?: string;
  Subject?: string | null;
  Message?: string;
  MessageAttributes?: Record<string, { Type?: string; Value?: string }>;
};

type NotifierEvent = {
  Records?: { EventSource?: string; Sns?: SnsMessage }[];
  source?: string;
  bedrockWatchTest?: unknown;
};

/** SNS message attributes as Lambda gets them (`{ Type, Value }`), the string ones by name. */
function stringAttributes(attributes: NonNullable<SnsMessage['MessageAttributes']>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, a] of Object.entries(attributes))
    if (a?.Type === 'String' && typeof a.Value === 'string') out[name] = a.Value;
  return out;
}

/**
 * The handler around `deps`: SNS records go through escalation, a scheduled event is the tick,
 * anything else is rejected (counted).
 */
export function createNotifierHandler(deps: NotifierDeps, logger: Logger, metrics: Metrics) {
  const run = (event: NotifierEvent, context: Context): Promise<NotifierReport> => {
    // `bedrock-watch alerts test` invokes the function directly (functions/notifier/test-alert.ts).
    const test = parseTestAlertRequest(event);
    if (test) return handleTestAlert(deps, test);
    // Every delivery is over before the function's timeout, with room to record what it did.
    const remaining =
      typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
    const options = { deadlineMs: deps.now() + remaining - DEADLINE_MARGIN_MS };
    if (Array.isArray(event.Records)) {
      const records = event.Records.filter((r) => r.EventSource === 'aws:sns' && r.Sns).map((r) => ({
        ...(r.Sns?.MessageId ? { messageId: r.Sns.MessageId } : {}),
        topicArn: r.Sns?.TopicArn ?? '',
        message: r.Sns?.Message ?? '',
        ...(typeof r.Sns?.Subject === 'string' ? { subject: r.Sns.Subject } : {}),
        ...(r.Sns?.MessageAttributes ? { attributes: stringAttributes(r.Sns.MessageAttributes) } : {}),
      }));
      return handleNotifications(deps, records, options);
    }
    if (event.source === 'aws.events') return handleTick(deps, options);
    deps.count('rejected', 'unknown-event');
    return Promise.resolve({ outcomes: [], rejected: [{ reason: 'unknown-event' }] });
  };
  return middy(run).use(withLambdaContext(logger)).use(logMetrics(metrics));
}

/** Every page of a DescribeAlarms query, metric and composite alarms alike, as plain objects. */
async function describeAll(cloudwatch: CloudWatchClient, input: DescribeAlarmsCommandInput): Promise<Json[]> {
  const out: Json[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new DescribeAlarmsCommand({
        ...input,
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        ...(NextToken ? { NextToken } : {}),
      }),
    );
    out.push(...((page.MetricAlarms ?? []) as Json[]), ...((page.CompositeAlarms ?? []) as Json[]));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

function defaultDependencies(logger: Logger, metrics: Metrics): NotifierDeps {
  const config = parseNotifierConfig(process.env[NOTIFIER_ENV]);
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const credentials = () =>
    Promise.resolve({
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
      ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
    });
  const dynamodb = createAwsJsonClient({
    service: 'dynamodb',
    region,
    targetPrefix: 'DynamoDB_20120810',
    jsonVersion: '1.0',
    credentials,
  });
  const secretsManager = createAwsJsonClient({
    service: 'secretsmanager',
    region,
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    credentials,
  });
  const cloudwatch = new CloudWatchClient({});
  const eventBridge = new EventBridgeClient({});
  return {
    config,
    store: createDynamoDbStore(dynamodb, config.tableName, Date.now),
    now: Date.now,
    runId: randomUUID,
    secret: createSecretResolver({ ssm: new SSMClient({}), secretsManager, now: Date.now }),
    // Strict URL rules (no loopback, no internal addresses): the default, never relaxed here.
    http: createHttpSender(),
    sleep: (ms) => sleep(ms).then(() => undefined),
    putEvents: async (entries) => ({
      failed: (await eventBridge.send(new PutEventsCommand({ Entries: entries }))).FailedEntryCount ?? 0,
    }),
    alarms: {
      inAlarm: () =>
        describeAll(cloudwatch, { StateValue: 'ALARM', AlarmNamePrefix: `${config.namePrefix}-` }),
      byName: async (names) => {
        const out: Json[] = [];
        // DescribeAlarms takes at most 100 names.
        for (let i = 0; i < names.length; i += 100)
          out.push(...(await describeAll(cloudwatch, { AlarmNames: names.slice(i, i + 100) })));
        return out;
      },
    },
    search: async (q) =>
      (
        (
          await cloudwatch.send(
            new GetInsightRuleReportCommand({
              RuleName: q.ruleName,
              StartTime: new Date(q.startMs),
              EndTime: new Date(q.endMs),
              Period: q.periodSeconds,
              MaxContributorCount: TOP_CONTRIBUTORS,
              OrderBy: 'Sum',
            }),
          )
        ).Contributors ?? []
      ).map((c) => ({ Label: c.Keys?.[0] ?? '', Values: [c.ApproximateAggregateValue ?? 0] })),
    log: (level, message, fields) => logger[level](message, fields),
    count: (metric, reason) => {
      metrics.addMetric(NOTIFIER_METRICS[metric], MetricUnit.Count, 1);
      if (reason) logger.debug('counted', { metric, reason });
    },
  };
}

const logger = new Logger();
const metrics = new Metrics();
let wired: ReturnType<typeof createNotifierHandler> | undefined;
/** Settings are read on the first invocation: a notifier without them (not configured) is never invoked. */
export const handler = (event: NotifierEvent, context: Context) => {
  wired ??= createNotifierHandler(defaultDependencies(logger, metrics), logger, metrics);
  return wired(event, context);
};
