/**
 * Alarm definitions as plain data, generated from the metric contract and the stack parameters.
 * deploy/ turns them into CloudFormation; a local alarm simulator can evaluate the same data.
 */
import { ERROR_CLASSES } from '../../contract/error-classes';
import {
  DIM_MODEL_ID,
  DIM_SERVICE,
  type EmfUnit,
  ERROR_METRICS,
  HEALTH,
  METRIC,
} from '../../contract/metrics';
import type { StackParameters } from '../parameters';

export type AlarmLevel = 'warning' | 'critical';
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';
export type Comparison =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'GreaterThanUpperThreshold'
  | 'LessThanLowerOrGreaterThanUpperThreshold';

export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Sum, Maximum, Average, SampleCount, or a percentile such as p95. */
  stat: string;
  period: number;
  unit?: EmfUnit;
}

export interface MetricQuery {
  id: string;
  metric?: MetricRef;
  expression?: string;
  label?: string;
  returnData: boolean;
}

interface AlarmBase {
  /** Stable, unique within the stack; also the CloudFormation logical id's source. */
  key: string;
  name: string;
  description: string;
  /** Which SNS topic it notifies; 'none' = only an input to a composite alarm. */
  level: AlarmLevel | 'none';
}

export interface MetricAlarmDefinition extends AlarmBase {
  kind: 'metric';
  queries: MetricQuery[];
  comparison: Comparison;
  threshold?: number;
  /** For anomaly-detection alarms: the id of the ANOMALY_DETECTION_BAND query. */
  thresholdMetricId?: string;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  evaluateLowSampleCountPercentile?: 'evaluate' | 'ignore';
  /** Why this M-of-N and missing-data choice: kept next to the numbers on purpose. */
  rationale: string;
}

export interface CompositeAlarmDefinition extends AlarmBase {
  kind: 'composite';
  /** Keys of the child alarms, all of which must be in ALARM. */
  allOf: string[];
  rationale: string;
}

export type AlarmDefinition = MetricAlarmDefinition | CompositeAlarmDefinition;

export interface AlarmContext {
  /** Prefix for alarm names, e.g. `bedrock-watch-prod`. */
  namePrefix: string;
  ingestFunctionName: string;
  ingestLogGroupName: string;
  failureQueueName: string;
}

interface Scope {
  key: string;
  label: string;
  dimensions: Record<string, string>;
}

const FIVE_MINUTES = 300;

/** A short, stable, name-safe token for a model id (alarm names and logical ids need one). */
export function scopeToken(modelId: string): string {
  let hash = 2166136261;
  for (const ch of modelId) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  const readable = modelId
    .replace(/^arn:.*\//, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .slice(0, 48);
  return `${readable}-${hash.toString(36)}`;
}

function scopes(params: StackParameters): Scope[] {
  const service = { [DIM_SERVICE]: params.serviceName };
  return [
    { key: 'all', label: 'all models', dimensions: service },
    ...params.watchedModels.map((modelId) => ({
      key: scopeToken(modelId),
      label: modelId,
      dimensions: { ...service, [DIM_MODEL_ID]: modelId },
    })),
  ];
}

const ours = (
  params: StackParameters,
  metricName: string,
  dimensions: Record<string, string>,
  stat: string,
  period: number,
  unit?: EmfUnit,
): MetricRef => ({
  namespace: params.metricsNamespace,
  metricName,
  dimensions,
  stat,
  period,
  ...(unit ? { unit } : {}),
});

function levels(warning: number, critical: number): [AlarmLevel, number][] {
  return [
    ['warning', warning],
    ['critical', critical],
  ];
}

interface Window {
  evaluationPeriods: number;
  datapointsToAlarm: number;
}
const TWO_OF_THREE: Window = { evaluationPeriods: 3, datapointsToAlarm: 2 };
const ONE_OF_ONE: Window = { evaluationPeriods: 1, datapointsToAlarm: 1 };

/** Every alarm of the stack. Pure: the same parameters give the same definitions. */
export function buildAlarmDefinitions(params: StackParameters, ctx: AlarmContext): AlarmDefinition[] {
  const alarms: AlarmDefinition[] = [];
  const guard = params.minInvocationsForRate;
  /** A static-threshold alarm: above the threshold in `window`; no data is not a breach. */
  const above = (
    key: string,
    level: AlarmLevel,
    description: string,
    queries: MetricQuery[],
    threshold: number,
    window: Window,
    rationale: string,
  ): MetricAlarmDefinition => ({
    kind: 'metric',
    key,
    name: `${ctx.namePrefix}-${key}`,
    description,
    level,
    queries,
    comparison: 'GreaterThanThreshold',
    threshold,
    ...window,
    treatMissingData: 'notBreaching',
    rationale,
  });
  /** `100 * (a + b …) / denominator`, gaps filled with 0. */
  const percentOf = (ids: string[], denominator: string) =>
    `100 * (${ids.map((id) => `FILL(${id}, 0)`).join(' + ')}) / ${denominator}`;

  for (const scope of scopes(params)) {
    const dims = scope.dimensions;
    const sum = (id: string, metricName: string): MetricQuery => ({
      id,
      metric: ours(params, metricName, dims, 'Sum', FIVE_MINUTES, 'Count'),
      returnData: false,
    });
    const inv = sum('inv', METRIC.invocations.name);

    for (const [level, threshold] of levels(params.latencyP95WarningMs, params.latencyP95CriticalMs)) {
      alarms.push({
        ...above(
          `latency-p95-${level}-${scope.key}`,
          level,
          `p95 latency of ${scope.label} above ${threshold} ms`,
          [
            {
              id: 'p95',
              metric: ours(params, METRIC.latency.name, dims, 'p95', FIVE_MINUTES, METRIC.latency.unit),
              returnData: true,
            },
          ],
          threshold,
          TWO_OF_THREE,
          '5-minute periods gather enough samples for a p95; 2 of 3 rides out one slow burst. No traffic is not slowness (notBreaching). Low sample counts are evaluated, or quiet accounts would never alarm.',
        ),
        evaluateLowSampleCountPercentile: 'evaluate',
      });
    }

    const errors = ERROR_CLASSES.filter((c) => c !== 'Throttling').map((c) =>
      sum(`e${c.toLowerCase()}`, ERROR_METRICS[c].name),
    );
    const rates = [
      {
        key: 'error-rate',
        what: 'Error rate (all classes but throttling)',
        numerators: errors,
        levels: levels(params.errorRateWarningPct, params.errorRateCriticalPct),
        rationale: `The volume guard (${guard} calls) keeps one failure at night from paging; 2 of 3 periods filters a single bad burst. No traffic means no errors (notBreaching).`,
      },
      {
        key: 'throttle-rate',
        what: 'Throttled share of calls',
        numerators: [sum('thr', ERROR_METRICS.Throttling.name)],
        levels: levels(params.throttleRateWarningPct, params.throttleRateCriticalPct),
        rationale:
          'Same volume guard and 2-of-3 as the error rate: throttling comes in bursts that clients retry.',
      },
    ];
    for (const rate of rates) {
      for (const [level, threshold] of rate.levels) {
        alarms.push(
          above(
            `${rate.key}-${level}-${scope.key}`,
            level,
            `${rate.what} of ${scope.label} above ${threshold} %, with at least ${guard} calls per 5 minutes`,
            [
              ...rate.numerators,
              inv,
              {
                id: 'rate',
                expression: `IF(inv >= ${guard}, ${percentOf(
                  rate.numerators.map((q) => q.id),
                  'inv',
                )}, 0)`,
                label: `${rate.key} %`,
                returnData: true,
              },
            ],
            threshold,
            TWO_OF_THREE,
            rate.rationale,
          ),
        );
      }
    }

    const anomaly = (
      key: string,
      metricName: string,
      stat: string,
      unit: EmfUnit,
      level: AlarmLevel | 'none',
      what: string,
      window: Window,
      rationale: string,
    ): MetricAlarmDefinition => ({
      kind: 'metric',
      key: `${key}-${scope.key}`,
      name: `${ctx.namePrefix}-${key}-${scope.key}`,
      description: `${what} of ${scope.label} above its anomaly-detection band (width ${params.anomalyBandWidth})`,
      level,
      queries: [
        { id: 'm', metric: ours(params, metricName, dims, stat, FIVE_MINUTES, unit), returnData: true },
        {
          id: 'band',
          expression: `ANOMALY_DETECTION_BAND(m, ${params.anomalyBandWidth})`,
          label: 'expected',
          returnData: true,
        },
      ],
      comparison: 'GreaterThanUpperThreshold',
      thresholdMetricId: 'band',
      ...window,
      treatMissingData: 'notBreaching',
      rationale,
    });
    const spikes =
      'Only spikes matter (upper band); 3 of 3 periods so a single busy 5 minutes is not news. A quiet period is not a spike.';
    const threeOfThree = { evaluationPeriods: 3, datapointsToAlarm: 3 };
    alarms.push(
      anomaly(
        'output-tokens-anomaly',
        METRIC.outputTokens.name,
        'Sum',
        'Count',
        'warning',
        'Output tokens',
        threeOfThree,
        spikes,
      ),
    );
    alarms.push(
      anomaly(
        'cost-anomaly',
        METRIC.cost.name,
        'Sum',
        METRIC.cost.unit,
        'warning',
        'Cost',
        threeOfThree,
        spikes,
      ),
    );
    const latencyAnomaly = anomaly(
      'latency-anomaly',
      METRIC.latency.name,
      'p95',
      METRIC.latency.unit,
      'none',
      'p95 latency',
      TWO_OF_THREE,
      'Input to the composite alarm only (no notification): 2 of 3 periods above the band.',
    );
    alarms.push(latencyAnomaly);
    alarms.push({
      kind: 'composite',
      key: `latency-and-errors-${scope.key}`,
      name: `${ctx.namePrefix}-latency-and-errors-${scope.key}`,
      description: `${scope.label}: latency is anomalous AND the error rate is above warning`,
      level: 'critical',
      allOf: [latencyAnomaly.key, `error-rate-warning-${scope.key}`],
      rationale: 'Either signal alone is often noise; together they mean users are hurting.',
    });
  }

  for (const [modelId, quota] of Object.entries(params.quotas)) {
    const dims = { [DIM_SERVICE]: params.serviceName, [DIM_MODEL_ID]: modelId };
    const token = scopeToken(modelId);
    const perMinute = (id: string, metricName: string): MetricQuery => ({
      id,
      metric: ours(params, metricName, dims, 'Sum', 60, 'Count'),
      returnData: false,
    });
    const kinds = [
      {
        key: 'quota-tpm',
        what: 'tokens per minute',
        limit: quota.tokensPerMinute,
        used: [
          perMinute('tin', METRIC.inputTokens.name),
          perMinute('tcw', METRIC.cacheWriteInputTokens.name),
          perMinute('tout', METRIC.outputTokens.name),
        ],
      },
      {
        key: 'quota-rpm',
        what: 'requests per minute',
        limit: quota.requestsPerMinute,
        used: [perMinute('req', METRIC.invocations.name)],
      },
    ];
    for (const kind of kinds) {
      for (const [level, threshold] of levels(params.quotaWarningPct, params.quotaCriticalPct)) {
        alarms.push(
          above(
            `${kind.key}-${level}-${token}`,
            level,
            `${modelId}: ${kind.what} above ${threshold} % of the ${kind.limit} quota`,
            [
              ...kind.used,
              {
                id: 'used',
                expression: percentOf(
                  kind.used.map((q) => q.id),
                  String(kind.limit),
                ),
                label: `${kind.what} quota used %`,
                returnData: true,
              },
            ],
            threshold,
            TWO_OF_THREE,
            'Quotas are per minute, so 1-minute periods; 2 of 3 so one peak minute does not page.',
          ),
        );
      }
    }
  }

  const service = { [DIM_SERVICE]: params.serviceName };
  const aws = (
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    stat: string,
  ): MetricRef => ({
    namespace,
    metricName,
    dimensions,
    stat,
    period: FIVE_MINUTES,
  });
  const health = (
    key: string,
    description: string,
    queries: MetricQuery[],
    threshold: number,
    window: Window,
    rationale: string,
  ) => above(`pipeline-${key}`, 'warning', description, queries, threshold, window, rationale);
  alarms.push(
    health(
      'ingest-errors',
      'The ingest function failed (batches are retried, then kept in the failure queue)',
      [
        {
          id: 'm',
          metric: aws('AWS/Lambda', 'Errors', { FunctionName: ctx.ingestFunctionName }, 'Sum'),
          returnData: true,
        },
      ],
      0,
      ONE_OF_ONE,
      'Any failure is worth a look; Lambda publishes no point without invocations, which is fine (notBreaching).',
    ),
    health(
      'failure-queue-depth',
      'Events wait in the ingest failure queue: redrive them (README, Reliability)',
      [
        {
          id: 'm',
          metric: aws(
            'AWS/SQS',
            'ApproximateNumberOfMessagesVisible',
            { QueueName: ctx.failureQueueName },
            'Maximum',
          ),
          returnData: true,
        },
      ],
      0,
      ONE_OF_ONE,
      'One message is lost visibility until redriven; SQS stops publishing for idle queues (notBreaching).',
    ),
    health(
      'rejected-records',
      `More than ${params.rejectedRecordsWarningPct} % of received log events were rejected`,
      [
        {
          id: 'rej',
          metric: ours(params, HEALTH.rejectedRecords, service, 'Sum', FIVE_MINUTES, 'Count'),
          returnData: false,
        },
        {
          id: 'rcv',
          metric: ours(params, HEALTH.recordsReceived, service, 'Sum', FIVE_MINUTES, 'Count'),
          returnData: false,
        },
        {
          id: 'ratio',
          expression: `IF(rcv >= ${guard}, ${percentOf(['rej'], 'rcv')}, 0)`,
          label: 'rejected %',
          returnData: true,
        },
      ],
      params.rejectedRecordsWarningPct,
      TWO_OF_THREE,
      'A format change upstream shows as a lasting rejection share: 2 of 3 periods, with the same volume guard as the rates.',
    ),
    health(
      'unpriced-invocations',
      'Calls to a model without a price: cost figures are incomplete (add the price)',
      [
        {
          id: 'm',
          metric: ours(params, METRIC.unpricedInvocations.name, service, 'Sum', 3600, 'Count'),
          returnData: true,
        },
      ],
      0,
      ONE_OF_ONE,
      'Hourly: not urgent, but every unpriced call makes the cost figures wrong.',
    ),
    health(
      'emf-rejected',
      'CloudWatch dropped EMF documents from the ingest function: metrics are missing',
      [
        {
          id: 'val',
          metric: aws('AWS/Logs', 'EMFValidationErrors', { LogGroupName: ctx.ingestLogGroupName }, 'Sum'),
          returnData: false,
        },
        {
          id: 'par',
          metric: aws('AWS/Logs', 'EMFParsingErrors', { LogGroupName: ctx.ingestLogGroupName }, 'Sum'),
          returnData: false,
        },
        { id: 'bad', expression: 'FILL(val, 0) + FILL(par, 0)', label: 'EMF errors', returnData: true },
      ],
      0,
      ONE_OF_ONE,
      'Invalid EMF is dropped silently; these counters are the only trace, so any value alarms.',
    ),
    health(
      'bedrock-log-delivery',
      'Bedrock failed to deliver invocation logs to CloudWatch Logs',
      [
        {
          id: 'm',
          metric: aws('AWS/Bedrock', 'ModelInvocationLogsCloudWatchDeliveryFailure', {}, 'Sum'),
          returnData: true,
        },
      ],
      0,
      ONE_OF_ONE,
      'Undelivered logs are calls this monitor never sees.',
    ),
    health(
      'delivery-lag',
      `Records reach the ingest function more than ${params.deliveryLagWarningMs / 60_000} minutes late`,
      [
        {
          id: 'm',
          metric: ours(params, HEALTH.deliveryLag, service, 'Maximum', FIVE_MINUTES, 'Milliseconds'),
          returnData: true,
        },
      ],
      params.deliveryLagWarningMs,
      TWO_OF_THREE,
      '2 of 3 periods: retries make single batches late; a lasting lag means the pipeline falls behind.',
    ),
  );
  return alarms;
}
