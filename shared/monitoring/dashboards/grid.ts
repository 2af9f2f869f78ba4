/**
 * What every dashboard builder shares: the widget types, the Fn::Sub placeholders, a grid that
 * lays widgets out, and the per-model SEARCH expression.
 */
import {
  AWS_BEDROCK_DIMENSION,
  AWS_BEDROCK_EQUIVALENT,
  AWS_BEDROCK_NAMESPACE,
  DIM_MODEL_ID,
  DIM_SERVICE,
  isPublished,
  type PublishedMetric,
} from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { REGION } from './names';

export type { StackNames } from '../stack-names';

/** Fn::Sub placeholders, filled per account and region at deploy time (REGION: ./names). */
export { REGION };
export const ACCOUNT = '${AWS::AccountId}';
/** aws, aws-cn or aws-us-gov: an ARN that hard-codes aws names nothing in China or GovCloud. */
export const PARTITION = '${AWS::Partition}';

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

/**
 * Lays widgets out left to right in rows of 24 columns (CloudWatch's grid width).
 * @example
 * const g = new Grid();
 * g.text('# Title'); // full width
 * g.chart('Invocations', lines); // half width, next row
 * return { key, name, body: { widgets: g.widgets } };
 */
export class Grid {
  readonly widgets: Widget[] = [];
  private x = 0;
  private y = 0;
  private rowHeight = 0;
  /** Places a widget after the previous one, or at the start of the next row if it does not fit. */
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
  /** A full-width Markdown widget. */
  text(markdown: string, height = 2): void {
    this.add('text', 24, height, { markdown });
  }
  /** A time-series chart in the deploy region, 1-minute periods unless `options` say otherwise. */
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

/**
 * One line per model that has the metric, found by SEARCH so new models appear by themselves.
 * @example searchPerModel('BedrockWatch', 'Invocations', 'Sum', 60, 'inv')
 */
export const searchPerModel = (
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

/** The AWS/Bedrock name of a metric a set does not publish; throws for one with no equivalent (a bug). */
function awsName(metric: PublishedMetric): string {
  const name = AWS_BEDROCK_EQUIVALENT[metric.name];
  if (name === undefined) throw new Error(`${metric.name} has no AWS/Bedrock equivalent`);
  return name;
}

/**
 * One line per model, found by SEARCH: ours when the stack's metric set publishes the metric per
 * model, else AWS/Bedrock's equivalent per `ModelId` (the `essential` set).
 */
export function perModelSearch(
  params: StackParameters,
  metric: PublishedMetric,
  stat: string,
  period: number,
  id: string,
): [ExpressionLine] {
  if (isPublished(metric, params.metricSet, 'model'))
    return searchPerModel(params.metricsNamespace, metric.name, stat, period, id);
  return [
    {
      expression: `SEARCH('{${AWS_BEDROCK_NAMESPACE},${AWS_BEDROCK_DIMENSION}} MetricName="${awsName(metric)}"', '${stat}', ${period})`,
      id,
    },
  ];
}

/**
 * The all-models line of a summed metric: ours under `[service]` when the metric set publishes it,
 * else the sum of AWS/Bedrock's per-model series (a SEARCH, which dashboards allow and alarms do not).
 */
export function allModelsSum(
  params: StackParameters,
  metric: PublishedMetric,
  id: string,
  options: Record<string, unknown> = {},
): MetricLine | [ExpressionLine] {
  if (isPublished(metric, params.metricSet, 'all'))
    return [
      params.metricsNamespace,
      metric.name,
      DIM_SERVICE,
      params.serviceName,
      { stat: 'Sum', ...options },
    ];
  return [
    {
      expression: `SUM(SEARCH('{${AWS_BEDROCK_NAMESPACE},${AWS_BEDROCK_DIMENSION}} MetricName="${awsName(metric)}"', 'Sum', 300))`,
      id,
      ...(typeof options.label === 'string' ? { label: options.label } : { label: metric.name }),
    },
  ];
}

/**
 * The line of one model's metric: ours under `[service, ModelId]`, or AWS/Bedrock's per `ModelId`.
 */
export function modelLine(
  params: StackParameters,
  metric: PublishedMetric,
  modelId: string,
  options: Record<string, unknown>,
): MetricLine {
  if (isPublished(metric, params.metricSet, 'model'))
    return [
      params.metricsNamespace,
      metric.name,
      DIM_SERVICE,
      params.serviceName,
      DIM_MODEL_ID,
      modelId,
      options,
    ];
  return [AWS_BEDROCK_NAMESPACE, awsName(metric), AWS_BEDROCK_DIMENSION, modelId, options];
}
