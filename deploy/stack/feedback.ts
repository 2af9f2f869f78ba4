/**
 * The feedback log group (docs/quality.md, User feedback): applications write feedback records
 * (`schemaType` BedrockWatchFeedback) to it, and it is subscribed to the same ingest function as the
 * invocation logs, directly or through the same Kinesis stream.
 */

import { FEEDBACK_SCHEMA_TYPE } from '../../shared/contract/feedback';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { arn, arnOf, type Output, type Resources, ref } from './cfn';
import { FUNCTION_IDS, type IngestNames } from './names';

/** Only feedback records reach the function from this group. */
export const FEEDBACK_FILTER_PATTERN = `{ $.schemaType = "${FEEDBACK_SCHEMA_TYPE}" }`;

/** The feedback log group's name: `/<service>-<stage>/feedback`. */
export const feedbackLogGroupName = (names: IngestNames) => `/${names.namePrefix}/feedback`;

/** The log group and its subscription; nothing with `feedbackLogGroup=false`. */
export function feedbackResources(params: StackParameters, names: IngestNames): Resources {
  if (!params.feedbackLogGroup) return {};
  const name = feedbackLogGroupName(names);
  const group: Resources = {
    FeedbackLogGroup: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: name, RetentionInDays: params.invocationLogRetentionDays },
    },
  };
  if (params.ingestMode === 'kinesis') {
    return {
      ...group,
      FeedbackSubscription: {
        Type: 'AWS::Logs::SubscriptionFilter',
        DependsOn: ['FeedbackLogGroup', 'IngestStreamMapping'],
        Properties: {
          LogGroupName: name,
          FilterPattern: FEEDBACK_FILTER_PATTERN,
          DestinationArn: arnOf('IngestStream'),
          RoleArn: arnOf('LogsToKinesisRole'),
        },
      },
    };
  }
  return {
    ...group,
    FeedbackSubscriptionPermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(FUNCTION_IDS.ingest),
        Principal: 'logs.amazonaws.com',
        SourceArn: arn('logs', `log-group:${name}:*`),
        SourceAccount: ref('AWS::AccountId'),
      },
    },
    FeedbackSubscription: {
      Type: 'AWS::Logs::SubscriptionFilter',
      DependsOn: ['FeedbackLogGroup', 'FeedbackSubscriptionPermission'],
      Properties: {
        LogGroupName: name,
        FilterPattern: FEEDBACK_FILTER_PATTERN,
        DestinationArn: arnOf(FUNCTION_IDS.ingest),
      },
    },
  };
}

/** The group's name, for the applications that write to it. */
export function feedbackOutputs(params: StackParameters): Record<string, Output> {
  if (!params.feedbackLogGroup) return {};
  return {
    FeedbackLogGroupName: {
      Description: 'Write feedback records (docs/quality.md, User feedback) to this log group',
      Value: ref('FeedbackLogGroup'),
    },
  };
}
