/**
 * Where Bedrock writes invocation logs and how it is told to: the log group and the role Bedrock
 * writes it with, the optional bucket for large bodies, and the custom resource (backed by the
 * logging-config function, whose role is here too) that sets the account's logging configuration.
 */

import { BEDROCK_LOG_STREAM } from '../../shared/contract/bedrock-logs';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { arn, arnOf, assumeRole, functionRole, type Output, type Resources, ref, sub } from './cfn';
import {
  FUNCTION_IDS,
  type IngestNames,
  previousConfigParameter,
  type StackContext,
  subscriptionDestination,
} from './names';

/** The log group Bedrock writes to: the stack's own, or one that exists already. */
export interface InvocationLogGroup {
  /** The stack creates (and retains) the group. */
  managed: boolean;
  name: string;
}

/** Which log group the invocation logs go to. */
export function invocationLogGroup(
  params: Pick<StackParameters, 'existingLogGroup' | 'invocationLogGroupName'>,
): InvocationLogGroup {
  const managed = params.existingLogGroup === '';
  return { managed, name: managed ? params.invocationLogGroupName : params.existingLogGroup };
}

/** What a resource reading the group waits for: the group, when the stack creates it. */
export const dependsOnLogGroup = (group: InvocationLogGroup): string[] =>
  group.managed ? ['InvocationLogGroup'] : [];

/** A DependsOn on `ids`, or nothing when there are none (an empty list is a lint warning). */
const dependsOn = (ids: string[]) => (ids.length > 0 ? { DependsOn: ids } : {});

/** The group's name, for operators and other stacks. */
export function invocationLogGroupOutputs(group: InvocationLogGroup): Record<string, Output> {
  return {
    InvocationLogGroupName: {
      Description: 'Log group Bedrock writes invocation logs to',
      Value: group.name,
    },
  };
}

/**
 * The stack's own log group. Retained: invocation logs are an audit trail. Its name is fixed, so
 * the next deploy after a stack delete (or into an account that has the group) adopts it with
 * `existingLogGroup` instead (docs/deploy.md).
 */
function logGroupResource(params: StackParameters, group: InvocationLogGroup): Resources {
  return {
    InvocationLogGroup: {
      Type: 'AWS::Logs::LogGroup',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        LogGroupName: group.name,
        RetentionInDays: invocationLogRetention(params),
        ...(params.invocationLogKmsKeyArn ? { KmsKeyId: params.invocationLogKmsKeyArn } : {}),
      },
    },
  };
}

/** Days the invocation logs (and large bodies) are kept: 1 with `invocationText=short`, the text being in them. */
export const invocationLogRetention = (
  params: Pick<StackParameters, 'invocationText' | 'invocationLogRetentionDays'>,
): number => (params.invocationText === 'short' ? 1 : params.invocationLogRetentionDays);

/** The role Bedrock writes the group with, the stack's own group or an adopted one (or a member's, deploy/member/). */
export function bedrockLoggingRole(group: InvocationLogGroup): Resources {
  return {
    BedrockLoggingRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: assumeRole('bedrock.amazonaws.com', {
          StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
          ArnLike: {
            'aws:SourceArn': arn('bedrock', '*'),
          },
        }),
        Policies: [
          {
            PolicyName: 'write-invocation-logs',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                  Resource: arn('logs', `log-group:${group.name}:log-stream:${BEDROCK_LOG_STREAM}`),
                },
              ],
            },
          },
        ],
      },
    },
  };
}

/** A bucket only Bedrock writes, over TLS, whose bodies expire with the logs that point to them. */
function largeDataBucketResources(params: StackParameters): Resources {
  return {
    LargeDataBucket: {
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [
            { Id: 'expire-bodies', Status: 'Enabled', ExpirationInDays: invocationLogRetention(params) },
          ],
        },
      },
    },
    LargeDataBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: ref('LargeDataBucket'),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'BedrockWritesLargeBodies',
              Effect: 'Allow',
              Principal: { Service: 'bedrock.amazonaws.com' },
              Action: ['s3:PutObject'],
              Resource: sub('${LargeDataBucket.Arn}/*'),
              Condition: {
                StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
                ArnLike: {
                  'aws:SourceArn': arn('bedrock', '*'),
                },
              },
            },
            {
              Sid: 'TlsOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: ['s3:GetObject', 's3:PutObject'],
              Resource: sub('${LargeDataBucket.Arn}/*'),
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
  };
}

/**
 * What a function that sets Bedrock's logging may do: read, put and delete the account's setting,
 * pass Bedrock's role for the stack's group (`passRole`) and keep the earlier setting in the SSM
 * parameter `parameterName`. The central stack's and the member template's functions share it.
 */
export function loggingSettingStatements(
  parameterName: string,
  passRole: boolean,
): Record<string, unknown>[] {
  return [
    {
      // These Bedrock actions have no resource type: IAM accepts only "*" here.
      Effect: 'Allow',
      Action: [
        'bedrock:GetModelInvocationLoggingConfiguration',
        'bedrock:PutModelInvocationLoggingConfiguration',
        'bedrock:DeleteModelInvocationLoggingConfiguration',
      ],
      Resource: '*',
    },
    ...(passRole
      ? [
          {
            Effect: 'Allow',
            Action: ['iam:PassRole'],
            Resource: arnOf('BedrockLoggingRole'),
            Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
          },
        ]
      : []),
    {
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
      Resource: arn('ssm', `parameter${parameterName}`),
    },
  ];
}

/**
 * The logging-config function's role: the account's logging configuration, and where it keeps the
 * old one. The earlier setting's role, for the restore on delete, is granted by
 * EarlierLoggingRolePassPolicy (below), once the function has read it.
 */
function loggingConfigRole(
  ctx: StackContext,
  names: IngestNames,
  group: InvocationLogGroup,
  managesLogging: boolean,
) {
  return functionRole('manage-invocation-logging', names.loggingConfigLogGroupName, [
    ...loggingSettingStatements(previousConfigParameter(ctx), managesLogging),
    ...(managesLogging
      ? [
          {
            // Room for the stack's subscription: a group takes two filters (subscription.ts).
            Effect: 'Allow',
            Action: ['logs:DescribeSubscriptionFilters'],
            Resource: arn('logs', `log-group:${group.name}:*`),
          },
        ]
      : []),
  ]);
}

/** The invocation-logging resources, in two parts because the template has other resources between them. */
export interface InvocationLogging {
  /** Log group and Bedrock's role (if the stack creates the group), bucket, logging-config role. */
  resources: Resources;
  /** The custom resource that turns logging on, if the stack manages it. */
  customResource: Resources;
}

/**
 * How long CloudFormation waits for the custom resource's answer. The function always answers
 * before its own timeout (serverless.yml: loggingConfig, 120 s); this bounds the wait when it
 * cannot (a crash, an invalid deployment) to minutes instead of CloudFormation's default hour.
 */
export const LOGGING_CONFIG_SERVICE_TIMEOUT_SECONDS = 300;

/**
 * The restore on delete passes the role of the setting the stack found (an account that logged to
 * its group with its own role) back to Bedrock. That role is known only at runtime, so a custom
 * resource reads it (from the SSM copy, or the account's setting before the stack changes it) and
 * answers its ARN, or the stack's own role's when the earlier setting had none; a policy grants
 * iam:PassRole on exactly that ARN, to Bedrock only. InvocationLoggingConfig depends on the policy:
 * created before it, deleted after it.
 */
function earlierRoleGrant(ctx: StackContext): Resources {
  return {
    EarlierLoggingRole: {
      Type: 'Custom::BedrockEarlierLoggingRole',
      Properties: {
        ServiceToken: arnOf(FUNCTION_IDS.loggingConfig),
        ServiceTimeout: LOGGING_CONFIG_SERVICE_TIMEOUT_SECONDS,
        PreviousConfigParameter: previousConfigParameter(ctx),
        StackRoleArn: arnOf('BedrockLoggingRole'),
      },
    },
    EarlierLoggingRolePassPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'pass-earlier-logging-role',
        Roles: [ref('LoggingConfigRole')],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['iam:PassRole'],
              Resource: { 'Fn::GetAtt': ['EarlierLoggingRole', 'RoleArn'] },
              Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
            },
          ],
        },
      },
    },
  };
}

/** Everything that gets invocation logs written, per the parameters. */
export function invocationLogging(
  params: StackParameters,
  ctx: StackContext,
  names: IngestNames,
  group: InvocationLogGroup,
): InvocationLogging {
  const createBucket = params.largeDataBucket === 'create';
  // Logging is managed for an adopted group too: only the group itself is not the stack's.
  const managesLogging = params.manageInvocationLogging;
  const resources: Resources = {
    ...(group.managed ? logGroupResource(params, group) : {}),
    ...(managesLogging ? bedrockLoggingRole(group) : {}),
    ...(createBucket ? largeDataBucketResources(params) : {}),
    LoggingConfigRole: loggingConfigRole(ctx, names, group, managesLogging),
  };
  if (!managesLogging) return { resources, customResource: {} };
  const largeDataBucket = createBucket ? ref('LargeDataBucket') : params.largeDataBucket;
  return {
    resources,
    customResource: {
      ...earlierRoleGrant(ctx),
      InvocationLoggingConfig: {
        Type: 'Custom::BedrockInvocationLogging',
        // Bedrock is pointed at its destinations only once it may write to them (the role is
        // waited for through RoleArn's GetAtt). It depends on the earlier role's grant so that a
        // stack delete removes the grant only after the restore that needs it.
        ...dependsOn([
          ...dependsOnLogGroup(group),
          ...(createBucket ? ['LargeDataBucketPolicy'] : []),
          'EarlierLoggingRolePassPolicy',
        ]),
        Properties: {
          ServiceToken: arnOf(FUNCTION_IDS.loggingConfig),
          ServiceTimeout: LOGGING_CONFIG_SERVICE_TIMEOUT_SECONDS,
          LogGroupName: group.name,
          RoleArn: arnOf('BedrockLoggingRole'),
          PreviousConfigParameter: previousConfigParameter(ctx),
          // Account-wide: `off` asks Bedrock for metadata only (the function keeps an S3 archive's flags).
          TextDataDelivery: params.invocationText === 'off' ? 'false' : 'true',
          SubscriptionDestinationArn: subscriptionDestination(params),
          ...(largeDataBucket
            ? { LargeDataBucket: largeDataBucket, LargeDataKeyPrefix: 'invocation-bodies' }
            : {}),
        },
      },
    },
  };
}
