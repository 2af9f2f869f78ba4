/**
 * The example remediation action (opt-in, failoverSwitch=true): an EventBridge rule sends budget
 * remediation events here, and the switch of their scope is set in SSM Parameter Store.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { withLambdaContext } from '../common/log-context';
import { failoverSwitch, triggeringAlarms, withCurrentState } from './failover';

export interface FailoverDependencies {
  ssm: Pick<SSMClient, 'send'>;
  /** DescribeAlarms: the switch follows the alarms' current state, not the order of their events. */
  cloudwatch: Pick<CloudWatchClient, 'send'>;
  /** `/<service>/<stage>/failover`: the only path the role may write. */
  prefix: string;
  logger: Logger;
}

/** Sets the switch an event asks for; ignores (and logs) events it does not act on. */
export function createFailoverHandler(deps: FailoverDependencies) {
  const run = async (event: { detail?: unknown }, _context: Context): Promise<{ set?: string }> => {
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
