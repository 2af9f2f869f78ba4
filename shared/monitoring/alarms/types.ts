/**
 * The shape of an alarm definition: plain data that deploy/ turns into CloudFormation and that a
 * local alarm simulator can evaluate without AWS.
 */
import type { AlarmFamily } from '../../contract/alarm-families';
import type { EmfUnit } from '../../contract/metrics';

export type { AlarmFamily, PipelineFamily } from '../../contract/alarm-families';

export type { StackNames } from '../stack-names';

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
  /** Seconds; only for an expression that reads no metric query (INSIGHT_RULE_METRIC). */
  period?: number;
  label?: string;
  returnData: boolean;
}

interface AlarmBase {
  /** Stable, unique within the stack; also the CloudFormation logical id's source. */
  key: string;
  /**
   * Data only (deploy/ does not put it in the template): lets a simulator or a report group alarms;
   * the notifier reads it back from the alarm's name, whose key starts with it.
   */
  family: AlarmFamily;
  /**
   * What the alarm watches, data only: `all` for the all-models series, the model id exactly as
   * logged for a watched or quota model, `pipeline` for pipeline health.
   */
  scope: string;
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

/** The series a per-scope family watches: all models together, or one watched model. */
export interface Scope {
  /** Name-safe token in alarm keys and names: `all`, or `scopeToken(modelId)`. */
  key: string;
  /** The alarms' `scope` field: `all`, or the model id as logged. */
  id: string;
  /** Words for descriptions: `all models`, or the model id. */
  label: string;
  dimensions: Record<string, string>;
}

/** How many of the last `evaluationPeriods` periods must breach. */
export interface Window {
  evaluationPeriods: number;
  datapointsToAlarm: number;
}
