import { ERROR_CLASSES } from '../../contract/error-classes';
import { DIM_SERVICE, ERROR_METRICS, HEALTH, METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { allModelsSum, type DashboardDefinition, Grid, perModelSearch, type StackNames } from './grid';
import { dashboardName } from './names';

/** Calls, errors, latency, tokens and cost: per model where a SEARCH can find the models. */
function trafficCharts(g: Grid, params: StackParameters): void {
  const ns = params.metricsNamespace;
  const svc = [DIM_SERVICE, params.serviceName];
  g.chart('Invocations per model', [perModelSearch(params, METRIC.invocations, 'Sum', 60, 'inv')]);
  g.chart(
    'Errors by class (all models)',
    ERROR_CLASSES.map((c) => [ns, ERROR_METRICS[c].name, ...svc, { stat: 'Sum', label: c }]),
    { stacked: true },
  );
  g.chart('Throttled calls per model', [perModelSearch(params, ERROR_METRICS.Throttling, 'Sum', 60, 'thr')]);
  g.chart(
    'Latency p50 / p95 / p99 (all models, ms)',
    ['p50', 'p95', 'p99'].map((stat) => [ns, METRIC.latency.name, ...svc, { stat, label: stat }]),
    { period: 300 },
  );
  g.chart('Latency p95 per model (ms)', [perModelSearch(params, METRIC.latency, 'p95', 300, 'lat')], {
    period: 300,
  });
  g.chart(
    'Time to first token p95 per model (ms)',
    [perModelSearch(params, METRIC.timeToFirstToken, 'p95', 300, 'ttft')],
    {
      period: 300,
    },
  );
  g.chart(
    'Tokens (all models)',
    [METRIC.inputTokens, METRIC.outputTokens, METRIC.cacheReadInputTokens, METRIC.cacheWriteInputTokens].map(
      (m, i) => allModelsSum(params, m, `tok${i}`),
    ),
    { stacked: true },
  );
  g.chart('Cost per hour per model (USD)', [perModelSearch(params, METRIC.cost, 'Sum', 3600, 'cost')], {
    period: 3600,
  });
}

/** AWS/BedrockMantle, the OpenAI- and Anthropic-compatible endpoint: free metrics, no invocation logs. */
export const MANTLE = {
  namespace: 'AWS/BedrockMantle',
  modelDimension: 'Model',
  inferences: 'Inferences',
  clientErrors: 'InferenceClientErrors',
  inputTokens: 'TotalInputTokens',
  outputTokens: 'TotalOutputTokens',
} as const;

const awsSearch = (ns: string, dim: string, metric: string, stat: string, period: number, id: string) => ({
  expression: `SEARCH('{${ns},${dim}} MetricName="${metric}"', '${stat}', ${period})`,
  id,
});

/**
 * Capacity (docs/quality.md): calls in flight by Little's law (the Latency sum of a minute over the
 * minute, metric math, no series of its own), Bedrock's estimated quota use, and the bedrock-mantle
 * endpoint, whose calls write no invocation logs and so are in no other figure here.
 */
function capacityCharts(g: Grid, params: StackParameters): void {
  // In `essential` the per-model latency sum is AWS/Bedrock's InvocationLatency.
  g.chart("Calls in flight per model (Little's law: latency sum / minute)", [
    [{ ...perModelSearch(params, METRIC.latency, 'Sum', 60, 'lsum')[0], visible: false }],
    [{ expression: 'lsum / 60000', id: 'inflight', label: '' }],
  ]);
  g.chart('Estimated TPM quota use per model (AWS/Bedrock, tokens per minute)', [
    [awsSearch('AWS/Bedrock', 'ModelId', 'EstimatedTPMQuotaUsage', 'Sum', 60, 'esttpm')],
  ]);
  g.chart(
    'bedrock-mantle calls and client errors (not in invocation logs or cost)',
    [
      [awsSearch(MANTLE.namespace, MANTLE.modelDimension, MANTLE.inferences, 'Sum', 300, 'mcalls')],
      [awsSearch(MANTLE.namespace, MANTLE.modelDimension, MANTLE.clientErrors, 'Sum', 300, 'merr')],
    ],
    { period: 300 },
  );
  g.chart(
    'bedrock-mantle tokens (not in invocation logs or cost)',
    [
      [awsSearch(MANTLE.namespace, MANTLE.modelDimension, MANTLE.inputTokens, 'Sum', 300, 'min')],
      [awsSearch(MANTLE.namespace, MANTLE.modelDimension, MANTLE.outputTokens, 'Sum', 300, 'mout')],
    ],
    { period: 300 },
  );
}

/** The monitor's own health: the series the pipeline alarms read, to see why one fired. */
function pipelineCharts(g: Grid, params: StackParameters, ctx: StackNames): void {
  const ns = params.metricsNamespace;
  const svc = [DIM_SERVICE, params.serviceName];
  g.chart(
    'Pipeline: records',
    [
      [ns, HEALTH.recordsReceived, ...svc, { stat: 'Sum' }],
      [ns, HEALTH.recordsAccepted, ...svc, { stat: 'Sum' }],
      [ns, HEALTH.duplicateRecords, ...svc, { stat: 'Sum' }],
      [ns, HEALTH.rejectedRecords, ...svc, { stat: 'Sum' }],
      [ns, METRIC.unpricedInvocations.name, ...svc, { stat: 'Sum' }],
    ],
    { period: 300 },
  );
  g.chart(
    'Pipeline: lag and failures',
    [
      [ns, HEALTH.deliveryLag, ...svc, { stat: 'Maximum', label: 'delivery lag (ms)', yAxis: 'right' }],
      [
        'AWS/Lambda',
        'Errors',
        'FunctionName',
        ctx.ingestFunctionName,
        { stat: 'Sum', label: 'ingest errors' },
      ],
      [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        'QueueName',
        ctx.failureQueueName,
        { stat: 'Maximum', label: 'failure queue' },
      ],
      [
        'AWS/Logs',
        'EMFValidationErrors',
        'LogGroupName',
        ctx.ingestLogGroupName,
        { stat: 'Sum', label: 'EMF validation errors' },
      ],
      [
        'AWS/Logs',
        'EMFParsingErrors',
        'LogGroupName',
        ctx.ingestLogGroupName,
        { stat: 'Sum', label: 'EMF parsing errors' },
      ],
      [
        'AWS/Bedrock',
        'ModelInvocationLogsCloudWatchDeliveryFailure',
        { stat: 'Sum', label: 'Bedrock log delivery failures' },
      ],
    ],
    { period: 300 },
  );
}

/**
 * The operations dashboard (`<prefix>-operations`): traffic, errors, latency, tokens and cost of
 * every model, capacity (calls in flight, estimated quota use, bedrock-mantle), then pipeline health.
 */
export function operationsDashboard(params: StackParameters, ctx: StackNames): DashboardDefinition {
  const g = new Grid();
  g.text(
    `# ${params.serviceName}: operations\nCalls, errors, latency and cost of every Bedrock model in this account and region, from the invocation logs. Per-model lines are found by SEARCH, so new models appear by themselves.`,
  );
  trafficCharts(g, params);
  capacityCharts(g, params);
  pipelineCharts(g, params, ctx);
  return {
    key: 'operations',
    name: dashboardName(ctx.namePrefix, 'operations'),
    body: { widgets: g.widgets },
  };
}
