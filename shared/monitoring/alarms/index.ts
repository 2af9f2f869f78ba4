/**
 * Alarm definitions as plain data, generated from the metric contract and the stack parameters.
 * deploy/ turns them into CloudFormation; a local alarm simulator can evaluate the same data.
 * To add an alarm, add it to its family's file (latency, rates, anomaly, quality, quota, concurrency, scheduled, pipeline, accounts).
 */
import type { StackParameters } from '../parameters';
import { accountAlarms } from './accounts';
import { alertAlarms } from './alerts';
import { anomalyAlarms } from './anomaly';
import { billDriftAlarms } from './bill-drift';
import { scopes } from './build';
import { concurrencyAlarms } from './concurrency';
import { latencyAlarms } from './latency';
import { pipelineAlarms } from './pipeline';
import { qualityAlarms } from './quality';
import { quotaAlarms } from './quota';
import { estimatedQuotaAlarms } from './quota-estimated';
import { rateAlarms } from './rates';
import { scheduledFunctionAlarms } from './scheduled';
import type { AlarmDefinition, CompositeAlarmDefinition, StackNames } from './types';

export { scopeToken } from './build';
export type {
  AlarmDefinition,
  AlarmFamily,
  AlarmLevel,
  Comparison,
  CompositeAlarmDefinition,
  MetricAlarmDefinition,
  MetricQuery,
  MetricRef,
  PipelineFamily,
  StackNames,
  TreatMissingData,
} from './types';

/**
 * Every alarm of the stack: per scope (all models, then each watched model) latency, rates and
 * anomalies; then each watched account's error rate; then quotas; then the scheduled functions' runs; then pipeline health. Pure: the same parameters give the same
 * definitions, in the same order (the template and its logical ids follow that order).
 * @example buildAlarmDefinitions(parseStackParameters({}), ctx)[0]?.key // 'latency-p95-warning-all'
 */
export function buildAlarmDefinitions(params: StackParameters, ctx: StackNames): AlarmDefinition[] {
  return [
    ...scopes(params).flatMap((scope) => [
      ...latencyAlarms(params, ctx, scope),
      ...rateAlarms(params, ctx, scope),
      ...anomalyAlarms(params, ctx, scope),
      ...qualityAlarms(params, ctx, scope),
    ]),
    ...accountAlarms(params, ctx),
    ...quotaAlarms(params, ctx),
    ...estimatedQuotaAlarms(params, ctx),
    ...concurrencyAlarms(params, ctx),
    ...alertAlarms(params, ctx),
    ...billDriftAlarms(params, ctx),
    ...scheduledFunctionAlarms(params, ctx),
    ...pipelineAlarms(params, ctx),
  ];
}

/**
 * The AlarmRule of a composite alarm: every child in ALARM. The deploy writes it into the template
 * and the simulator evaluates the same string.
 * @throws AlarmDefinitionError when a child key names no alarm of the stack.
 * @example compositeAlarmRule(def, defs) // 'ALARM("bedrock-watch-prod-latency-anomaly-all") AND ALARM(…)'
 */
export function compositeAlarmRule(
  composite: CompositeAlarmDefinition,
  definitions: readonly AlarmDefinition[],
): string {
  return compositeChildren(composite, definitions)
    .map((c) => `ALARM("${c.name}")`)
    .join(' AND ');
}

/**
 * The child alarms of a composite, in rule order.
 * @throws AlarmDefinitionError when a child key names no alarm of the stack.
 */
export function compositeChildren(
  composite: CompositeAlarmDefinition,
  definitions: readonly AlarmDefinition[],
): AlarmDefinition[] {
  return composite.allOf.map((key) => {
    const child = definitions.find((d) => d.key === key);
    if (!child) throw new AlarmDefinitionError(`composite alarm ${composite.key} names unknown alarm ${key}`);
    return child;
  });
}

/** The alarm definitions contradict themselves (a bug in a family file, caught at package time). */
export class AlarmDefinitionError extends Error {
  override readonly name = 'AlarmDefinitionError';
}
