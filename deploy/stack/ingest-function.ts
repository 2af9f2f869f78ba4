/**
 * What the ingest function needs besides its code: a queue for the events it could not process,
 * its role, and settings on the function resource the framework generates.
 */

import type { StackParameters } from '../../shared/monitoring/parameters';
import { arn, arnOf, functionRole, type Output, type Resources, ref } from './cfn';
import { FUNCTION_IDS, type IngestNames } from './names';

/**
 * The ingest function's memory, per ingest mode, in MB. Direct: one subscription payload per
 * invocation; the largest (10,000 events, 1 MB compressed) peaks near 114 MiB. Kinesis: a batch is
 * capped by Lambda's 6 MB invocation payload, not by BatchSize, and the largest (4 such payloads
 * as records, 5.1 MiB) peaks at 203 to 206 MiB, 80 % of 256 MB before the runtime's own share:
 * 512 MB leaves it 60 %.
 * Figures: npm run -s measure-memory (docs/performance.md).
 */
export const INGEST_MEMORY_MB = { direct: 256, kinesis: 512 } as const;

/** The ingest function's memory for these parameters (serverless.yml: functions.ingest.memorySize). */
export const ingestMemorySize = (params: StackParameters): number => INGEST_MEMORY_MB[params.ingestMode];

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
      // Records that failed every retry are kept after a stack delete or replacement, to redrive.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
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
