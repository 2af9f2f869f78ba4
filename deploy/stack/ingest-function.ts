/**
 * What the ingest function needs besides its code: a queue for the events it could not process,
 * its role, and settings on the function resource the framework generates.
 */

import type { StackParameters } from '../../shared/monitoring/parameters';
import { arn, arnOf, functionRole, type Output, type Resources, ref } from './cfn';
import { FUNCTION_IDS, type IngestNames } from './names';

/** The failure queue and the ingest function's role. */
export function ingestFunctionResources(params: StackParameters, names: IngestNames): Resources {
  const statements: Record<string, unknown>[] = [
    { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: arnOf('IngestFailureQueue') },
  ];
  if (params.resolveInferenceProfiles) {
    statements.push({
      Effect: 'Allow',
      Action: ['bedrock:GetInferenceProfile'],
      Resource: arn('bedrock', 'application-inference-profile/*'),
    });
  }
  if (params.ingestMode === 'kinesis') {
    statements.push({
      Effect: 'Allow',
      Action: [
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
      ],
      Resource: arnOf('IngestStream'),
    });
  }
  return {
    IngestFailureQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: names.failureQueueName,
        MessageRetentionPeriod: 1_209_600,
        SqsManagedSseEnabled: true,
      },
    },
    IngestRole: functionRole('ingest', names.ingestLogGroupName, statements),
  };
}

/** The failure queue's URL, where an operator redrives from. */
export function ingestFunctionOutputs(): Record<string, Output> {
  return {
    IngestFailureQueueUrl: {
      Description: 'Events the ingest function could not process (redrive from here)',
      Value: ref('IngestFailureQueue'),
    },
  };
}

/** Properties added to the ingest function the framework generates. */
export function ingestFunctionExtensions(
  params: StackParameters,
): Record<string, { Properties: Record<string, unknown> }> {
  const extensions: Record<string, { Properties: Record<string, unknown> }> = {};
  if (params.reservedConcurrency > 0) {
    extensions[FUNCTION_IDS.ingest] = {
      Properties: { ReservedConcurrentExecutions: params.reservedConcurrency },
    };
  }
  return extensions;
}
