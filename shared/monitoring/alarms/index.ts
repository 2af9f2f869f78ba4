/**
 * Alarm definitions as plain data, generated from the metric contract and the stack parameters.
 * deploy/ turns them into CloudFormation; a local alarm simulator can evaluate the same data.
 * To add an alarm, add it to its family's file (latency, rates, anomaly, quota, pipeline).
 */
import type { StackParameters } from '../parameters';
import { anomalyAlarms } from './anomaly';
import { scopes } from './build';
import { latencyAlarms } from './latency';
import { pipelineAlarms } from './pipeline';
import { quotaAlarms } from './quota';
import { rateAlarms } from './rates';
import type { AlarmContext, AlarmDefinition } from './types';

export { scopeToken } from './build';
export type {
  AlarmContext,
  AlarmDefinition,
  AlarmFamily,
  AlarmLevel,
  Comparison,
  CompositeAlarmDefinition,
  MetricAlarmDefinition,
  MetricQuery,
  MetricRef,
  PipelineFamily,
  TreatMissingData,
} from './types';

/**
 * Every alarm of the stack: per scope (all models, then each watched model) latency, rates and
 * anomalies; then quotas; then pipeline health. Pure: the same parameters give the same
 * definitions, in the same order (the template and its logical ids follow that order).
 * @example buildAlarmDefinitions(parseStackParameters({}), ctx)[0]?.key // 'latency-p95-warning-all'
 */
export function buildAlarmDefinitions(params: StackParameters, ctx: AlarmContext): AlarmDefinition[] {
  return [
    ...scopes(params).flatMap((scope) => [
      ...latencyAlarms(params, ctx, scope),
      ...rateAlarms(params, ctx, scope),
      ...anomalyAlarms(params, ctx, scope),
    ]),
    ...quotaAlarms(params, ctx),
    ...pipelineAlarms(params, ctx),
  ];
}
