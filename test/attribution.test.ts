import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE_DIR, runReplay } from '../cli/replay/run';
import type { Invocation } from '../shared/ingest/2-parse';
import { applicationProfilesIn, createProfileResolver } from '../shared/ingest/4-resolve-model';
import {
  AttributionResolver,
  callerFromArn,
  ModelIdLimiter,
  OTHER,
  sanitiseValue,
} from '../shared/ingest/6-attribute';
import { ConfigError, loadIngestConfig } from '../shared/ingest/config';

const inv = (callerArn: string | undefined, requestMetadata: Record<string, string> = {}): Invocation => ({
  timeMs: 0,
  requestId: 'r',
  operation: 'Converse',
  modelId: 'm',
  region: 'us-east-1',
  requestMetadata,
  ...(callerArn ? { callerArn } : {}),
});

describe('callerFromArn', () => {
  it.each([
    [
      'arn:aws:sts::123456789012:assumed-role/support-bot-task-role/3f9c2d1e8a7b4c6d',
      'support-bot-task-role',
    ],
    ['arn:aws:iam::123456789012:user/dev-alice', 'dev-alice'],
    ['arn:aws:iam::123456789012:user/team/ops/dev-bob', 'dev-bob'],
    ['arn:aws:iam::123456789012:role/service-role/batch', 'batch'],
    ['arn:aws:iam::123456789012:root', 'root'],
    ['arn:aws:sts::123456789012:federated-user/carol', 'carol'],
    ['arn:aws-us-gov:sts::123456789012:assumed-role/gov-role/s', 'gov-role'],
    ['not an arn', undefined],
    [undefined, undefined],
  ])('names the caller of %s: %s', (arn, caller) => {
    expect(callerFromArn(arn)).toBe(caller);
  });
});

describe('sanitiseValue', () => {
  it.each([
    ['support', 'support'],
    ['  spaced   out  ', 'spaced out'],
    ['tab\tand\nnewline', 'tab and newline'],
    ['ünïcode', '_n_code'],
    ['\u0000\u0007', '__'],
    ['x'.repeat(100), 'x'.repeat(64)],
    ['   ', 'Unattributed'],
  ])('cleans %j to %j', (raw, clean) => {
    expect(sanitiseValue(raw)).toBe(clean);
  });
});

describe('AttributionResolver', () => {
  it('reports Unattributed for a missing key and caller', () => {
    const r = new AttributionResolver({ keys: ['caller', 'team'], maxValues: 5, allow: {} });

    expect(r.resolve(inv(undefined))).toEqual({ caller: 'Unattributed', team: 'Unattributed' });
  });

  it('caps distinct values per key and reports the rest as Other', () => {
    const r = new AttributionResolver({ keys: ['team'], maxValues: 2, allow: {} });

    const teams = ['a', 'b', 'c', 'a', 'd', 'b'].map((team) => r.valueOf('team', inv(undefined, { team })));

    expect(teams).toEqual(['a', 'b', 'Other', 'a', 'Other', 'b']);
  });

  it('reports only allow-listed values, everything else as Other', () => {
    const r = new AttributionResolver({
      keys: ['tenant'],
      maxValues: 100,
      allow: { tenant: ['acme', 'globex'] },
    });

    const tenants = ['acme', 'initech', 'globex'].map((tenant) =>
      r.valueOf('tenant', inv(undefined, { tenant })),
    );

    expect(tenants).toEqual(['acme', 'Other', 'globex']);
  });
});

describe('ModelIdLimiter (defect 8)', () => {
  it('reports the first maxIds model ids as they are and folds later ones into Other, counted', () => {
    const limiter = new ModelIdLimiter(2);

    const reported = ['a', 'b', 'c', 'a', 'd', 'c'].map((id) => limiter.reported(id));

    expect(reported).toEqual(['a', 'b', OTHER, 'a', OTHER, OTHER]);
    expect(limiter.foldedCount).toBe(2);
    expect(limiter.foldedIds()).toEqual(['c', 'd']);
  });

  it('keeps no more than 1,000 folded ids in memory, but still counts them', () => {
    const limiter = new ModelIdLimiter(1);

    for (let i = 0; i < 1500; i++) limiter.reported(`m${i}`);

    expect(limiter.foldedIds()).toHaveLength(1000);
    expect(limiter.foldedCount).toBe(1499);
  });
});

describe('loadIngestConfig', () => {
  it('reads keys from BEDROCK_WATCH_ATTRIBUTION and the rest from BEDROCK_WATCH_CONFIG', () => {
    const config = loadIngestConfig({
      BEDROCK_WATCH_ATTRIBUTION: 'caller, team',
      BEDROCK_WATCH_CONFIG: JSON.stringify({
        attribution: { keys: ['ignored'], maxValues: 7, allow: { team: ['a'] } },
      }),
    });

    expect(config.attribution).toEqual({ keys: ['caller', 'team'], maxValues: 7, allow: { team: ['a'] } });
  });

  it('takes maxValues from BEDROCK_WATCH_ATTRIBUTION_MAX_VALUES over the document', () => {
    const config = loadIngestConfig({
      BEDROCK_WATCH_ATTRIBUTION: 'team',
      BEDROCK_WATCH_ATTRIBUTION_MAX_VALUES: '40',
      BEDROCK_WATCH_CONFIG: JSON.stringify({ attribution: { maxValues: 7 } }),
    });

    expect(config.attribution.maxValues).toBe(40);
  });

  it('reads a config file by path', () => {
    const config = loadIngestConfig({ BEDROCK_WATCH_CONFIG: '/etc/bw.json' }, (path) => {
      expect(path).toBe('/etc/bw.json');
      return '{"attribution":{"keys":["tenant"]},"inferenceProfiles":{"abc":"amazon.nova-lite-v1:0"}}';
    });

    expect(config.attribution.keys).toEqual(['tenant']);
    expect(config.inferenceProfiles).toEqual({ abc: 'amazon.nova-lite-v1:0' });
  });

  it.each([
    [{ BEDROCK_WATCH_ATTRIBUTION: 'Invocations' }, 'attribution key "Invocations"'],
    [{ BEDROCK_WATCH_ATTRIBUTION: 'ModelId' }, 'attribution key "ModelId"'],
    [{ BEDROCK_WATCH_ATTRIBUTION: '1team' }, 'attribution key "1team"'],
    [{ BEDROCK_WATCH_ATTRIBUTION: 'team,team' }, 'listed twice'],
    [{ BEDROCK_WATCH_CONFIG: '{"attribution":{"maxValues":0}}' }, 'attribution.maxValues'],
    [{ BEDROCK_WATCH_ATTRIBUTION_MAX_VALUES: 'many' }, 'attribution.maxValues'],
    [
      {
        BEDROCK_WATCH_CONFIG:
          '{"prices":{"prices":[{"modelId":"m","region":"us-east-1","input":-1,"output":1}]}}',
      },
      'prices.prices[0].input',
    ],
    [
      { BEDROCK_WATCH_CONFIG: '{"prices":{"prices":[{"region":"us-east-1","input":1,"output":1}]}}' },
      'prices.prices[0].modelId',
    ],
    [{ BEDROCK_WATCH_CONFIG: '{"prices": 3}' }, 'prices: expected'],
    [{ BEDROCK_WATCH_CONFIG: '{"inferenceProfiles":{"a":1}}' }, 'inferenceProfiles'],
    [{ BEDROCK_WATCH_CONFIG: '{"provisionedModels":{"a":{"hourlyUsd":"x"}}}' }, 'provisionedModels'],
    [{ BEDROCK_WATCH_CONFIG: '{not json' }, 'BEDROCK_WATCH_CONFIG (inline JSON) cannot be read'],
    [{ BEDROCK_WATCH_RESOLVE_INFERENCE_PROFILES: 'yes' }, 'BEDROCK_WATCH_RESOLVE_INFERENCE_PROFILES'],
  ])('rejects %j with a clear error', (env, message) => {
    expect(() => loadIngestConfig(env, () => '{}')).toThrow(ConfigError);
    expect(() => loadIngestConfig(env, () => '{}')).toThrow(message);
  });
});

describe('applicationProfilesIn and createProfileResolver', () => {
  const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/k2x9v7q4m1ab';

  it("picks the application-profile ARNs out of a batch's model ids", () => {
    const profiles = applicationProfilesIn([
      arn,
      arn,
      'amazon.nova-lite-v1:0',
      'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/x',
    ]);

    expect(profiles).toEqual([arn]);
  });

  it('looks unknown profiles up once, caches them, and backs off after a failure', async () => {
    let now = 0;
    const calls: string[] = [];
    const resolver = createProfileResolver({
      configured: {},
      now: () => now,
      lookup: (a) => {
        calls.push(a);
        if (a.endsWith('/bad')) return Promise.reject(new Error('AccessDenied'));
        return Promise.resolve('anthropic.claude-3-haiku-20240307-v1:0');
      },
    });
    const bad = arn.replace('k2x9v7q4m1ab', 'bad');

    expect(await resolver.prepare([arn, bad])).toEqual({ failed: [bad] });
    expect(resolver.profiles.get(arn)).toBe('anthropic.claude-3-haiku-20240307-v1:0');

    await resolver.prepare([arn, bad]);
    expect(calls).toEqual([arn, bad]);

    now = 11 * 60_000;
    await resolver.prepare([arn, bad]);
    expect(calls).toEqual([arn, bad, bad]);
  });

  it('gives up on a slow lookup instead of stalling the batch', async () => {
    const resolver = createProfileResolver({
      configured: {},
      now: () => 0,
      timeoutMs: 20,
      lookup: () => new Promise(() => undefined),
    });

    const outcome = await resolver.prepare([arn]);

    expect(outcome).toEqual({ failed: [arn] });
  });
});

describe('runReplay with attribution, over the bundled sample set', () => {
  it('team and caller totals add up to the model totals, and every document is valid EMF', async () => {
    const run = await runReplay({
      paths: [DEFAULT_SAMPLE_DIR],
      writeLog: () => undefined,
      env: { BEDROCK_WATCH_ATTRIBUTION: 'caller,team' },
    });

    const { totals, attribution } = run.summary;
    expect(Object.keys(attribution)).toEqual(['caller', 'team']);
    for (const key of ['caller', 'team']) {
      const values = attribution[key] ?? [];
      expect(values.length).toBeGreaterThan(2);
      const sum = (f: (v: (typeof values)[number]) => number) => values.reduce((a, v) => a + f(v), 0);
      expect(
        sum((v) => v.invocations),
        key,
      ).toBe(totals.invocations);
      expect(
        sum((v) => v.inputTokens),
        key,
      ).toBe(totals.inputTokens);
      expect(
        sum((v) => v.outputTokens),
        key,
      ).toBe(totals.outputTokens);
      expect(
        sum((v) => v.costUsd),
        key,
      ).toBeCloseTo(totals.costUsd ?? Number.NaN, 6);
      expect(
        sum((v) => v.errors),
        key,
      ).toBe(Object.values(totals.errors).reduce((a, b) => a + b, 0));
      expect(
        sum((v) => v.latencyMs.count),
        key,
      ).toBe(totals.latencyMs.count);
    }
    expect(attribution.team?.map((v) => v.value)).toContain('Unattributed');
    expect(attribution.caller?.map((v) => v.value)).toContain('support-bot-task-role');
    const lines = run.emf.map((l) => JSON.parse(l));
    const attributionLines = lines.filter((d) => d.bedrockWatch === 'attribution');
    for (const doc of run.emf.filter((l) => l.includes('"_aws"'))) expect(doc).toBeValidEmf();
    // Attribution is data in the log, not metric series: no EMF document carries a team or caller.
    expect(
      lines.filter((d) => d._aws && (typeof d.team === 'string' || typeof d.Caller === 'string')),
    ).toEqual([]);
    expect(attributionLines.length).toBeGreaterThan(0);
    expect(Object.keys(attributionLines.find((d) => typeof d.team === 'string'))).toEqual(
      expect.arrayContaining(['Timestamp', 'service', 'team', 'ModelId', 'Invocations']),
    );
  });
});
