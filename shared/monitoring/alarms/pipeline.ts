import { DIM_SERVICE, HEALTH, METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import {
  type AboveSpec,
  above,
  awsMetric,
  FIVE_MINUTES,
  ONE_OF_ONE,
  ours,
  percentOf,
  TWO_OF_THREE,
} from './build';
import type { MetricAlarmDefinition, PipelineFamily, StackNames } from './types';

/** A pipeline-health alarm; its key is its family, and level and scope are the same for all. */
type HealthCheck = Omit<AboveSpec, 'key' | 'family' | 'scope' | 'level'> & { key: PipelineFamily };

const service = (params: StackParameters) => ({ [DIM_SERVICE]: params.serviceName });

const ingestErrors = (_params: StackParameters, ctx: StackNames): HealthCheck => ({
  key: 'pipeline-ingest-errors',
  description: 'The ingest function failed (batches are retried, then kept in the failure queue)',
  queries: [
    {
      id: 'm',
      metric: awsMetric('AWS/Lambda', 'Errors', { FunctionName: ctx.ingestFunctionName }, 'Sum'),
      returnData: true,
    },
  ],
  threshold: 0,
  window: ONE_OF_ONE,
  rationale:
    'Any failure is worth a look; Lambda publishes no point without invocations, which is fine (notBreaching).',
});

const failureQueueDepth = (_params: StackParameters, ctx: StackNames): HealthCheck => ({
  key: 'pipeline-failure-queue-depth',
  description: 'Events wait in the ingest failure queue: redrive them (README, Reliability)',
  queries: [
    {
      id: 'm',
      metric: awsMetric(
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        { QueueName: ctx.failureQueueName },
        'Maximum',
      ),
      returnData: true,
    },
  ],
  threshold: 0,
  window: ONE_OF_ONE,
  rationale:
    'One message is lost visibility until redriven; SQS stops publishing for idle queues (notBreaching).',
});

// HEALTH names carry no unit in the contract, hence the unit literals in the two checks below.
const rejectedRecords = (params: StackParameters): HealthCheck => ({
  key: 'pipeline-rejected-records',
  description: `More than ${params.rejectedRecordsWarningPct} % of received log events were rejected`,
  queries: [
    {
      id: 'rej',
      metric: ours(params, HEALTH.rejectedRecords, service(params), 'Sum', FIVE_MINUTES, 'Count'),
      returnData: false,
    },
    {
      id: 'rcv',
      metric: ours(params, HEALTH.recordsReceived, service(params), 'Sum', FIVE_MINUTES, 'Count'),
      returnData: false,
    },
    {
      id: 'ratio',
      expression: `IF(rcv >= ${params.minInvocationsForRate}, ${percentOf(['rej'], 'rcv')}, 0)`,
      label: 'rejected %',
      returnData: true,
    },
  ],
  threshold: params.rejectedRecordsWarningPct,
  window: TWO_OF_THREE,
  rationale:
    'A format change upstream shows as a lasting rejection share: 2 of 3 periods, with the same volume guard as the rates.',
});

const unpricedInvocations = (params: StackParameters): HealthCheck => ({
  key: 'pipeline-unpriced-invocations',
  description: 'Calls to a model without a price: cost figures are incomplete (add the price)',
  queries: [
    {
      id: 'm',
      metric: ours(
        params,
        METRIC.unpricedInvocations.name,
        service(params),
        'Sum',
        3600,
        METRIC.unpricedInvocations.unit,
      ),
      returnData: true,
    },
  ],
  threshold: 0,
  window: ONE_OF_ONE,
  rationale: 'Hourly: not urgent, but every unpriced call makes the cost figures wrong.',
});

const emfRejected = (_params: StackParameters, ctx: StackNames): HealthCheck => ({
  key: 'pipeline-emf-rejected',
  description: 'CloudWatch dropped EMF documents from the ingest function: metrics are missing',
  queries: [
    {
      id: 'val',
      metric: awsMetric('AWS/Logs', 'EMFValidationErrors', { LogGroupName: ctx.ingestLogGroupName }, 'Sum'),
      returnData: false,
    },
    {
      id: 'par',
      metric: awsMetric('AWS/Logs', 'EMFParsingErrors', { LogGroupName: ctx.ingestLogGroupName }, 'Sum'),
      returnData: false,
    },
    { id: 'bad', expression: 'FILL(val, 0) + FILL(par, 0)', label: 'EMF errors', returnData: true },
  ],
  threshold: 0,
  window: ONE_OF_ONE,
  rationale: 'Invalid EMF is dropped silently; these counters are the only trace, so any value alarms.',
});

const bedrockLogDelivery = (): HealthCheck => ({
  key: 'pipeline-bedrock-log-delivery',
  description: 'Bedrock failed to deliver invocation logs to CloudWatch Logs',
  queries: [
    {
      id: 'm',
      metric: awsMetric('AWS/Bedrock', 'ModelInvocationLogsCloudWatchDeliveryFailure', {}, 'Sum'),
      returnData: true,
    },
  ],
  threshold: 0,
  window: ONE_OF_ONE,
  rationale: 'Undelivered logs are calls this monitor never sees.',
});

/** Only while a large-data bucket is used: bodies over 100 KB that never reached it. */
const bedrockLargeDataDelivery = (): HealthCheck => ({
  key: 'pipeline-bedrock-large-data-delivery',
  description: 'Bedrock failed to deliver large request or response bodies to the large-data S3 bucket',
  queries: [
    {
      id: 'm',
      metric: awsMetric('AWS/Bedrock', 'ModelInvocationLargeDataS3DeliveryFailure', {}, 'Sum'),
      returnData: true,
    },
  ],
  threshold: 0,
  window: ONE_OF_ONE,
  rationale:
    'A missing bucket-policy statement or a deleted bucket loses every large body: one failure is worth a look.',
});

const deliveryLag = (params: StackParameters): HealthCheck => ({
  key: 'pipeline-delivery-lag',
  description: `Records reach the ingest function more than ${params.deliveryLagWarningMs / 60_000} minutes late`,
  queries: [
    {
      id: 'm',
      metric: ours(params, HEALTH.deliveryLag, service(params), 'Maximum', FIVE_MINUTES, 'Milliseconds'),
      returnData: true,
    },
  ],
  threshold: params.deliveryLagWarningMs,
  window: TWO_OF_THREE,
  rationale:
    '2 of 3 periods: retries make single batches late; a lasting lag means the pipeline falls behind.',
});

/** In the order the alarms are emitted (and appear in the template). */
const CHECKS: ((params: StackParameters, ctx: StackNames) => HealthCheck)[] = [
  ingestErrors,
  failureQueueDepth,
  rejectedRecords,
  unpricedInvocations,
  emfRejected,
  bedrockLogDelivery,
  deliveryLag,
];

/**
 * Health of the monitor itself (ingest failures, failure queue, rejected records, unpriced calls,
 * dropped EMF, Bedrock log delivery, large-body delivery while a bucket is used, delivery lag): one
 * warning alarm each.
 * @example pipelineAlarms(params, ctx)[0]?.key // 'pipeline-ingest-errors'
 */
export function pipelineAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  const checks =
    params.largeDataBucket === ''
      ? CHECKS
      : [...CHECKS.slice(0, -1), bedrockLargeDataDelivery, ...CHECKS.slice(-1)];
  return checks.map((check) => {
    const spec = check(params, ctx);
    return above(ctx, { ...spec, family: spec.key, scope: 'pipeline', level: 'warning' });
  });
}
