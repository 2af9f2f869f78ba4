/**
 * The notifier's resources: its role (always, as serverless.yml declares the function), and when it
 * has somewhere to send to or events to publish: the escalation state table (DynamoDB, TTL), its
 * subscriptions to the warning and critical topics, the minute tick, and the failure queue its
 * failed invocations end in. The role may read only the secrets the targets name.
 */

import type { DashboardKey } from '../../shared/alerts/families';
import type { NotifierSettings } from '../../shared/alerts/notifier-config';
import { parseTargets, type Target } from '../../shared/alerts/routing';
import { notifierEnabled, notifierFailureQueueName } from '../../shared/monitoring/alerting';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { arn, arnOf, functionRole, type Output, type Resources, ref } from './cfn';
import type { IngestNames } from './names';

/** The logical id serverless gives the `notifier` function. */
export const NOTIFIER_FUNCTION_ID = 'NotifierLambdaFunction';
const STATE_TTL_ATTRIBUTE = 'expiresAt';

export const alertStateTableName = (names: IngestNames) => `${names.namePrefix}-alert-state`;

/** The ARN of a target's secret: the parameter, or the secret with Secrets Manager's six-character suffix. */
function secretArn(target: Target) {
  return target.secret.store === 'ssm'
    ? arn('ssm', `parameter/${target.secret.name.replace(/^\//, '')}`)
    : arn('secretsmanager', `secret:${target.secret.name}-??????`);
}

function notifierStatements(
  params: StackParameters,
  names: IngestNames,
  targets: Target[],
): Record<string, unknown>[] {
  const ssm = targets.filter((t) => t.secret.store === 'ssm');
  const secrets = targets.filter((t) => t.secret.store === 'secretsmanager');
  return [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
      Resource: arnOf('AlertStateTable'),
    },
    // Lambda's on-failure destination sends with the function's own role.
    { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: arnOf('NotifierFailureQueue') },
    ...(ssm.length > 0
      ? [{ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: ssm.map(secretArn) }]
      : []),
    ...(secrets.length > 0
      ? [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: secrets.map(secretArn) }]
      : []),
    ...(params.alertSecretsKmsKeyArn
      ? [{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: params.alertSecretsKmsKeyArn }]
      : []),
    // DescribeAlarms returns composite alarms only to a grant on "*" (API reference); read only.
    { Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms'], Resource: '*' },
    // Top contributors: the reports of the stack's own Contributor Insights rules.
    ...(params.attributionKeys.length > 0
      ? [
          {
            Effect: 'Allow',
            Action: ['cloudwatch:GetInsightRuleReport'],
            Resource: arn('cloudwatch', `insight-rule/${names.namePrefix}-top-*`),
          },
        ]
      : []),
    ...(params.remediationEvents
      ? [
          {
            Effect: 'Allow',
            Action: ['events:PutEvents'],
            // The parameter is a bus name or its ARN (parameters.ts checks which shape).
            Resource: params.remediationEventBus.startsWith('arn:')
              ? params.remediationEventBus
              : arn('events', `event-bus/${params.remediationEventBus}`),
          },
        ]
      : []),
  ];
}

function topicSubscriptions(): Resources {
  const resources: Resources = {};
  for (const level of ['Warning', 'Critical']) {
    resources[`${level}NotifierSubscription`] = {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: ref(`${level}Topic`),
        Protocol: 'lambda',
        Endpoint: arnOf(NOTIFIER_FUNCTION_ID),
      },
    };
    resources[`${level}NotifierPermission`] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(NOTIFIER_FUNCTION_ID),
        Principal: 'sns.amazonaws.com',
        SourceArn: ref(`${level}Topic`),
      },
    };
  }
  return resources;
}

function tick(): Resources {
  return {
    NotifierTickRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: 'Escalation: every minute, the notifier sends the steps that fell due',
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [{ Arn: arnOf(NOTIFIER_FUNCTION_ID), Id: 'notifier-tick' }],
      },
    },
    NotifierTickPermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(NOTIFIER_FUNCTION_ID),
        Principal: 'events.amazonaws.com',
        SourceArn: arnOf('NotifierTickRule'),
      },
    },
  };
}

/** The notifier's role, and everything else it needs when it is enabled. */
export function notifierResources(params: StackParameters, names: IngestNames): Resources {
  const logGroup = `/aws/lambda/${names.namePrefix}-notifier`;
  if (!notifierEnabled(params)) return { NotifierRole: functionRole('notifier', logGroup, []) };
  const targets = parseTargets(params.alertTargets);
  return {
    NotifierRole: functionRole('notifier', logGroup, notifierStatements(params, names, targets)),
    AlertStateTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: alertStateTableName(names),
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        // Finished episodes leave by themselves: the table holds about one item per alarm that fired lately.
        TimeToLiveSpecification: { AttributeName: STATE_TTL_ATTRIBUTE, Enabled: true },
      },
    },
    NotifierFailureQueue: {
      Type: 'AWS::SQS::Queue',
      // Notifications never delivered are kept after a stack delete or replacement, to redrive.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        QueueName: notifierFailureQueueName(names.namePrefix),
        MessageRetentionPeriod: 1_209_600,
        SqsManagedSseEnabled: true,
      },
    },
    NotifierInvokeConfig: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: ref(NOTIFIER_FUNCTION_ID),
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        // An alert older than an hour is history, not news; it waits in the queue instead.
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: arnOf('NotifierFailureQueue') } },
      },
    },
    ...topicSubscriptions(),
    ...(targets.length > 0 ? tick() : {}),
  };
}

/** Where to look when the notifier fails. */
export function notifierOutputs(params: StackParameters): Record<string, Output> {
  if (!notifierEnabled(params)) return {};
  return {
    NotifierFailureQueueUrl: {
      Description: 'Alarm notifications the notifier could not deliver (redrive from here)',
      Value: ref('NotifierFailureQueue'),
    },
  };
}

/** BEDROCK_WATCH_NOTIFIER: names, specs and dashboards the notifier reads at start (no secret). */
export function notifierSettings(
  params: StackParameters,
  names: IngestNames,
  dashboards: Partial<Record<DashboardKey, string>>,
): NotifierSettings {
  return {
    namePrefix: names.namePrefix,
    namespace: params.metricsNamespace,
    service: params.serviceName,
    targets: params.alertTargets,
    escalationPolicy: params.escalationPolicy,
    warningPolicy: params.warningPolicy,
    tableName: alertStateTableName(names),
    topics: { warning: `${names.namePrefix}-warning`, critical: `${names.namePrefix}-critical` },
    dashboards,
    attributionKeys: params.attributionKeys,
    ...(params.remediationEvents ? { eventBus: params.remediationEventBus } : {}),
  };
}
