import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteParametersCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ingestNames } from '../deploy/stack/names';
import { FAILOVER_CLEANUP_ID, FAILOVER_FUNCTION_ID, remediationResources } from '../deploy/stack/remediation';
import { clearsSwitches, failoverSwitch } from '../functions/failover-switch/failover';
import { createFailoverHandler } from '../functions/failover-switch/handler';
import { isRemediable } from '../shared/alerts/remediation';
import { parseStackParameters } from '../shared/monitoring/parameters';
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

describe('failover switch cleanup (issue 25, item 11: switches outlived the stack and failoverSwitch=false)', () => {
  const URL = 'https://cloudformation-custom-resource-response.example/abc';
  const request = (requestType: 'Create' | 'Update' | 'Delete', enabled: string) => ({
    RequestType: requestType,
    ResponseURL: URL,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/bedrock-watch-prod/abc-123',
    RequestId: 'req-1',
    LogicalResourceId: 'FailoverSwitchCleanup',
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: PREFIX }),
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x',
      Enabled: enabled,
    },
  });
  // Twelve switches over two pages: more than one DeleteParameters call of ten.
  const switches = Array.from({ length: 12 }, (_, i) => ({ Name: `${PREFIX}/scope-${i}` }));
  beforeEach(() => {
    ssm.reset();
    cloudwatch.reset();
    ssm
      .on(GetParametersByPathCommand)
      .resolvesOnce({ Parameters: switches.slice(0, 7), NextToken: 'page-2' })
      .resolvesOnce({ Parameters: switches.slice(7) });
    ssm.on(DeleteParametersCommand).resolves({ DeletedParameters: [] });
  });
  const run = async (event: Record<string, unknown>) => {
    const answers: { url: string; body: Record<string, unknown> }[] = [];
    const handler = createFailoverHandler({
      ssm: new SSMClient({ region: 'us-east-1' }),
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
      prefix: PREFIX,
      logger: new Logger({ logLevel: 'SILENT' }),
      respond: (url, body) => {
        answers.push({ url, body: JSON.parse(body) });
        return Promise.resolve();
      },
    });
    await handler(event as never, context);
    const deleted = ssm.commandCalls(DeleteParametersCommand).map((c) => c.args[0].input.Names ?? []);
    return { answers, deleted };
  };

  it.each([
    ['the stack is deleted', 'Delete', 'true'],
    ['an update turns failoverSwitch off', 'Update', 'false'],
  ] as const)(
    'deletes every switch under the prefix when %s, and answers SUCCESS',
    async (_when, type, enabled) => {
      const { answers, deleted } = await run(request(type, enabled));

      expect(deleted).toEqual([
        switches.slice(0, 10).map((s) => s.Name),
        switches.slice(10).map((s) => s.Name),
      ]);
      expect(ssm.commandCalls(GetParametersByPathCommand)[0]?.args[0].input).toMatchObject({
        Path: PREFIX,
        Recursive: true,
      });
      expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
      expect(answers).toHaveLength(1);
      expect(answers[0]?.url).toBe(URL);
      expect(answers[0]?.body).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: PREFIX,
        RequestId: 'req-1',
        LogicalResourceId: 'FailoverSwitchCleanup',
      });
      expect(String(answers[0]?.body.Reason)).toContain('12 failover switch(es)');
    },
  );

  it.each([
    ['created with the action on', 'Create', 'true'],
    ['updated with the action still on', 'Update', 'true'],
  ] as const)('leaves the switches alone when %s', async (_when, type, enabled) => {
    const { answers, deleted } = await run(request(type, enabled));

    expect(deleted).toEqual([]);
    expect(ssm.commandCalls(GetParametersByPathCommand)).toHaveLength(0);
    expect(answers[0]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PREFIX });
  });

  it('answers FAILED with the reason when SSM refuses, rather than leaving CloudFormation waiting', async () => {
    ssm
      .on(DeleteParametersCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));

    const { answers } = await run(request('Delete', 'true'));

    expect(answers).toHaveLength(1);
    expect(answers[0]?.body.Status).toBe('FAILED');
    expect(String(answers[0]?.body.Reason)).toContain('AccessDeniedException: not allowed');
  });

  it.each([
    ['Delete', undefined, true],
    ['Update', 'false', true],
    ['Update', 'true', false],
    ['Create', 'false', true],
    ['Create', 'true', false],
  ] as const)('%s with Enabled=%s clears the switches: %s', (type, enabled, clears) => {
    expect(clearsSwitches({ RequestType: type, ResourceProperties: { Enabled: enabled } })).toBe(clears);
  });
});

describe('the failover switch cleanup in the stack', () => {
  const ctx = { service: 'bedrock-watch', stage: 'prod' };
  const resourcesWith = (failoverSwitch: string) =>
    remediationResources(
      parseStackParameters({ remediationEvents: 'true', failoverSwitch }),
      ctx,
      ingestNames(ctx),
    );
  type Policy = { PolicyDocument: { Statement: { Action: string[] }[] } };
  const actionsOf = (resources: ReturnType<typeof resourcesWith>) =>
    ((resources.FailoverSwitchRole?.Properties?.Policies ?? []) as Policy[]).flatMap((p) =>
      p.PolicyDocument.Statement.flatMap((st) => st.Action),
    );

  it.each([
    ['on', 'true'],
    ['off', 'false'],
  ])(
    'is deployed with the action %s, answered by the failover function, Enabled as a string',
    (_state, value) => {
      const resources = resourcesWith(value);

      expect(resources[FAILOVER_CLEANUP_ID]).toEqual({
        Type: 'Custom::FailoverSwitchCleanup',
        Properties: {
          ServiceToken: { 'Fn::GetAtt': [FAILOVER_FUNCTION_ID, 'Arn'] },
          ServiceTimeout: 60,
          Enabled: value,
        },
      });
      // The update that turns the action off runs the cleanup with the role as updated: it keeps the grant.
      expect(actionsOf(resources)).toEqual(
        expect.arrayContaining(['ssm:GetParametersByPath', 'ssm:DeleteParameters']),
      );
    },
  );

  it('can no longer set switches with the action off, and deletes its rule before the cleanup runs when on', () => {
    const off = resourcesWith('false');
    const on = resourcesWith('true');

    expect(actionsOf(off)).not.toContain('ssm:PutParameter');
    expect(off.FailoverSwitchRule).toBeUndefined();
    expect(on.FailoverSwitchRule?.DependsOn).toEqual([FAILOVER_CLEANUP_ID]);
  });
});
