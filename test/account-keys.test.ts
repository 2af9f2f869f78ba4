import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../cli/simulate/run';
import { functionEnvironment } from '../deploy/stack/environment';
import { buildStack } from '../deploy/stack/index';
import { firstAlarmMinute } from '../dev/lib/scenario-check';
import { SCENARIOS } from '../dev/lib/scenarios';
import { parseAccountBudgets } from '../shared/alerts/budgets';
import { insightRuleName } from '../shared/alerts/contributors';
import type { Invocation } from '../shared/ingest/2-parse';
import { AttributionResolver, accountOfArn, dimensionNameOf } from '../shared/ingest/6-attribute';
import { aggregateAccounts, aggregateAttribution } from '../shared/ingest/7-aggregate';
import { toAccountEmfDocuments, toAttributionLines } from '../shared/ingest/8-emf';
import { ConfigError, loadIngestConfig } from '../shared/ingest/config';
import { buildAlarmDefinitions, type StackNames, scopeToken } from '../shared/monitoring/alarms/index';
import { hourlySettings, seriesAccounts } from '../shared/monitoring/alerting';
import { buildInsightRules } from '../shared/monitoring/insights';
import { parseStackParameters, StackParameterError } from '../shared/monitoring/parameters';
import { EVENTS_DIR } from './support/helpers';

const CTX: StackNames = {
  namePrefix: 'bedrock-watch-test',
  ingestFunctionName: 'bedrock-watch-test-ingest',
  ingestLogGroupName: '/aws/lambda/bedrock-watch-test-ingest',
  failureQueueName: 'bedrock-watch-test-ingest-failures',
};
const A = '111122223333';
const B = '444455556666';
const C = '777788889999';

const inv = (fields: Partial<Invocation> = {}): Invocation => ({
  timeMs: 0,
  requestId: 'r',
  operation: 'Converse',
  modelId: 'm',
  region: 'us-east-1',
  requestMetadata: {},
  ...fields,
});
const roleIn = (account: string, role = 'app-role') =>
  `arn:aws:sts::${account}:assumed-role/${role}/session-1`;

describe('account and region as built-in attribution keys', () => {
  it('reads account and region from the record, not from requestMetadata keys of the same name', () => {
    const resolver = new AttributionResolver({ keys: ['account', 'region'], maxValues: 25, allow: {} });

    const values = resolver.resolve(
      inv({ accountId: A, region: 'eu-west-1', requestMetadata: { account: 'spoofed', region: 'mars-1' } }),
    );

    expect(values).toEqual({ account: A, region: 'eu-west-1' });
  });

  it('reports Unattributed for a record without a 12-digit accountId', () => {
    const resolver = new AttributionResolver({ keys: ['account'], maxValues: 25, allow: {} });

    expect(resolver.resolve(inv())).toEqual({ account: 'Unattributed' });
  });

  it('names the log fields Account and Region, as Caller is named', () => {
    expect([dimensionNameOf('account'), dimensionNameOf('region'), dimensionNameOf('caller')]).toEqual([
      'Account',
      'Region',
      'Caller',
    ]);
  });

  it('accepts account and region as keys of the ingest configuration', () => {
    const config = loadIngestConfig({ BEDROCK_WATCH_ATTRIBUTION: 'account,region,caller' });

    expect(config.attribution.keys).toEqual(['account', 'region', 'caller']);
  });

  it.each([
    ['accountId', 'account'],
    ['Account', 'account'],
    ['Region', 'region'],
    ['awsRegion', 'region'],
  ])('refuses the attribution key %s, pointing to the built-in key %s', (key, builtIn) => {
    expect(() => loadIngestConfig({ BEDROCK_WATCH_ATTRIBUTION: key })).toThrow(ConfigError);
    expect(() => loadIngestConfig({ BEDROCK_WATCH_ATTRIBUTION: key })).toThrow(`built-in key "${builtIn}"`);
  });

  it('fails the package for attributionKeys=accountId instead of deploying a silent Unattributed', () => {
    const params = parseStackParameters({ attributionKeys: 'accountId' });

    expect(() => functionEnvironment(params)).toThrow(/built-in key "account"/);
  });

  it('builds the Contributor Insights rules of account and region with the shared rule names', () => {
    const rules = buildInsightRules(parseStackParameters({ attributionKeys: 'account,region' }), {
      namePrefix: CTX.namePrefix,
      ingestLogGroupName: CTX.ingestLogGroupName,
    });

    expect(rules.map((r) => r.name)).toEqual([
      insightRuleName(CTX.namePrefix, 'account', 'cost'),
      insightRuleName(CTX.namePrefix, 'account', 'tokens'),
      insightRuleName(CTX.namePrefix, 'account', 'calls'),
      insightRuleName(CTX.namePrefix, 'account', 'errors'),
      insightRuleName(CTX.namePrefix, 'region', 'cost'),
      insightRuleName(CTX.namePrefix, 'region', 'tokens'),
      insightRuleName(CTX.namePrefix, 'region', 'calls'),
      insightRuleName(CTX.namePrefix, 'region', 'errors'),
    ]);
    expect(rules[0]?.name).toBe('bedrock-watch-test-top-account-by-cost');
    expect(rules.map((r) => r.keyField)).toEqual([...Array(4).fill('Account'), ...Array(4).fill('Region')]);
    expect(rules[4]?.body.Contribution).toMatchObject({ Keys: ['$.Region'] });
  });

  it('adds no metric series for account or region attribution: no alarm reads an Account dimension', () => {
    const defs = buildAlarmDefinitions(parseStackParameters({ attributionKeys: 'account,region' }), CTX);

    const dims = defs.flatMap((d) =>
      d.kind === 'metric' ? d.queries.flatMap((q) => Object.keys(q.metric?.dimensions ?? {})) : [],
    );
    expect(dims).not.toContain('Account');
    expect(dims).not.toContain('Region');
  });
});

describe('account and region lines in an organization', () => {
  it('keeps a 26th account apart although attributionMaxValues is 25, and still folds the 26th caller', () => {
    const resolver = new AttributionResolver({ keys: ['account', 'team'], maxValues: 25, allow: {} });
    const seen = Array.from({ length: 30 }, (_, i) =>
      resolver.resolve(inv({ accountId: String(100_000_000_000 + i), requestMetadata: { team: `t${i}` } })),
    );

    expect(seen[29]?.account).toBe('100000000029');
    expect(seen[24]?.team).toBe('t24');
    expect(seen[25]?.team).toBe('Other');
  });

  it('writes one line per account and minute for all models (no ModelId), and per model for the caller', () => {
    const resolver = new AttributionResolver({ keys: ['account', 'caller'], maxValues: 25, allow: {} });
    const calls = ['model-a', 'model-b', 'model-a'].map((modelId, i) =>
      inv({ requestId: `r${i}`, modelId, accountId: A, callerArn: roleIn(A), inputTokens: 10 }),
    );
    const buckets = aggregateAttribution(
      calls,
      () => ({ kind: 'not-billable' }),
      (i) => Object.fromEntries(Object.entries(resolver.resolve(i)).map(([k, v]) => [dimensionNameOf(k), v])),
    );
    const lines = toAttributionLines(buckets, { namespace: 'N', service: 's', metricSet: 'complete' }).map(
      (l) => JSON.parse(l) as Record<string, unknown>,
    );
    const accountLines = lines.filter((l) => l.Account !== undefined);
    const callerLines = lines.filter((l) => l.Caller !== undefined);

    expect(accountLines).toHaveLength(1);
    expect(accountLines[0]).not.toHaveProperty('ModelId');
    expect(accountLines[0]?.Invocations).toBe(3);
    expect(accountLines[0]?.InputTokens).toBe(30);
    expect(callerLines.map((l) => l.ModelId).sort()).toEqual(['model-a', 'model-b']);
  });

  it("batches the organization stack's stream a minute, and one account's as before", () => {
    const mapping = (extra: Record<string, string>) =>
      buildStack(parseStackParameters({ ingestMode: 'kinesis', ...extra }), { service: 'bw', stage: 't' })
        .Resources.IngestStreamMapping?.Properties;

    expect(mapping({})).toMatchObject({ BatchSize: 100, MaximumBatchingWindowInSeconds: 10 });
    expect(mapping({ organizationId: 'o-abcdefghij' })).toMatchObject({
      BatchSize: 10_000,
      MaximumBatchingWindowInSeconds: 60,
    });
  });
});

describe('callers told apart by account', () => {
  it('keeps the same role name in two accounts as two callers, the other account carried in the value', () => {
    const resolver = new AttributionResolver({ keys: ['caller'], maxValues: 25, allow: {} }, A);

    const home = resolver.resolve(inv({ callerArn: roleIn(A), accountId: A }));
    const other = resolver.resolve(inv({ callerArn: roleIn(B), accountId: B }));

    expect(home).toEqual({ caller: 'app-role' });
    expect(other).toEqual({ caller: `app-role (${B})` });
  });

  it("adopts the first caller's account as home when none is given, so single-account input reads as before", () => {
    const resolver = new AttributionResolver({ keys: ['caller'], maxValues: 25, allow: {} });

    const values = [B, B, A].map((account) => resolver.resolve(inv({ callerArn: roleIn(account) })).caller);

    expect(values).toEqual(['app-role', 'app-role', `app-role (${A})`]);
  });

  it('keeps a long role name with its account within the 64-character value limit', () => {
    const resolver = new AttributionResolver({ keys: ['caller'], maxValues: 25, allow: {} }, A);

    const value = resolver.resolve(inv({ callerArn: roleIn(B, 'r'.repeat(64)) })).caller ?? '';

    expect(value.length).toBeLessThanOrEqual(64);
    expect(value.endsWith(` (${B})`)).toBe(true);
  });

  it('reads the account of an ARN', () => {
    expect(accountOfArn(roleIn(B))).toBe(B);
    expect(accountOfArn('arn:aws:lambda:eu-west-1:111122223333:function:f')).toBe(A);
    expect(accountOfArn('not-an-arn')).toBeUndefined();
  });
});

describe('watchedAccounts and accountBudgets parameters', () => {
  it.each([
    [{ watchedAccounts: '12345' }, /watchedAccounts: "12345" is not a 12-digit account id/],
    [{ watchedAccounts: `${A},${A}` }, /listed twice/],
    [{ accountBudgets: `${A}` }, /accountBudgets: .* is not account=usd/],
    [{ accountBudgets: 'team=5' }, /accountBudgets: .* is not account=usd/],
    [{ accountBudgets: `${A}=0` }, /more than 0 USD/],
    [{ accountBudgets: `${A}=5,${A}=6` }, /has two budgets/],
    [
      { attributionKeys: 'account', teamBudgets: `account/${A}=5` },
      /give an account's budget in accountBudgets/,
    ],
  ])('refuses %j at package time', (raw, message) => {
    expect(() => parseStackParameters(raw)).toThrow(StackParameterError);
    expect(() => parseStackParameters(raw)).toThrow(message);
  });

  it('reads account budgets separated by commas or semicolons, as Account-dimension scopes', () => {
    expect(parseAccountBudgets(`${A}=500, ${B}=12.5;${C}=1`).map((b) => [b.id, b.dimensions, b.usd])).toEqual(
      [
        [`account=${A}`, { Account: A }, 500],
        [`account=${B}`, { Account: B }, 12.5],
        [`account=${C}`, { Account: C }, 1],
      ],
    );
  });

  it('gives watched and budgeted accounts their series, each once, without needing attribution', () => {
    const params = parseStackParameters({ watchedAccounts: `${A},${B}`, accountBudgets: `${B}=10,${C}=20` });

    expect(seriesAccounts(params)).toEqual([A, B, C]);
    expect(functionEnvironment(params).BEDROCK_WATCH_ACCOUNTS).toBe(`${A},${B},${C}`);
    expect(functionEnvironment(params).BEDROCK_WATCH_ATTRIBUTION).toBeUndefined();
  });

  it('sets no account variable when no account is named', () => {
    expect(functionEnvironment(parseStackParameters({})).BEDROCK_WATCH_ACCOUNTS).toBeUndefined();
  });

  it("alarms on a watched account's error rate at warning and critical, over its own series", () => {
    const params = parseStackParameters({ watchedAccounts: A });
    const defs = buildAlarmDefinitions(params, CTX).filter((d) => d.scope === A);

    expect(defs.map((d) => d.key)).toEqual([
      `error-rate-warning-account-${A}`,
      `error-rate-critical-account-${A}`,
    ]);
    expect(defs.map((d) => d.family)).toEqual(['error-rate', 'error-rate']);
    const first = defs[0];
    if (first?.kind !== 'metric') throw new Error('expected a metric alarm');
    expect(first.threshold).toBe(params.errorRateWarningPct);
    const read = first.queries
      .filter((q) => q.metric)
      .map((q) => [q.metric?.metricName, q.metric?.dimensions]);
    expect(read).toEqual([
      ['TimeoutErrors', { service: params.serviceName, Account: A }],
      ['ModelErrors', { service: params.serviceName, Account: A }],
      ['ServerErrors', { service: params.serviceName, Account: A }],
      ['Invocations', { service: params.serviceName, Account: A }],
    ]);
  });

  it('gives a budgeted account the 50/75/90 % and projection alarms of a team budget, and the hourly function its scope', () => {
    const params = parseStackParameters({ accountBudgets: `${B}=500` });
    const token = scopeToken(`account=${B}`);
    const defs = buildAlarmDefinitions(params, CTX).filter((d) => d.scope === `account=${B}`);

    expect(defs.map((d) => [d.key, d.kind === 'metric' ? d.threshold : undefined])).toEqual([
      [`budget-50-${token}`, 250],
      [`budget-75-${token}`, 375],
      [`budget-90-${token}`, 450],
      [`budget-projection-${token}`, 500],
    ]);
    expect(defs.map((d) => (d.kind === 'metric' ? d.level : ''))).toEqual([
      'warning',
      'warning',
      'critical',
      'warning',
    ]);
    expect(hourlySettings(params)?.costScopes).toEqual([{ Account: B }]);
    expect(buildAlarmDefinitions(params, CTX).some((d) => d.scope === B)).toBe(false);
  });

  it('adds no alarm and no series for accounts nobody named', () => {
    const none = buildAlarmDefinitions(parseStackParameters({}), CTX);
    const watched = buildAlarmDefinitions(parseStackParameters({ watchedAccounts: A }), CTX);

    expect(watched.length - none.length).toBe(2);
    expect(watched.filter((d) => !d.key.includes(A)).map((d) => d.key)).toEqual(none.map((d) => d.key));
  });
});

describe('per-account series', () => {
  const priced = { kind: 'priced', usd: 0.25 } as const;
  const emf = { namespace: 'BedrockWatch', service: 'svc' };

  it('writes one document per named account and minute with calls, cost and service errors only', () => {
    const calls = [
      inv({ accountId: A, timeMs: 1000 }),
      inv({ accountId: A, timeMs: 2000, errorClass: 'Server' }),
      inv({ accountId: A, timeMs: 3000, errorClass: 'Validation' }),
      inv({ accountId: B, timeMs: 4000 }),
      inv({ timeMs: 5000 }),
    ];

    const docs = toAccountEmfDocuments(
      aggregateAccounts(calls, () => priced, new Set([A])),
      emf,
    ).map((d) => JSON.parse(d));

    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      service: 'svc',
      Account: A,
      Invocations: 3,
      CostUSD: 0.75,
      ServerErrors: 1,
    });
    expect(docs[0]).not.toHaveProperty('ValidationErrors');
    expect(docs[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'Account']]);
  });

  it("counts every named account's calls exactly once (property)", () => {
    const accounts = [A, B, C];
    fc.assert(
      fc.property(
        fc.array(fc.record({ account: fc.constantFrom(...accounts, undefined), minute: fc.nat(5) }), {
          maxLength: 60,
        }),
        fc.subarray(accounts),
        (calls, named) => {
          const invocations = calls.map((c) =>
            inv({ timeMs: c.minute * 60_000, ...(c.account ? { accountId: c.account } : {}) }),
          );
          const docs = toAccountEmfDocuments(
            aggregateAccounts(invocations, () => priced, new Set(named)),
            emf,
          ).map((d) => JSON.parse(d) as { Account: string; Invocations: number });
          for (const account of accounts) {
            const published = docs
              .filter((d) => d.Account === account)
              .reduce((s, d) => s + d.Invocations, 0);
            const expected = named.includes(account) ? calls.filter((c) => c.account === account).length : 0;
            expect(published).toBe(expected);
          }
        },
      ),
    );
  });

  it('reads BEDROCK_WATCH_ACCOUNTS and refuses an id that is not 12 digits', () => {
    expect([...(loadIngestConfig({ BEDROCK_WATCH_ACCOUNTS: `${A}, ${B}` }).accounts ?? [])]).toEqual([A, B]);
    expect(loadIngestConfig({}).accounts).toBeUndefined();
    expect(() => loadIngestConfig({ BEDROCK_WATCH_ACCOUNTS: '1234' })).toThrow(ConfigError);
  });
});

describe('the organization-runaway scenario (three accounts, two regions)', () => {
  it("fires only the runaway account's budget alarms; the other accounts' alarms exist and stay quiet", async () => {
    const scenario = SCENARIOS.find((s) => s.name === 'organization-runaway');
    if (!scenario) throw new Error('organization-runaway is missing from dev/lib/scenarios.ts');

    const result = await runSimulation({
      paths: [join(EVENTS_DIR, 'scenarios', scenario.name)],
      params: parseStackParameters(scenario.params),
      deliveryLagSeconds: scenario.deliveryLagSeconds,
    });

    const start = Date.parse(scenario.traffic.start);
    const fired = result.timelines
      .filter((t) => firstAlarmMinute(t, start) !== undefined)
      .map((t) => t.definition.key);
    expect(fired.sort()).toEqual(
      [
        `budget-50-${scopeToken(`account=${B}`)}`,
        `budget-75-${scopeToken(`account=${B}`)}`,
        `budget-90-${scopeToken(`account=${B}`)}`,
        `budget-projection-${scopeToken(`account=${B}`)}`,
      ].sort(),
    );
    const simulatedKeys = result.timelines.filter((t) => t.simulated).map((t) => t.definition.key);
    for (const account of [A, B, C])
      expect(simulatedKeys).toEqual(
        expect.arrayContaining([
          `error-rate-warning-account-${account}`,
          `error-rate-critical-account-${account}`,
          `budget-90-${scopeToken(`account=${account}`)}`,
        ]),
      );
  });
});
