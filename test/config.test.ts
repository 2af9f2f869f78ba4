import { describe, expect, it } from 'vitest';
import { ConfigError, loadIngestConfig, validatePriceData } from '../shared/ingest/config';
import priceData from '../shared/ingest/price-table.json';
import { closestName as closestParameter } from '../shared/monitoring/parameters';
import { closestName } from '../shared/names';

const price = (fields: Record<string, unknown>) => ({
  prices: [{ modelId: 'm', region: 'us-east-1', input: 0.001, output: 0.002, ...fields }],
});
const configError = (env: Record<string, string>, readFile: (path: string) => string = () => '{}') => {
  try {
    loadIngestConfig(env, readFile);
  } catch (error) {
    return error instanceof ConfigError ? error.message : `not a ConfigError: ${String(error)}`;
  }
  return 'no error';
};

describe('closestName', () => {
  it('suggests the known name a typo came from, and nothing for a name far from all', () => {
    expect(closestName('attributon', ['attribution', 'prices'])).toBe('attribution');
    expect(closestName('cacheReed', ['cacheRead', 'cacheWrite'])).toBe('cacheRead');
    expect(closestName('zzz', ['attribution', 'prices'])).toBeUndefined();
  });

  it('is still exported where the stack parameters have always taken it from', () => {
    expect(closestParameter('watchedModel', ['watchedModels', 'quotas'])).toBe('watchedModels');
  });
});

describe('loadIngestConfig: unknown keys in the configuration document (#14)', () => {
  it.each([
    [{ attributon: { keys: ['team'] } }, 'unknown setting "attributon" (did you mean "attribution"?)'],
    [{ attribution: { key: ['team'] } }, 'attribution: unknown setting "key" (did you mean "keys"?)'],
    [
      { prices: price({ cacheReed: 0.0001 }) },
      'prices.prices[0]: unknown setting "cacheReed" (did you mean "cacheRead"?)',
    ],
    [{ prices: { price: [] } }, 'prices: unknown setting "price" (did you mean "prices"?)'],
    [
      { provisionedModels: { arn: { hourlyUSD: 3 } } },
      'provisionedModels.arn: unknown setting "hourlyUSD" (did you mean "hourlyUsd"?)',
    ],
    [{ somethingElse: 1 }, 'unknown setting "somethingElse"'],
  ])('refuses %j, naming the closest known key', (doc, message) => {
    const error = configError({ BEDROCK_WATCH_CONFIG: JSON.stringify(doc) });

    expect(error).toContain(message);
  });

  it('accepts every key the bundled price table uses, so the table itself passes the check', () => {
    expect(() => validatePriceData(priceData, 'price-table.json')).not.toThrow();
  });
});

describe('loadIngestConfig: price bounds (defect 2)', () => {
  it.each([
    ['input', 1e306],
    ['output', 101],
    ['cacheRead', 1e200],
    ['cacheWrite', Number.MAX_VALUE],
    ['cacheWrite1h', 1000],
    ['nonGlobalMultiplier', 1e300],
  ])('refuses %s = %d as out of range', (field, value) => {
    const error = configError({
      BEDROCK_WATCH_CONFIG: JSON.stringify({ prices: price({ [field]: value }) }),
    });

    expect(error).toMatch(new RegExp(`^prices\\.prices\\[0\\]\\.${field}: .*at most`));
  });

  it('accepts the dearest real prices with room to spare', () => {
    const config = loadIngestConfig({
      BEDROCK_WATCH_CONFIG: JSON.stringify({ prices: price({ input: 0.015, output: 0.075 }) }),
    });

    expect(config.priceOverlay?.prices[0]?.output).toBe(0.075);
  });

  it('refuses an hourly cost beyond any provisioned throughput', () => {
    const error = configError({
      BEDROCK_WATCH_CONFIG: JSON.stringify({ provisionedModels: { arn: { hourlyUsd: 1e300 } } }),
    });

    expect(error).toMatch(/^provisionedModels\.arn\.hourlyUsd: .*at most/);
  });
});

describe('loadIngestConfig: a prices file that cannot be read (defect 9)', () => {
  it('names the prices setting and the file, not BEDROCK_WATCH_CONFIG', () => {
    const readFile = (path: string) => {
      if (path === 'config.json') return '{"prices":"missing-prices.json"}';
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    };

    const error = configError({ BEDROCK_WATCH_CONFIG: 'config.json' }, readFile);

    expect(error).toMatch(/^prices: the price file missing-prices\.json cannot be read: ENOENT/);
    expect(error).not.toContain('BEDROCK_WATCH_CONFIG');
  });

  it('still names BEDROCK_WATCH_CONFIG when the document itself cannot be read', () => {
    const readFile = () => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    };

    expect(configError({ BEDROCK_WATCH_CONFIG: 'nope.json' }, readFile)).toContain(
      'BEDROCK_WATCH_CONFIG file nope.json cannot be read',
    );
  });
});

describe('loadIngestConfig: the model-id cap (defect 8)', () => {
  it('defaults to 50 model ids, reads maxModelIds from the document and the environment over it', () => {
    const byDefault = loadIngestConfig({});
    const fromDocument = loadIngestConfig({ BEDROCK_WATCH_CONFIG: '{"maxModelIds": 12}' });
    const fromEnvironment = loadIngestConfig({
      BEDROCK_WATCH_CONFIG: '{"maxModelIds": 12}',
      BEDROCK_WATCH_MAX_MODEL_IDS: '30',
    });

    expect(byDefault.maxModelIds).toBe(50);
    expect(fromDocument.maxModelIds).toBe(12);
    expect(fromEnvironment.maxModelIds).toBe(30);
  });

  it.each([
    [{ BEDROCK_WATCH_MAX_MODEL_IDS: '0' }],
    [{ BEDROCK_WATCH_MAX_MODEL_IDS: 'lots' }],
    [{ BEDROCK_WATCH_CONFIG: '{"maxModelIds": 1001}' }],
    [{ BEDROCK_WATCH_CONFIG: '{"maxModelIds": 2.5}' }],
  ])('refuses %j', (env) => {
    expect(configError(env)).toContain('maxModelIds: an integer from 1 to 1000');
  });
});

describe('metric set and budgeted values', () => {
  it('reads the metric set (complete by default) and the budgeted values, sanitised, per dimension', () => {
    const config = loadIngestConfig({
      BEDROCK_WATCH_METRIC_SET: 'essential',
      BEDROCK_WATCH_ATTRIBUTION: 'caller,team',
      BEDROCK_WATCH_BUDGETED_VALUES: '["team/search","caller/app-role","team/ads"]',
    });

    expect(loadIngestConfig({}).metricSet).toBe('complete');
    expect(config.metricSet).toBe('essential');
    expect(config.budgetedValues).toEqual(
      new Map([
        ['team', new Set(['search', 'ads'])],
        ['Caller', new Set(['app-role'])],
      ]),
    );
  });

  it.each([
    [
      { BEDROCK_WATCH_METRIC_SET: 'minimal' },
      'BEDROCK_WATCH_METRIC_SET "minimal" is not complete or essential',
    ],
    [{ BEDROCK_WATCH_BUDGETED_VALUES: 'team/search' }, 'expected a JSON array of "key/value" strings'],
    [
      { BEDROCK_WATCH_ATTRIBUTION: 'team', BEDROCK_WATCH_BUDGETED_VALUES: '["tenant/x"]' },
      'BEDROCK_WATCH_BUDGETED_VALUES "tenant/x" is not key/value with an attributed key (team)',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadIngestConfig(env)).toThrow(message);
  });
});
