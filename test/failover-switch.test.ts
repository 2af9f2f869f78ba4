import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { failoverSwitch } from '../functions/failover-switch/failover';
import { createFailoverHandler } from '../functions/failover-switch/handler';
import { isRemediable } from '../shared/alerts/remediation';
import { context } from './support/helpers';

const ssm = mockClient(SSMClient);
const cloudwatch = mockClient(CloudWatchClient);
const PREFIX = '/bedrock-watch/prod/failover';
const detail = (over: Record<string, unknown> = {}) => ({
  version: '1',
  alarm: 'bedrock-watch-prod-budget-90-anthropic-claude-3-haiku',
  family: 'budget',
  key: 'budget-90-x',
  level: 'critical',
  state: 'ALARM',
  scope: 'anthropic.claude-3-haiku-20240307-v1:0',
  since: '2025-11-01T09:01:00.000Z',
  ...over,
});

describe('failover switch (the example remediation action)', () => {
  beforeEach(() => ssm.reset());

  it('turns the switch of the scope on at the critical budget alarm and off when it returns to OK', () => {
    const on = failoverSwitch(detail(), PREFIX);
    const off = failoverSwitch(detail({ state: 'OK' }), PREFIX);

    expect(on).toEqual({
      name: `${PREFIX}/anthropic.claude-3-haiku-20240307-v1_0`,
      value: {
        active: true,
        alarm: 'bedrock-watch-prod-budget-90-anthropic-claude-3-haiku',
        state: 'ALARM',
        since: '2025-11-01T09:01:00.000Z',
        scope: 'anthropic.claude-3-haiku-20240307-v1:0',
      },
    });
    expect(off?.value.active).toBe(false);
    expect(
      failoverSwitch(detail({ family: 'budget-projection', level: 'warning', scope: 'team=search' }), PREFIX)
        ?.name,
    ).toBe(`${PREFIX}/team_search`);
  });

  it.each([
    ['a budget warning', { level: 'warning' }],
    ['another family', { family: 'throttle-rate' }],
    ['another schema version', { version: '2' }],
  ])('ignores %s', (_what, over) => {
    expect(failoverSwitch(detail(over), PREFIX)).toBeUndefined();
  });

  it('writes the switch as a String parameter, overwriting the last state', async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 2 });
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: 'bedrock-watch-prod-budget-90-all', StateValue: 'ALARM' }],
    });
    const handler = createFailoverHandler({
      ssm: new SSMClient({ region: 'us-east-1' }),
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
      prefix: PREFIX,
      logger: new Logger({ logLevel: 'SILENT' }),
    });

    const result = await handler(
      { detail: detail({ scope: 'all', alarm: 'bedrock-watch-prod-budget-90-all', key: 'budget-90-all' }) },
      context,
    );

    expect(result).toEqual({ set: `${PREFIX}/all` });
    expect(ssm.commandCalls(PutParameterCommand)[0]?.args[0].input).toMatchObject({
      Name: `${PREFIX}/all`,
      Type: 'String',
      Overwrite: true,
    });
  });
});

describe('which transitions are published as remediation events', () => {
  it.each([
    ['budget', 'warning', true],
    ['budget-projection', 'warning', true],
    ['throttle-rate', 'warning', true],
    ['latency-p95', 'critical', true],
    ['latency-p95', 'warning', false],
    ['error-rate', 'critical', false],
  ] as const)('%s at %s: %s', (family, level, published) => {
    expect(isRemediable(family, level)).toBe(published);
  });
});

describe('failover switch state (issue 22, defect 7)', () => {
  const ALARMS = {
    critical: 'bedrock-watch-prod-budget-90-all',
    projection: 'bedrock-watch-prod-budget-projection-all',
  };
  beforeEach(() => {
    ssm.reset();
    cloudwatch.reset();
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
  });
  const run = async (states: Record<string, string>, event: Record<string, unknown>) => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: Object.entries(states).map(([AlarmName, StateValue]) => ({
        AlarmName,
        StateValue: StateValue as 'OK',
      })),
    });
    const handler = createFailoverHandler({
      ssm: new SSMClient({ region: 'us-east-1' }),
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
      prefix: PREFIX,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    await handler({ detail: detail(event) }, context);
    const calls = ssm.commandCalls(PutParameterCommand);
    return JSON.parse(String(calls[calls.length - 1]?.args[0].input.Value));
  };

  it('stays on while the 90 % alarm is in ALARM, whatever the projection does', async () => {
    const value = await run(
      { [ALARMS.critical]: 'ALARM', [ALARMS.projection]: 'OK' },
      {
        alarm: ALARMS.projection,
        key: 'budget-projection-all',
        family: 'budget-projection',
        level: 'warning',
        state: 'OK',
        scope: 'all',
      },
    );

    expect(value).toMatchObject({ active: true, alarms: [ALARMS.critical] });
  });

  it('is off once every alarm behind it is OK, even when an OK arrives before its ALARM', async () => {
    const value = await run(
      { [ALARMS.critical]: 'OK', [ALARMS.projection]: 'OK' },
      { alarm: ALARMS.critical, key: 'budget-90-all', state: 'ALARM', scope: 'all' },
    );

    expect(value).toMatchObject({ active: false, alarms: [] });
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input.AlarmNames?.sort()).toEqual(
      [ALARMS.critical, ALARMS.projection].sort(),
    );
  });
});
