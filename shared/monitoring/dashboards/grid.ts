/**
 * What every dashboard builder shares: the widget types, the Fn::Sub placeholders, a grid that
 * lays widgets out, and the per-model SEARCH expression.
 */
import { DIM_MODEL_ID, DIM_SERVICE } from '../../contract/metrics';

/** Fn::Sub placeholders, filled per account and region at deploy time. */
export const REGION = '${AWS::Region}';
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

export interface DashboardContext {
  namePrefix: string;
  ingestFunctionName: string;
  ingestLogGroupName: string;
  failureQueueName: string;
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
