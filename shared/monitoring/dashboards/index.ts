/**
 * Dashboard definitions as plain data, built from the metric contract and the stack parameters.
 * `${AWS::Region}` and `${AWS::AccountId}` stay as placeholders: deploy/ wraps each body in
 * Fn::Sub, so one definition serves every account and region.
 */

import { ERROR_CLASSES } from '../../contract/error-classes';
import {
  DIM_MODEL_ID,
  DIM_SERVICE,
  ERROR_METRICS,
  HEALTH,
  METRIC,
  MONTH_TO_DATE,
} from '../../contract/metrics';
import { dimensionNameOf } from '../../ingest/6-attribute';
import type { AlarmDefinition } from '../alarms/index';
import type { StackParameters } from '../parameters';

/** Fn::Sub placeholders, filled per account and region at deploy time. */
export const REGION = '${AWS::Region}';
export const ACCOUNT = '${AWS::AccountId}';

/** A metric line: [namespace, name, dim, value, …, options]. */
export type MetricLine = (string | Record<string, unknown>)[];
export interface ExpressionLine {
  expression: string;
  id: string;
  label?: string;
  region?: string;
}

export interface Widget {
  type: 'metric' | 'text' | 'alarm';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

export interface DashboardDefinition {
  key: string;
  name: string;
  body: { start?: string; periodOverride?: 'auto' | 'inherit'; widgets: Widget[] };
}

export interface DashboardContext {
  namePrefix: string;
  ingestFunctionName: string;
  ingestLogGroupName: string;
  failureQueueName: string;
}

/** Lays widgets out left to right in rows of 24 columns. */
class Grid {
  readonly widgets: Widget[] = [];
  private x = 0;
  private y = 0;
  private rowHeight = 0;
  add(type: Widget['type'], width: number, height: number, properties: Record<string, unknown>): void {
    if (this.x + width > 24) {
      this.x = 0;
      this.y += this.rowHeight;
      this.rowHeight = 0;
    }
    this.widgets.push({ type, x: this.x, y: this.y, width, height, properties });
    this.x += width;
    this.rowHeight = Math.max(this.rowHeight, height);
  }
  text(markdown: string, height = 2): void {
    this.add('text', 24, height, { markdown });
  }
  chart(
    title: string,
    metrics: (MetricLine | [ExpressionLine])[],
    options: Record<string, unknown> = {},
    width = 12,
  ): void {
    this.add('metric', width, 6, {
      title,
      region: REGION,
      view: 'timeSeries',
      stacked: false,
      period: 60,
      metrics,
      ...options,
    });
  }
}

const searchPerModel = (
  ns: string,
  metric: string,
  stat: string,
  period: number,
  id: string,
  label = '',
): [ExpressionLine] => [
  {
    expression: `SEARCH('{${ns},${DIM_MODEL_ID},${DIM_SERVICE}} MetricName="${metric}"', '${stat}', ${period})`,
    id,
    ...(label ? { label } : {}),
  },
];

function operations(params: StackParameters, ctx: DashboardContext): DashboardDefinition {
  const ns = params.metricsNamespace;
  const svc = [DIM_SERVICE, params.serviceName];
  const g = new Grid();
  g.text(
    `# ${params.serviceName}: operations\nCalls, errors, latency and cost of every Bedrock model in this account and region, from the invocation logs. Per-model lines are found by SEARCH, so new models appear by themselves.`,
  );
  g.chart('Invocations per model', [searchPerModel(ns, METRIC.invocations.name, 'Sum', 60, 'inv')]);
  g.chart(
    'Errors by class (all models)',
    ERROR_CLASSES.map((c) => [ns, ERROR_METRICS[c].name, ...svc, { stat: 'Sum', label: c }]),
    { stacked: true },
  );
  g.chart('Throttled calls per model', [searchPerModel(ns, ERROR_METRICS.Throttling.name, 'Sum', 60, 'thr')]);
  g.chart(
    'Latency p50 / p95 / p99 (all models, ms)',
    ['p50', 'p95', 'p99'].map((stat) => [ns, METRIC.latency.name, ...svc, { stat, label: stat }]),
    { period: 300 },
  );
  g.chart('Latency p95 per model (ms)', [searchPerModel(ns, METRIC.latency.name, 'p95', 300, 'lat')], {
    period: 300,
  });
  g.chart(
    'Time to first token p95 per model (ms)',
    [searchPerModel(ns, METRIC.timeToFirstToken.name, 'p95', 300, 'ttft')],
    {
      period: 300,
    },
  );
  g.chart(
    'Tokens (all models)',
    [
      METRIC.inputTokens.name,
      METRIC.outputTokens.name,
      METRIC.cacheReadInputTokens.name,
      METRIC.cacheWriteInputTokens.name,
    ].map((m) => [ns, m, ...svc, { stat: 'Sum' }]),
    { stacked: true },
  );
  g.chart('Cost per hour per model (USD)', [searchPerModel(ns, METRIC.cost.name, 'Sum', 3600, 'cost')], {
    period: 3600,
  });
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
  return { key: 'operations', name: `${ctx.namePrefix}-operations`, body: { widgets: g.widgets } };
}

function modelComparison(params: StackParameters, ctx: DashboardContext): DashboardDefinition {
  const ns = params.metricsNamespace;
  const models = params.watchedModels;
  const g = new Grid();
  g.text(
    `# ${params.serviceName}: model comparison\nSide by side for the watched models (parameter \`watchedModels\`${models.length === 0 ? ', empty: all models as one line' : ''}). Cost per 1,000 invocations counts failed calls in the denominator.`,
  );
  const scopes =
    models.length > 0
      ? models.map((m, i) => ({ label: m, dims: [DIM_SERVICE, params.serviceName, DIM_MODEL_ID, m], i }))
      : [{ label: 'all models', dims: [DIM_SERVICE, params.serviceName], i: 0 }];
  const hidden = { visible: false };
  g.chart(
    'p95 latency (ms)',
    scopes.map((s) => [ns, METRIC.latency.name, ...s.dims, { stat: 'p95', label: s.label }]),
    { period: 300 },
  );
  /** Per scope: hidden Sum series (id prefix → metric) and one visible expression over their ids. */
  const derived = (
    inputs: [string, string][],
    idPrefix: string,
    expression: (id: (prefix: string) => string) => string,
  ) =>
    scopes.flatMap((s) => {
      const id = (prefix: string) => `${prefix}${s.i}`;
      return [
        ...inputs.map(([prefix, metric]) => [
          ns,
          metric,
          ...s.dims,
          { stat: 'Sum', id: id(prefix), ...hidden },
        ]),
        [{ expression: expression(id), id: id(idPrefix), label: s.label }],
      ];
    });
  const errorIds = ERROR_CLASSES.map((c) => `e${c.toLowerCase()}`);
  g.chart(
    'Error rate (%)',
    derived(
      [
        ...ERROR_CLASSES.map((c, k) => [errorIds[k] as string, ERROR_METRICS[c].name] as [string, string]),
        ['n', METRIC.invocations.name],
      ],
      'rate',
      (id) => `100 * (${errorIds.map((e) => `FILL(${id(e)}, 0)`).join(' + ')}) / ${id('n')}`,
    ),
    { period: 300 },
  );
  g.chart(
    'Cost per 1,000 invocations (USD)',
    derived(
      [
        ['c', METRIC.cost.name],
        ['k', METRIC.invocations.name],
      ],
      'per1k',
      (id) => `1000 * ${id('c')} / ${id('k')}`,
    ),
    { period: 3600 },
  );
  g.chart(
    'Output / input token ratio',
    derived(
      [
        ['o', METRIC.outputTokens.name],
        ['i', METRIC.inputTokens.name],
      ],
      'ratio',
      (id) => `${id('o')} / ${id('i')}`,
    ),
    { period: 3600 },
  );
  return {
    key: 'model-comparison',
    name: `${ctx.namePrefix}-model-comparison`,
    body: { widgets: g.widgets },
  };
}

function executive(
  params: StackParameters,
  ctx: DashboardContext,
  alarms: AlarmDefinition[],
): DashboardDefinition {
  const ns = params.metricsNamespace;
  const svc = [DIM_SERVICE, params.serviceName];
  const g = new Grid();
  g.text(
    [
      `# ${params.serviceName}: executive view`,
      'What Bedrock costs in this account and region, from the invocation logs, at on-demand list prices (see the README for what is and is not priced).',
      '**Month to date** is summed every hour since the first of the month (UTC) by the monthToDate function, with a straight-line projection to the month end. Calls to models without a price are counted in *Unpriced calls* and not in the cost.',
    ].join('\n\n'),
    3,
  );
  g.add('metric', 6, 4, {
    title: 'Month to date (USD)',
    region: REGION,
    view: 'singleValue',
    period: 3600,
    metrics: [
      [ns, MONTH_TO_DATE.cost, ...svc, { stat: 'Maximum', label: 'so far' }],
      [ns, MONTH_TO_DATE.projected, ...svc, { stat: 'Maximum', label: 'projected month' }],
    ],
  });
  g.add('metric', 6, 4, {
    title: 'Calls and unpriced calls (shown range)',
    region: REGION,
    view: 'singleValue',
    setPeriodToTimeRange: true,
    metrics: [
      [ns, METRIC.invocations.name, ...svc, { stat: 'Sum', label: 'calls' }],
      [ns, METRIC.unpricedInvocations.name, ...svc, { stat: 'Sum', label: 'unpriced calls' }],
    ],
  });
  g.add('metric', 12, 4, {
    title: 'Cost per day (USD)',
    region: REGION,
    view: 'bar',
    period: 86400,
    metrics: [[ns, METRIC.cost.name, ...svc, { stat: 'Sum', label: 'cost per day' }]],
  });
  g.add('metric', 12, 6, {
    title: 'Top 5 models by cost (USD per day)',
    region: REGION,
    view: 'timeSeries',
    period: 86400,
    metrics: [
      [
        {
          expression: `SORT(SEARCH('{${ns},${DIM_MODEL_ID},${DIM_SERVICE}} MetricName="${METRIC.cost.name}"', 'Sum', 86400), SUM, DESC, 5)`,
          id: 'top',
          label: '',
        },
      ],
    ],
  });
  for (const key of params.attributionKeys) {
    const dim = dimensionNameOf(key);
    g.add('metric', 12, 6, {
      title: `Top 10 by ${key}: cost (USD per day)`,
      region: REGION,
      view: 'timeSeries',
      period: 86400,
      metrics: [
        [
          {
            expression: `SORT(SEARCH('{${ns},${DIM_SERVICE},${dim}} MetricName="${METRIC.cost.name}"', 'Sum', 86400), SUM, DESC, 10)`,
            id: `top${dim.replace(/[^A-Za-z0-9]/g, '')}`,
            label: '',
          },
        ],
      ],
    });
  }
  const notifying = alarms.filter(
    (a) => a.level === 'critical' || (a.level === 'warning' && a.key.endsWith('-all')),
  );
  g.add('alarm', 12, 6, {
    title: 'Alarm status',
    alarms: notifying.slice(0, 100).map((a) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${a.name}`),
    sortBy: 'stateUpdatedTimestamp',
    states: [],
  });
  return {
    key: 'executive',
    name: `${ctx.namePrefix}-executive`,
    body: { start: '-P30D', widgets: g.widgets },
  };
}

function crossRegion(params: StackParameters, ctx: DashboardContext): DashboardDefinition | undefined {
  if (params.dashboardRegions.length === 0) return undefined;
  const ns = params.metricsNamespace;
  const svc = [DIM_SERVICE, params.serviceName];
  const g = new Grid();
  g.text(
    `# ${params.serviceName}: regions side by side\nEach line is one region's all-models series (${params.dashboardRegions.join(', ')}); deploy the stack in each region.`,
  );
  const perRegion = (metric: string, stat: string) =>
    params.dashboardRegions.map((region) => [ns, metric, ...svc, { stat, region, label: region }]);
  g.chart(METRIC.invocations.name, perRegion(METRIC.invocations.name, 'Sum'), { period: 300 });
  g.chart('Throttled calls', perRegion(ERROR_METRICS.Throttling.name, 'Sum'), { period: 300 });
  g.chart('p95 latency (ms)', perRegion(METRIC.latency.name, 'p95'), { period: 300 });
  g.chart('Cost per hour (USD)', perRegion(METRIC.cost.name, 'Sum'), { period: 3600 });
  return { key: 'cross-region', name: `${ctx.namePrefix}-regions`, body: { widgets: g.widgets } };
}

/** Every dashboard of the stack. */
export function buildDashboards(
  params: StackParameters,
  ctx: DashboardContext,
  alarms: AlarmDefinition[],
): DashboardDefinition[] {
  return [
    operations(params, ctx),
    modelComparison(params, ctx),
    executive(params, ctx, alarms),
    crossRegion(params, ctx),
  ].filter((d): d is DashboardDefinition => d !== undefined);
}
