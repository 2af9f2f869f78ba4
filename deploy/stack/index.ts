/**
 * Builds the CloudFormation resources serverless.yml adds to its functions: log group, Bedrock
 * logging, subscription (direct or through Kinesis), IAM, failure queue, topics, Contributor
 * Insights rules and saved queries, alarms, dashboards and metric filters. Pure: parameters in, template fragments out.
 *
 * Each part of the stack has its own file; buildStack only puts them together. To add a resource,
 * add it to the part it belongs to (or a new file), and that part to buildStack.
 */

import { buildAlarmDefinitions } from '../../shared/monitoring/alarms/index';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { alarmResources } from './alarms';
import type { Output, Resources } from './cfn';
import { consoleMappings, dashboards } from './dashboards';
import { functionEnvironments } from './environment';
import { feedbackOutputs, feedbackResources } from './feedback';
import {
  ingestFunctionExtensions,
  ingestFunctionOutputs,
  ingestFunctionResources,
  ingestMemorySize,
} from './ingest-function';
import { insightResources, withRuleDependencies } from './insights';
import { invocationLogGroup, invocationLogGroupOutputs, invocationLogging } from './invocation-logging';
import { checkEnvironments, checkFunctionNames } from './limits';
import { metricFilterResources } from './metric-filters';
import { monthToDateResources } from './month-to-date';
import { type FunctionKey, ingestNames, type StackContext } from './names';
import { notifierOutputs, notifierResources } from './notifier';
import { organizationOutputs, organizationResources } from './organization';
import { reconcileResources } from './reconcile';
import { remediationResources } from './remediation';
import { subscriptionResources } from './subscription';
import { alarmTopics, topicOutputs, topicResources } from './topics';
import { weeklyAdvisorResources } from './weekly-advisor';

export { alarmResources } from './alarms';
export { logicalId, type Output, type Resource, type Resources } from './cfn';
export { functionEnvironment, functionEnvironments, INGEST_NODE_OPTIONS } from './environment';
export { INGEST_MEMORY_MB } from './ingest-function';
export { ingestNames, type StackContext } from './names';
export { SUBSCRIPTION_FILTER_PATTERN } from './subscription';

export interface StackFragments {
  /** Each function's environment (functions.<key>.environment): only what it reads. */
  environment: Record<FunctionKey, Record<string, string>>;
  Resources: Resources;
  Outputs: Record<string, Output>;
  /** Template mappings: the console host of each partition, for the dashboard URLs. */
  Mappings: ReturnType<typeof consoleMappings>;
  /** Extensions of resources the framework generates (functions). */
  extensions: Record<string, { Properties: Record<string, unknown> }>;
  /** The ingest function's memory in MB (functions.ingest.memorySize). */
  ingestMemorySize: number;
}

/**
 * The template fragments serverless.yml includes, for these parameters and this service and stage.
 * @throws ConfigError if the functions' environment would be invalid.
 * @throws StackLimitError if a function name or environment would pass Lambda's limits.
 * @throws AlarmDefinitionError if the alarm definitions contradict each other.
 */
export function buildStack(params: StackParameters, ctx: StackContext): StackFragments {
  checkFunctionNames(ctx);
  const environment = functionEnvironments(params, ctx);
  checkEnvironments(environment, params, (p) => functionEnvironments(p, ctx));
  const names = ingestNames(ctx);
  const logGroup = invocationLogGroup(params);
  const logging = invocationLogging(params, ctx, names, logGroup);
  const alarms = buildAlarmDefinitions(params, names);
  const board = dashboards(params, names, alarms);
  // The order of the parts is the order of the template: keep it, so templates diff cleanly.
  const Resources: Resources = {
    ...ingestFunctionResources(params, names),
    ...logging.resources,
    ...monthToDateResources(names),
    ...reconcileResources(names),
    ...logging.customResource,
    ...subscriptionResources(params, logGroup, names),
    ...organizationResources(params, names),
    ...feedbackResources(params, names),
    ...metricFilterResources(params, logGroup),
    ...topicResources(params, ctx, names),
    ...insightResources(params, names),
    ...withRuleDependencies(alarmResources(alarms, alarmTopics()), params, names),
    ...board.resources,
    ...notifierResources(params, names),
    ...remediationResources(params, ctx, names),
    ...weeklyAdvisorResources(params, names),
  };
  const Outputs: Record<string, Output> = {
    ...topicOutputs(),
    ...ingestFunctionOutputs(),
    ...invocationLogGroupOutputs(logGroup),
    ...feedbackOutputs(params),
    ...board.outputs,
    ...notifierOutputs(params),
    ...organizationOutputs(params),
  };
  const extensions = ingestFunctionExtensions(params);
  return {
    environment,
    Resources,
    Outputs,
    Mappings: consoleMappings(),
    extensions,
    ingestMemorySize: ingestMemorySize(params),
  };
}
