import { describe, expect, it } from 'vitest';
import { alarmResources } from '../deploy/stack/index';
import { parseModelBudgets, parseTeamBudgets } from '../shared/alerts/budgets';
import { buildAlarmDefinitions, type StackNames, scopeToken } from '../shared/monitoring/alarms/index';
import { hourlySettings } from '../shared/monitoring/alerting';
import { parseStackParameters, StackParameterError } from '../shared/monitoring/parameters';

const CTX: StackNames = {
  namePrefix: 'bedrock-watch-test',
  ingestFunctionName: 'bedrock-watch-test-ingest',
  ingestLogGroupName: '/aws/lambda/bedrock-watch-test-ingest',
  failureQueueName: 'bedrock-watch-test-ingest-failures',
};
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const BUDGETS = {
  monthlyBudgetUsd: '1000',
  modelBudgets: `${HAIKU}=400`,
  attributionKeys: 'caller,team',
  teamBudgets: 'team/search=300',
};

describe('budget specs', () => {
  it('reads a model budget per logged model id, colons and all', () => {
    const budgets = parseModelBudgets(`${HAIKU}=400; amazon.nova-lite-v1:0=12.5`);

    expect(budgets.map((b) => [b.id, b.usd, b.dimensions])).toEqual([
      [HAIKU, 400, { ModelId: HAIKU }],
      ['amazon.nova-lite-v1:0', 12.5, { ModelId: 'amazon.nova-lite-v1:0' }],
    ]);
  });

  it('reads a team budget as an attribution dimension, Caller for the caller key', () => {
    const budgets = parseTeamBudgets('team/search=300;caller/app-role=50');

    expect(budgets.map((b) => [b.id, b.dimensions])).toEqual([
      ['team=search', { team: 'search' }],
      ['caller=app-role', { Caller: 'app-role' }],
    ]);
  });

  it.each([
    ['modelBudgets', `${HAIKU}`, 'modelBudgets: "anthropic.claude-3-haiku-20240307-v1:0" is not modelId=usd'],
    ['modelBudgets', `${HAIKU}=0`, 'the budget must be more than 0 USD'],
    ['modelBudgets', `${HAIKU}=1;${HAIKU}=2`, 'has two budgets'],
    ['teamBudgets', 'search=300', 'is not key/value=usd'],
  ])('refuses %s "%s" naming the parameter', (name, value, message) => {
    const act = () => parseStackParameters({ attributionKeys: 'team', [name]: value });

    expect(act).toThrow(StackParameterError);
    expect(act).toThrow(message);
  });

  it('refuses a team budget on a key that is not attributed, since no cost is published for it', () => {
    const act = () => parseStackParameters({ teamBudgets: 'tenant/acme=10', attributionKeys: 'team' });

    expect(act).toThrow('teamBudgets: "tenant" is not in attributionKeys');
  });
});

describe('budget alarms', () => {
  it('creates no budget, projection or token-spike alarm by default', () => {
    const defs = buildAlarmDefinitions(parseStackParameters({}), CTX);

    expect(defs.filter((d) => ['budget', 'budget-projection', 'token-spike'].includes(d.family))).toEqual([]);
  });

  it('alarms at 50 and 75 % (warning) and 90 % (critical) of each budget, on the hourly month to date', () => {
    const defs = buildAlarmDefinitions(parseStackParameters(BUDGETS), CTX);

    const budget = defs.filter((d) => d.family === 'budget');
    expect(budget.map((d) => [d.key, d.scope, d.level, d.kind === 'metric' && d.threshold])).toEqual([
      ['budget-50-all', 'all', 'warning', 500],
      ['budget-75-all', 'all', 'warning', 750],
      ['budget-90-all', 'all', 'critical', 900],
      [`budget-50-${scopeToken(HAIKU)}`, HAIKU, 'warning', 200],
      [`budget-75-${scopeToken(HAIKU)}`, HAIKU, 'warning', 300],
      [`budget-90-${scopeToken(HAIKU)}`, HAIKU, 'critical', 360],
      [`budget-50-${scopeToken('team=search')}`, 'team=search', 'warning', 150],
      [`budget-75-${scopeToken('team=search')}`, 'team=search', 'warning', 225],
      [`budget-90-${scopeToken('team=search')}`, 'team=search', 'critical', 270],
    ]);
    const team = budget.find((d) => d.scope === 'team=search');
    expect(team?.kind === 'metric' && team.queries[0]?.metric).toEqual({
      namespace: 'BedrockWatch',
      metricName: 'MonthToDateCostUSD',
      dimensions: { service: 'bedrock-watch', team: 'search' },
      stat: 'Maximum',
      period: 3600,
      unit: 'None',
    });
    expect(team).toMatchObject({ comparison: 'GreaterThanOrEqualToThreshold', treatMissingData: 'ignore' });
  });

  it('warns of a projected overrun only once the minimum share of the budget is spent, for 3 hours in a row', () => {
    const defs = buildAlarmDefinitions(parseStackParameters(BUDGETS), CTX);

    const projection = defs.find((d) => d.key === 'budget-projection-all');
    expect(projection).toMatchObject({
      level: 'warning',
      threshold: 1000,
      comparison: 'GreaterThanThreshold',
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
    expect(
      projection?.kind === 'metric' && projection.queries.map((q) => q.expression ?? q.metric?.metricName),
    ).toEqual(['MonthToDateCostUSD', 'ProjectedMonthCostUSD', 'IF(mtd >= 100, proj, 0)']);
  });

  it('compares last-hour tokens with their baseline behind a volume guard, per scope', () => {
    const params = parseStackParameters({
      tokenSpikeAlarms: 'true',
      watchedModels: HAIKU,
      tokenSpikeMinTokens: '5000',
    });

    const spikes = buildAlarmDefinitions(params, CTX).filter((d) => d.family === 'token-spike');

    expect(spikes.map((d) => [d.key, d.level, d.kind === 'metric' && d.threshold])).toEqual([
      ['token-spike-warning-all', 'warning', 25],
      ['token-spike-critical-all', 'critical', 50],
      [`token-spike-warning-${scopeToken(HAIKU)}`, 'warning', 25],
      [`token-spike-critical-${scopeToken(HAIKU)}`, 'critical', 50],
    ]);
    expect(spikes[0]?.kind === 'metric' && spikes[0].queries.at(-1)?.expression).toBe(
      'IF(base >= 5000, 100 * (tok - base) / base, 0)',
    );
  });

  it('tells the hourly function to publish per model and per team, and token figures per spike scope', () => {
    const params = parseStackParameters({ ...BUDGETS, tokenSpikeAlarms: 'true', watchedModels: HAIKU });

    const settings = hourlySettings(params);

    expect(settings).toEqual({
      costScopes: [{ ModelId: HAIKU }, { team: 'search' }],
      tokenScopes: [{}, { ModelId: HAIKU }],
      baselineDays: 7,
    });
  });

  it('renders as CloudFormation alarms that notify by level and keep their state without data', () => {
    const defs = buildAlarmDefinitions(parseStackParameters({ monthlyBudgetUsd: '1000' }), CTX);

    const resources = alarmResources(defs, { warning: 'W', critical: 'C' });

    expect(resources.AlarmBudget90All?.Properties).toMatchObject({
      AlarmName: 'bedrock-watch-test-budget-90-all',
      MetricName: 'MonthToDateCostUSD',
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 900,
      TreatMissingData: 'ignore',
      AlarmActions: ['C'],
    });
  });
});
