/**
 * How invocation records reach the ingest function: a subscription filter straight to the
 * function (direct), or to a Kinesis stream the function reads (kinesis). Either way, events the
 * function gives up on go to the failure queue.
 */

import { INVOCATION_SCHEMA_TYPE } from '../../shared/contract/bedrock-logs';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { arn, arnOf, assumeRole, type Resource, type Resources, ref } from './cfn';
import { dependsOnLogGroup, type InvocationLogGroup } from './invocation-logging';
import { FUNCTION_IDS, type IngestNames, subscriptionDestination } from './names';

/**
 * The custom resource looks for room in the group first (a group takes two subscription filters),
 * so a full group fails there with the reason instead of here with LimitExceeded.
 */
const afterRoomCheck = (params: StackParameters) =>
  params.manageInvocationLogging ? ['InvocationLoggingConfig'] : [];

/** The subscription filter: only invocation records reach the function. */
export const SUBSCRIPTION_FILTER_PATTERN = `{ $.schemaType = "${INVOCATION_SCHEMA_TYPE}" }`;

const onFailure = () => ({ OnFailure: { Destination: arnOf('IngestFailureQueue') } });

/** The subscription for `params.ingestMode`. */
export function subscriptionResources(
  params: StackParameters,
  group: InvocationLogGroup,
  names: IngestNames,
): Resources {
  return params.ingestMode === 'kinesis'
    ? kinesisSubscription(params, group, names)
    : directSubscription(params, group);
}

/**
 * The role CloudWatch Logs assumes to deliver subscription records (from log groups matching
 * `sourceArns`) to one stream: kinesis:PutRecord on that stream and nothing else.
 */
export function logsToStreamRole(sourceArns: unknown, streamArn: unknown, roleName?: string): Resource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      ...(roleName === undefined ? {} : { RoleName: roleName }),
      AssumeRolePolicyDocument: assumeRole('logs.amazonaws.com', {
        StringLike: { 'aws:SourceArn': sourceArns },
      }),
      Policies: [
        {
          PolicyName: 'put-records',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['kinesis:PutRecord'], Resource: streamArn }],
          },
        },
      ],
    },
  };
}

/**
 * CloudWatch Logs tests the destination with the role when the subscription filter is created, and
 * a role just created may not be usable yet (IAM is eventually consistent and says nothing when it
 * is done). So the role is created first, then the stream (CloudFormation waits until it is ACTIVE,
 * tens of seconds), then the event source mapping, and only then the filter: the role has had that
 * long to propagate before anything assumes it.
 */
function kinesisSubscription(
  params: StackParameters,
  group: InvocationLogGroup,
  names: IngestNames,
): Resources {
  return {
    IngestStream: {
      Type: 'AWS::Kinesis::Stream',
      DependsOn: ['LogsToKinesisRole'],
      Properties: {
        // Named, so the role can name it before it exists (a GetAtt would make a cycle).
        Name: names.streamName,
        ShardCount: params.kinesisShards,
        RetentionPeriodHours: params.kinesisRetentionHours,
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      },
    },
    LogsToKinesisRole: logsToStreamRole(arn('logs', '*'), arn('kinesis', `stream/${names.streamName}`)),
    InvocationSubscription: {
      Type: 'AWS::Logs::SubscriptionFilter',
      DependsOn: [...dependsOnLogGroup(group), 'IngestStreamMapping', ...afterRoomCheck(params)],
      Properties: {
        LogGroupName: group.name,
        FilterPattern: SUBSCRIPTION_FILTER_PATTERN,
        DestinationArn: subscriptionDestination(params),
        RoleArn: arnOf('LogsToKinesisRole'),
      },
    },
    IngestStreamMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        FunctionName: ref(FUNCTION_IDS.ingest),
        EventSourceArn: arnOf('IngestStream'),
        StartingPosition: 'TRIM_HORIZON',
        ...kinesisBatching(params),
        // A bad record is isolated by halving the batch instead of blocking the shard.
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: params.maximumRetryAttempts,
        MaximumRecordAgeInSeconds: params.maximumEventAgeSeconds,
        DestinationConfig: onFailure(),
      },
    },
  };
}

/**
 * How the mapping batches the stream. One account: 100 records or 10 s, alarms see a call within
 * seconds. An organization: up to 10,000 records (Lambda's 6 MB payload caps it first) or 60 s —
 * each batch writes one attribution line per value, model and minute, so batches of 10 s at a
 * hundred accounts' volume would write a line for nearly every call (docs/organization.md, the
 * bill); a minute's batch adds at most a minute of lag, against the 15-minute lag alarm.
 */
export const KINESIS_BATCHING = {
  account: { BatchSize: 100, MaximumBatchingWindowInSeconds: 10 },
  organization: { BatchSize: 10_000, MaximumBatchingWindowInSeconds: 60 },
} as const;

const kinesisBatching = (params: StackParameters) =>
  KINESIS_BATCHING[params.organizationId === '' ? 'account' : 'organization'];

function directSubscription(params: StackParameters, group: InvocationLogGroup): Resources {
  return {
    IngestSubscriptionPermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(FUNCTION_IDS.ingest),
        Principal: 'logs.amazonaws.com',
        SourceArn: arn('logs', `log-group:${group.name}:*`),
        SourceAccount: ref('AWS::AccountId'),
      },
    },
    InvocationSubscription: {
      Type: 'AWS::Logs::SubscriptionFilter',
      DependsOn: [...dependsOnLogGroup(group), 'IngestSubscriptionPermission', ...afterRoomCheck(params)],
      Properties: {
        LogGroupName: group.name,
        FilterPattern: SUBSCRIPTION_FILTER_PATTERN,
        DestinationArn: subscriptionDestination(params),
      },
    },
    IngestAsyncConfig: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: ref(FUNCTION_IDS.ingest),
        Qualifier: '$LATEST',
        MaximumRetryAttempts: params.maximumRetryAttempts,
        MaximumEventAgeInSeconds: params.maximumEventAgeSeconds,
        DestinationConfig: onFailure(),
      },
    },
  };
}
