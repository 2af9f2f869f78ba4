/**
 * The example remediation action (opt-in, failoverSwitch=true): an EventBridge rule sends budget
 * remediation events here, and the switch of their scope is set in SSM Parameter Store. The same
 * function is the custom resource that deletes every switch when the stack is deleted or the
 * action turned off, so no application stays failed over because of a stack that is gone.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteParametersCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { respondToCloudFormation } from '../common/cloudformation-response';
import { withLambdaContext } from '../common/log-context';
import {
  clearsSwitches,
  deleteBatches,
  failoverSwitch,
  isCleanupRequest,
  type SwitchCleanupRequest,
  triggeringAlarms,
  withCurrentState,
} from './failover';

export interface FailoverDependencies {
  ssm: Pick<SSMClient, 'send'>;
  /** DescribeAlarms: the switch follows the alarms' current state, not the order of their events. */
  cloudwatch: Pick<CloudWatchClient, 'send'>;
  /** `/<service>/<stage>/failover`: the only path the role may write. */
  prefix: string;
  logger: Logger;
  /** PUTs a custom-resource answer to CloudFormation's pre-signed URL (default: fetch). */
  respond?: (url: string, body: string) => Promise<void>;
}

/** Deletes every switch under the prefix; returns their names. */
async function clearAll(deps: FailoverDependencies): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.ssm.send(
      new GetParametersByPathCommand({
        Path: deps.prefix,
        Recursive: true,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const p of page.Parameters ?? []) if (p.Name) names.push(p.Name);
    nextToken = page.NextToken;
  } while (nextToken);
  for (const batch of deleteBatches(names))
    await deps.ssm.send(new DeleteParametersCommand({ Names: batch }));
  return names;
}

/**
 * Answers the cleanup custom resource: on Delete, or an Update or Create with the action off, the
 * switches are deleted first. The physical id stays the prefix, so an update never reads as a
 * replacement (whose Delete of the old resource would clear switches the action still owns).
 */
async function answerCleanup(deps: FailoverDependencies, request: SwitchCleanupRequest, context: Context) {
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'failover switch left as it is';
  try {
    if (clearsSwitches(request)) {
      const cleared = await clearAll(deps);
      reason = `${cleared.length} failover switch(es) under ${deps.prefix} deleted`;
      deps.logger.info('Failover switches deleted', { requestType: request.RequestType, cleared });
    }
  } catch (error) {
    status = 'FAILED';
    reason = `could not delete the failover switches under ${deps.prefix} (${(error as Error).name}: ${(error as Error).message}); delete them by hand (docs/alerts.md)`;
    deps.logger.error('Failover switch cleanup failed', { requestType: request.RequestType, error });
  }
  const body = JSON.stringify({
    Status: status,
    Reason: `${reason.slice(0, 1500)} (log stream: ${context.logStreamName})`,
    PhysicalResourceId: request.PhysicalResourceId ?? deps.prefix,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
  });
  await (deps.respond ?? respondToCloudFormation)(request.ResponseURL, body);
  return {};
}

/** Sets the switch an event asks for; ignores (and logs) events it does not act on. */
export function createFailoverHandler(deps: FailoverDependencies) {
  const run = async (event: { detail?: unknown }, context: Context): Promise<{ set?: string }> => {
    if (isCleanupRequest(event)) return answerCleanup(deps, event, context);
    const fromEvent = failoverSwitch(event.detail, deps.prefix);
    if (!fromEvent) {
      deps.logger.info('Event ignored: not a budget transition this action acts on');
      return {};
    }
    const names = triggeringAlarms(event.detail);
    const found = await deps.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names }));
    const states = new Map<string, string>(names.map((n) => [n, 'OK']));
    for (const a of found.MetricAlarms ?? [])
      if (a.AlarmName && states.has(a.AlarmName)) states.set(a.AlarmName, a.StateValue ?? 'OK');
    const target = withCurrentState(fromEvent, states);
    await deps.ssm.send(
      new PutParameterCommand({
        Name: target.name,
        Value: JSON.stringify(target.value),
        Type: 'String',
        Overwrite: true,
      }),
    );
    deps.logger.info('Failover switch set', {
      name: target.name,
      active: target.value.active,
      alarm: target.value.alarm,
      inAlarm: target.value.alarms,
    });
    return { set: target.name };
  };
  return middy(run).use(withLambdaContext(deps.logger));
}

export const handler = createFailoverHandler({
  ssm: new SSMClient({}),
  cloudwatch: new CloudWatchClient({}),
  prefix: process.env.BEDROCK_WATCH_FAILOVER_PREFIX ?? '/bedrock-watch/failover',
  logger: new Logger(),
});
