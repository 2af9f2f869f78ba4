/**
 * Alarm definitions (shared/monitoring/alarms/) as CloudWatch resources: the definitions say what
 * to watch and why; this file only says how CloudFormation spells it.
 */

import {
  type AlarmDefinition,
  compositeAlarmRule,
  compositeChildren,
  type MetricAlarmDefinition,
} from '../../shared/monitoring/alarms/index';
import { logicalId, type Resource, type Resources } from './cfn';

/** Where each alarm level notifies: a topic reference per level. */
export interface AlarmTopics {
  warning: unknown;
  critical: unknown;
}

const dimensions = (d: Record<string, string>) => Object.entries(d).map(([Name, Value]) => ({ Name, Value }));

/** The metric, or metric math, an alarm evaluates: a single metric is spelled without `Metrics`. */
function alarmMetrics(def: MetricAlarmDefinition): Record<string, unknown> {
  const single =
    def.queries.length === 1 && def.queries[0]?.metric && !def.queries[0].expression
      ? def.queries[0].metric
      : undefined;
  if (single) {
    const props: Record<string, unknown> = {
      Namespace: single.namespace,
      MetricName: single.metricName,
      Dimensions: dimensions(single.dimensions),
      Period: single.period,
    };
    if (/^p\d/.test(single.stat)) props.ExtendedStatistic = single.stat;
    else props.Statistic = single.stat;
    if (single.unit) props.Unit = single.unit;
    return props;
  }
  return {
    Metrics: def.queries.map((q) => ({
      Id: q.id,
      ReturnData: q.returnData,
      ...(q.label ? { Label: q.label } : {}),
      ...(q.expression ? { Expression: q.expression } : {}),
      ...(q.period !== undefined ? { Period: q.period } : {}),
      ...(q.metric
        ? {
            MetricStat: {
              Metric: {
                Namespace: q.metric.namespace,
                MetricName: q.metric.metricName,
                Dimensions: dimensions(q.metric.dimensions),
              },
              Period: q.metric.period,
              Stat: q.metric.stat,
              ...(q.metric.unit ? { Unit: q.metric.unit } : {}),
            },
          }
        : {}),
    })),
  };
}

/** One metric alarm; level `none` records state without notifying. */
export function alarmResource(def: MetricAlarmDefinition, topics: AlarmTopics): Resource {
  const actions = def.level === 'none' ? [] : [topics[def.level]];
  const props: Record<string, unknown> = {
    AlarmName: def.name,
    AlarmDescription: `${def.description}. Why these settings: ${def.rationale}`.slice(0, 1024),
    ActionsEnabled: actions.length > 0,
    AlarmActions: actions,
    OKActions: actions,
    ComparisonOperator: def.comparison,
    EvaluationPeriods: def.evaluationPeriods,
    DatapointsToAlarm: def.datapointsToAlarm,
    TreatMissingData: def.treatMissingData,
  };
  if (def.threshold !== undefined) props.Threshold = def.threshold;
  if (def.thresholdMetricId) props.ThresholdMetricId = def.thresholdMetricId;
  if (def.evaluateLowSampleCountPercentile)
    props.EvaluateLowSampleCountPercentile = def.evaluateLowSampleCountPercentile;
  return { Type: 'AWS::CloudWatch::Alarm', Properties: { ...props, ...alarmMetrics(def) } };
}

/**
 * Turns alarm definitions into CloudFormation resources, composites after their children.
 * @throws AlarmDefinitionError if a composite alarm names an alarm that is not among `defs`.
 */
export function alarmResources(defs: AlarmDefinition[], topics: AlarmTopics): Resources {
  const resources: Resources = {};
  for (const def of defs) {
    const id = logicalId('Alarm', def.key);
    if (def.kind === 'metric') {
      resources[id] = alarmResource(def, topics);
      continue;
    }
    const children = compositeChildren(def, defs);
    const actions = [def.level === 'warning' ? topics.warning : topics.critical];
    resources[id] = {
      Type: 'AWS::CloudWatch::CompositeAlarm',
      DependsOn: children.map((c) => logicalId('Alarm', c.key)),
      Properties: {
        AlarmName: def.name,
        AlarmDescription: `${def.description}. Why: ${def.rationale}`.slice(0, 1024),
        AlarmRule: compositeAlarmRule(def, defs),
        ActionsEnabled: true,
        AlarmActions: actions,
        OKActions: actions,
      },
    };
  }
  return resources;
}
