/**
 * The member template (docs/organization.md): plain CloudFormation a service-managed StackSet
 * deploys to every account of an organization, in each source region. It ships invocation records
 * to the central account and runs none of our Lambda code but the inline custom resource that sets
 * Bedrock's logging: the invocation log group, Bedrock's role to write it, that custom resource,
 * and a subscription filter (with the role Logs checks the organization's permission with) to the
 * central account's destination of the region. Built from the same parts as the central stack.
 */

import type { StackParameters } from '../../shared/monitoring/parameters';
import { arn, arnOf, assumeRole, functionRole, type Resources, ref } from '../stack/cfn';
import {
  bedrockLoggingRole,
  invocationLogGroup,
  invocationLogRetention,
  LOGGING_CONFIG_SERVICE_TIMEOUT_SECONDS,
  loggingSettingStatements,
} from '../stack/invocation-logging';
import { ingestNames, type StackContext } from '../stack/names';
import { memberDestinationArn } from '../stack/organization';
import { SUBSCRIPTION_FILTER_PATTERN } from '../stack/subscription';
import { INLINE_LOGGING_SOURCE } from './inline-logging';

export interface MemberOptions {
  /** The account that runs the central stack (12 digits). */
  centralAccount: string;
  /** The central stack's service and stage: they name the destination. */
  ctx: StackContext;
  /** invocationLogGroupName, invocationLogRetentionDays, invocationText: the others are the central stack's. */
  params: Pick<StackParameters, 'invocationLogGroupName' | 'invocationLogRetentionDays' | 'invocationText'>;
}

/** A template option that is wrong: the script prints it and exits 1. */
export class MemberTemplateError extends Error {
  override readonly name = 'MemberTemplateError';
}

/** The member's own names: the custom resource's function and where it keeps the earlier setting. */
export function memberNames(ctx: StackContext) {
  const prefix = `${ctx.service}-${ctx.stage}`;
  return {
    functionName: `${prefix}-member-logging`,
    functionLogGroupName: `/aws/lambda/${prefix}-member-logging`,
    previousConfigParameter: `/${ctx.service}/${ctx.stage}/member/previous-invocation-logging-config`,
  };
}

/** The custom resource that sets Bedrock's logging, its inline function and that function's role and log group. */
function loggingResources(opts: MemberOptions, logGroupName: string): Resources {
  const own = memberNames(opts.ctx);
  return {
    LoggingConfigLogGroup: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: own.functionLogGroupName, RetentionInDays: 30 },
    },
    LoggingConfigRole: functionRole(
      'manage-invocation-logging',
      own.functionLogGroupName,
      loggingSettingStatements(own.previousConfigParameter, true),
    ),
    LoggingConfigFunction: {
      Type: 'AWS::Lambda::Function',
      DependsOn: ['LoggingConfigLogGroup'],
      Properties: {
        FunctionName: own.functionName,
        Description:
          'Custom resource that turns Bedrock model-invocation logging on and restores it on delete',
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 128,
        Timeout: 120,
        Role: arnOf('LoggingConfigRole'),
        Code: { ZipFile: INLINE_LOGGING_SOURCE },
      },
    },
    InvocationLoggingConfig: {
      Type: 'Custom::BedrockInvocationLogging',
      DependsOn: ['InvocationLogGroup'],
      Properties: {
        ServiceToken: arnOf('LoggingConfigFunction'),
        ServiceTimeout: LOGGING_CONFIG_SERVICE_TIMEOUT_SECONDS,
        LogGroupName: logGroupName,
        RoleArn: arnOf('BedrockLoggingRole'),
        PreviousConfigParameter: own.previousConfigParameter,
        TextDataDelivery: opts.params.invocationText === 'off' ? 'false' : 'true',
      },
    },
  };
}

/**
 * The subscription to the central destination. With a destination policy that admits an
 * organization, Logs checks the sender's permission through a role of the sender that it assumes
 * (CreateSubscriptionFilter-IAMrole, docs/organization.md).
 */
function subscriptionResources(opts: MemberOptions, logGroupName: string): Resources {
  return {
    SubscriptionRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        // The trust AWS gives for this role has no condition: which ARN Logs presents when it checks
        // the organization's permission is not documented. It may only write its own group.
        AssumeRolePolicyDocument: assumeRole('logs.amazonaws.com'),
        Policies: [
          {
            PolicyName: 'send-invocation-logs',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['logs:PutLogEvents'],
                  Resource: arn('logs', `log-group:${logGroupName}:*`),
                },
              ],
            },
          },
        ],
      },
    },
    InvocationSubscription: {
      Type: 'AWS::Logs::SubscriptionFilter',
      DependsOn: ['InvocationLogGroup'],
      Properties: {
        LogGroupName: logGroupName,
        FilterPattern: SUBSCRIPTION_FILTER_PATTERN,
        DestinationArn: memberDestinationArn(opts.centralAccount, ref('AWS::Region'), ingestNames(opts.ctx)),
        RoleArn: arnOf('SubscriptionRole'),
      },
    },
  };
}

/**
 * The member template for these options.
 * @throws MemberTemplateError if the central account is not an account id.
 */
export function memberTemplate(opts: MemberOptions) {
  if (!/^\d{12}$/.test(opts.centralAccount))
    throw new MemberTemplateError(`--central-account: "${opts.centralAccount}" is not a 12-digit account id`);
  const group = invocationLogGroup({
    existingLogGroup: '',
    invocationLogGroupName: opts.params.invocationLogGroupName,
  });
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `bedrock-watch member: Bedrock invocation logs of this account and region to ${opts.ctx.service}-${opts.ctx.stage} in ${opts.centralAccount}`,
    Resources: {
      InvocationLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        // Retained, as in the full stack: invocation logs are an audit trail.
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { LogGroupName: group.name, RetentionInDays: invocationLogRetention(opts.params) },
      },
      ...bedrockLoggingRole(group),
      ...loggingResources(opts, group.name),
      ...subscriptionResources(opts, group.name),
    },
    Outputs: {
      InvocationLogGroupName: {
        Description: 'Log group Bedrock writes invocation logs to',
        Value: group.name,
      },
    },
  };
}
