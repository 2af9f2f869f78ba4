import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fetchProducts, productsFromOfferText, updatePrices } from '../cli/prices/update';
import { createPriceTable, type PriceData, priceInvocation } from '../shared/ingest/5-price';
import { validatePriceData } from '../shared/ingest/config';
import priceData from '../shared/ingest/price-table.json';
import { mergePrices } from '../shared/pricing/merge';
import { createModelIdResolver } from '../shared/pricing/model-ids';
import {
  meaningOf,
  PRICE_LIST_MODEL_IDS,
  per1kTokens,
  priceEntriesFromProducts,
} from '../shared/pricing/price-list';
import { EVENTS_DIR, invocationOf } from './support/helpers';

const FIXTURE = join(EVENTS_DIR, 'price-list', 'get-products.json');
const fixtureText = readFileSync(FIXTURE, 'utf8');
const products = productsFromOfferText(fixtureText);
const bundled = priceData as PriceData;
// The ids a display name may be matched to: the price file's own, as `prices update` passes them.
const knownModelIds = bundled.prices.map((p) => p.modelId);
const report = priceEntriesFromProducts(products, { asOf: '2026-11-27', knownModelIds });
const entry = (modelId: string, region = 'us-east-1') => {
  const found = report.prices.find((p) => p.modelId === modelId && p.region === region);
  if (!found) throw new Error(`no entry for ${modelId} in ${region}`);
  return found;
};

describe('meaningOf (Price List usage types)', () => {
  it.each([
    ['USE1-Claude3Haiku-input-tokens', 'input', 'standard', 'in-region', false],
    ['USE1-Claude3Haiku-output-tokens', 'output', 'standard', 'in-region', false],
    ['USE1-NovaPro-cache-read-input-token-count', 'cacheRead', 'standard', 'in-region', false],
    ['USE1-Claude4Sonnet-cache-write-input-token-count', 'cacheWrite', 'standard', 'in-region', false],
    [
      'USE1-Claude4.5Sonnet-cache-write-1h-input-token-count-cross-region-global',
      'cacheWrite1h',
      'standard',
      'global',
      false,
    ],
    [
      'USE1-Claude4Sonnet-output-tokens-long-context-cross-region-global',
      'output',
      'standard',
      'global',
      true,
    ],
    ['USE1-NovaPro-input-tokens-latency-optimized', 'input', 'latency-optimized', 'in-region', false],
    ['USE1-NovaLite-output-tokens-flex', 'output', 'flex', 'in-region', false],
    ['USE1-NovaLite-input-tokens-priority', 'input', 'priority', 'in-region', false],
    ['USE1-NovaPro-input-tokens-batch', 'input', 'batch', 'in-region', false],
    ['USE1-MP:USE1_input_tokens_global_standard-Units', 'input', 'standard', 'global', false],
    ['USE1-MP:USE1_CacheWrite1hInputTokenCount_Global-Units', 'cacheWrite1h', 'standard', 'global', false],
    ['USE1-MP:USE1_CacheReadInputTokenCount_Global-Units', 'cacheRead', 'standard', 'global', false],
    ['EUC1-TitanEmbeddingV2-Text-input-tokens', 'input', 'standard', 'in-region', false],
  ])('reads %s', (usageType, direction, tier, routing, longContext) => {
    expect(meaningOf(usageType)).toEqual({ direction, tier, routing, longContext });
  });

  it.each([
    'USE1-NovaCanvas-T2I-1024-Standard',
    'USE1-NovaSonic-speech-input-tokens',
    'USE1-NovaPro-input-tokens-experimental-mode',
    'USE1-Claude4Sonnet-cache-write-30m-input-token-count',
  ])('does not guess at %s', (usageType) => {
    expect(meaningOf(usageType)).toBeUndefined();
  });
});

describe('per1kTokens', () => {
  it.each([
    ['1K tokens', '0.003', 0.003],
    ['1M tokens', '3', 0.003],
    ['1M tokens', '0.1', 0.0001],
    ['Image', '0.04', undefined],
    ['1K tokens', 'abc', undefined],
    ['1K tokens', '-1', undefined],
  ])('turns %s at %s USD into %s per 1k tokens', (unit, usd, expected) => {
    expect(per1kTokens(unit, usd)).toBe(expected);
  });
});

describe('priceEntriesFromProducts (recorded fixture)', () => {
  it('maps standard, cache and long-context rows (Claude Sonnet 4)', () => {
    expect(entry('anthropic.claude-sonnet-4-20250514-v1:0')).toMatchObject({
      input: 0.003,
      output: 0.015,
      cacheRead: 0.0003,
      cacheWrite: 0.00375,
      longContext: { aboveInputTokens: 200_000, input: 0.006, output: 0.0225 },
      effectiveDate: '2026-11-01',
      asOf: '2026-11-27',
    });
  });

  it('takes the global rates and turns the regional ones into a premium factor (Claude Sonnet 4.5)', () => {
    expect(entry('anthropic.claude-sonnet-4-5-20250929-v1:0')).toMatchObject({
      input: 0.003,
      output: 0.015,
      cacheWrite1h: 0.006,
      nonGlobalMultiplier: 1.1,
    });
  });

  it('reads the marketplace grammar in 1M-token units, naming the model from servicename (Claude Haiku 4.5)', () => {
    expect(entry('anthropic.claude-haiku-4-5-20251001-v1:0')).toMatchObject({
      input: 0.001,
      output: 0.005,
      cacheRead: 0.0001,
      cacheWrite: 0.00125,
      cacheWrite1h: 0.002,
      nonGlobalMultiplier: 1.1,
    });
  });

  it('maps tier rows into tiers and leaves batch rows out', () => {
    expect(entry('amazon.nova-lite-v1:0').tiers).toEqual({
      priority: { input: 0.000105, output: 0.00042 },
      flex: { input: 0.00003, output: 0.00012 },
    });
    expect(entry('amazon.nova-pro-v1:0').tiers).toEqual({
      'latency-optimized': { input: 0.001, output: 0.004 },
    });
    expect(report.ignored.filter((i) => i.reason === 'batch').map((i) => i.usageType)).toEqual([
      'USE1-NovaPro-input-tokens-batch',
      'USE1-NovaPro-output-tokens-batch',
    ]);
  });

  it('gives every region its own entry (Nova Pro in eu-central-1) and embeddings a zero output rate', () => {
    expect(entry('amazon.nova-pro-v1:0', 'eu-central-1')).toMatchObject({ input: 0.00105, output: 0.0042 });
    expect(entry('amazon.titan-embed-text-v2:0')).toMatchObject({ input: 0.00002, output: 0 });
    expect(entry('mistral.mistral-7b-instruct-v0:2', 'us-west-2')).toMatchObject({
      input: 0.00015,
      output: 0.0002,
    });
  });

  it('reports what it could not map instead of guessing, and skips non-token rows', () => {
    expect(report.unmapped).toEqual([
      { model: 'Future Model X', usageType: 'USE1-FutureModel-input-tokens', region: 'us-east-1' },
    ]);
    expect(report.unreadable).toEqual([
      { usageType: 'USE1-NovaPro-input-tokens-experimental-mode', region: 'us-east-1' },
    ]);
    expect(report.ignored).toContainEqual({
      usageType: 'USE1-NovaSonic-speech-input-tokens',
      reason: 'non-text',
    });
    expect(report.prices.some((p) => p.modelId.includes('canvas'))).toBe(false);
  });

  it('gives every entry a source naming its usage types, and passes the price-file check', () => {
    for (const p of report.prices) expect(p.source).toMatch(/AWS Price List.*usage types USE1-|EUC1-|USW2-/);
    expect(() => validatePriceData({ prices: report.prices }, 'fetched')).not.toThrow();
  });
});

describe('mergePrices', () => {
  it('replaces a region priced through alsoRegions with its own entry, diffed against the rates that priced it', () => {
    const fetched = [entry('anthropic.claude-3-haiku-20240307-v1:0', 'eu-central-1')];

    const { data, changes } = mergePrices(bundled, fetched);

    const us = data.prices.find(
      (p) => p.modelId === 'anthropic.claude-3-haiku-20240307-v1:0' && p.region === 'us-east-1',
    );
    expect(us?.alsoRegions).not.toContain('eu-central-1');
    expect(us?.alsoRegions).toContain('eu-west-1');
    // The fixture lists no cache rows for eu-central-1: the diff shows them going, for review.
    expect(changes).toEqual([
      {
        kind: 'changed',
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        region: 'eu-central-1',
        fields: [
          { field: 'cacheRead', from: 0.000025, to: undefined },
          { field: 'cacheWrite', from: 0.0003125, to: undefined },
        ],
      },
    ]);
  });

  it('counts an entry with the same rates as unchanged', () => {
    const same = {
      ...entry('anthropic.claude-3-haiku-20240307-v1:0'),
      cacheRead: 0.000025,
      cacheWrite: 0.0003125,
    };

    const { changes } = mergePrices(bundled, [same]);

    expect(changes).toEqual([
      {
        kind: 'unchanged',
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        region: 'us-east-1',
        fields: [],
      },
    ]);
  });
});

describe('updatePrices (the fixture over the bundled table)', () => {
  const result = updatePrices({ products, current: bundled, asOf: '2026-11-27', source: 'fixture' });

  it('prints a diff of what changed, for review', () => {
    expect(result.diff).toContain('+ mistral.mistral-7b-instruct-v0:2 us-west-2');
    expect(result.diff).toContain('~ amazon.nova-lite-v1:0 us-east-1');
    expect(result.diff).toContain('~ amazon.nova-pro-v1:0 eu-central-1');
    expect(result.diff).toMatch(/ {4}cacheRead: 0\.000015 → -/);
    expect(result.diff).toMatch(/\d+ added, \d+ changed, \d+ unchanged\n$/);
    expect(result.notes.join('\n')).toContain('Future Model X');
  });

  it('prices a Nova call in an EU region at the EU price once the Price List has it', () => {
    const table = createPriceTable(result.data);
    const call = invocationOf(
      'eu.amazon.nova-pro-v1:0',
      { inputTokens: 1000, outputTokens: 1000 },
      'eu-central-1',
    );

    const eu = priceInvocation(call, table);
    const us = priceInvocation({ ...call, region: 'us-east-1' }, table);

    expect(eu.kind === 'priced' && eu.usd).toBeCloseTo(0.00105 + 0.0042, 12);
    expect(us.kind === 'priced' && us.usd).toBeCloseTo(0.0008 + 0.0032, 12);
  });

  it('keeps entries the Price List does not list, and writes a file the price check accepts', () => {
    expect(result.data.prices.length).toBeGreaterThanOrEqual(bundled.prices.length);
    expect(result.data.prices.find((p) => p.modelId === 'deepseek.r1-v1:0')).toEqual(
      bundled.prices.find((p) => p.modelId === 'deepseek.r1-v1:0'),
    );
    expect(() => validatePriceData(result.data, 'updated')).not.toThrow();
  });
});

describe('model ids from the Price List attributes (no code change for a new model)', () => {
  const NEW_MODELS = join(EVENTS_DIR, 'price-list', 'get-products-new-models.json');
  const newProducts = productsFromOfferText(readFileSync(NEW_MODELS, 'utf8'));
  const result = updatePrices({
    products: newProducts,
    current: bundled,
    asOf: '2026-12-07',
    source: 'fixture',
  });
  const resolve = createModelIdResolver(PRICE_LIST_MODEL_IDS, knownModelIds);

  it('adds a model the price file and the name table both lack, under an id from its name and provider', () => {
    const added = result.data.prices.find((p) => p.modelId === 'example.nimbus-2-mini');

    expect(PRICE_LIST_MODEL_IDS).not.toHaveProperty('Nimbus 2 Mini');
    expect(bundled.prices.some((p) => p.modelId.startsWith('example.'))).toBe(false);
    expect(result.diff).toContain('+ example.nimbus-2-mini us-east-1');
    expect(added).toMatchObject({ region: 'us-east-1', input: 0.0004, output: 0.0016, asOf: '2026-12-07' });
    expect(added?.note).toMatch(/derived from the Price List name "Nimbus 2 Mini".*check it/);
  });

  it('reports what it added and how, so the derived id is reviewed', () => {
    const notes = result.notes.join('\n');

    expect(notes).toContain('added 1 model(s)');
    expect(notes).toContain('"Nimbus 2 Mini" → example.nimbus-2-mini');
    expect(notes).toContain('"gpt-oss-120b" → openai.gpt-oss-120b-1:0');
  });

  it('maps a name the table lacks to the id already in the price file (gpt-oss-120b → its -1:0 id)', () => {
    expect(PRICE_LIST_MODEL_IDS).not.toHaveProperty('gpt-oss-120b');
    expect(result.diff).not.toContain('+ openai.gpt-oss-120b');
    expect(
      result.data.prices.find((p) => p.modelId === 'openai.gpt-oss-120b-1:0' && p.region === 'us-east-2'),
    ).toMatchObject({ input: 0.00015, output: 0.0006, asOf: '2026-12-07' });
  });

  it('finds a renamed derived entry on the next update instead of adding the derived id again', () => {
    const renamed = createModelIdResolver({}, [...knownModelIds, 'example.nimbus-2-mini-v1:0']);

    expect(renamed({ model: 'Nimbus 2 Mini', provider: 'Example Labs' })).toEqual({
      id: 'example.nimbus-2-mini-v1:0',
      source: 'known-id',
      name: 'Nimbus 2 Mini',
    });
  });

  it.each([
    ['Claude 3 Haiku', undefined, 'anthropic.claude-3-haiku-20240307-v1:0'],
    ['Llama 3.1 8B Instruct', 'Meta', 'meta.llama3-1-8b-instruct-v1:0'],
    ['Command R', 'Cohere', 'cohere.command-r-v1:0'],
    ['Command R+', 'Cohere', 'cohere.command-r-plus-v1:0'],
    ['DeepSeek-R1', 'DeepSeek', 'deepseek.r1-v1:0'],
    ['Mixtral 8x7B Instruct', 'Mistral AI', 'mistral.mixtral-8x7b-instruct-v0:1'],
    ['Nova 2 Lite', 'Amazon', 'amazon.nova-2-lite-v1:0'],
  ])('reads "%s" (provider %s) as %s', (model, provider, id) => {
    expect(resolve({ model, provider })).toMatchObject({ id });
  });

  it('takes a well-formed modelId attribute over the name', () => {
    expect(
      resolve({ model: 'Claude 3 Haiku', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' }),
    ).toMatchObject({
      source: 'attribute',
    });
  });

  it('refuses to pick between two ids that read alike, and says so', () => {
    const twoVersions = createModelIdResolver({}, knownModelIds);

    expect(twoVersions({ model: 'Claude 3.5 Sonnet', provider: 'Anthropic' })).toEqual({
      source: 'ambiguous',
      name: 'Claude 3.5 Sonnet',
      candidates: ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet-20241022-v2:0'],
    });
  });

  it('does not match an id of another provider', () => {
    expect(resolve({ model: 'Nova Pro', provider: 'Example Labs' })).toMatchObject({
      source: 'derived',
      id: 'example.nova-pro',
    });
  });

  it('leaves a name with neither a known id nor a provider unmapped', () => {
    expect(resolve({ model: 'Future Model X' })).toEqual({ source: 'unknown', name: 'Future Model X' });
  });

  it('keeps a hard-coded name only where the attributes alone would not give its id', () => {
    const attributesOnly = createModelIdResolver({}, knownModelIds);

    for (const [model, id] of Object.entries(PRICE_LIST_MODEL_IDS))
      expect(attributesOnly({ model }).id, model).not.toBe(id);
  });

  it('flags a fetched rate that is implausible per 1,000 tokens (a per-million figure under a 1K unit)', () => {
    const misfiled = structuredClone(products).map((item) => {
      if (item.product?.attributes?.usagetype !== 'USE1-Claude3Haiku-input-tokens') return item;
      for (const term of Object.values(item.terms?.OnDemand ?? {}))
        for (const dimension of Object.values(term.priceDimensions ?? {}))
          dimension.pricePerUnit = { USD: '0.25' };
      return item;
    });

    const notes = updatePrices({
      products: misfiled,
      current: bundled,
      asOf: '2026-12-07',
      source: 'fixture',
    }).notes.join('\n');

    expect(notes).toContain(
      'anthropic.claude-3-haiku-20240307-v1:0 us-east-1 input: 0.25 USD per 1,000 tokens',
    );
    expect(notes).toContain('divide by 1000 (0.00025)');
    expect(result.notes.join('\n')).not.toContain('is implausible');
  });
});

describe('fetchProducts (GetProducts, mocked)', () => {
  const pricing = mockClient(PricingClient);
  beforeEach(() => pricing.reset());

  it('reads every page of every service code', async () => {
    const items = JSON.parse(fixtureText).PriceList as string[];
    pricing
      .on(GetProductsCommand, { ServiceCode: 'AmazonBedrock', NextToken: undefined })
      .resolves({ PriceList: items.slice(0, 30), NextToken: 'page-2' })
      .on(GetProductsCommand, { ServiceCode: 'AmazonBedrock', NextToken: 'page-2' })
      .resolves({ PriceList: items.slice(30) })
      .on(GetProductsCommand, { ServiceCode: 'AmazonBedrockFoundationModels' })
      .resolves({ PriceList: [] });

    const fetched = await fetchProducts(new PricingClient({ region: 'us-east-1' }), [
      'AmazonBedrock',
      'AmazonBedrockFoundationModels',
    ]);

    expect(fetched).toHaveLength(items.length);
    expect(
      pricing
        .commandCalls(GetProductsCommand)
        .map((c) => [c.args[0].input.ServiceCode, c.args[0].input.NextToken]),
    ).toEqual([
      ['AmazonBedrock', undefined],
      ['AmazonBedrock', 'page-2'],
      ['AmazonBedrockFoundationModels', undefined],
    ]);
    expect(priceEntriesFromProducts(fetched, { asOf: '2026-11-27', knownModelIds }).prices).toEqual(
      report.prices,
    );
  });
});

describe('npm run prices -- update --from', () => {
  const run = promisify(execFile);
  const ROOT = join(import.meta.dirname, '..');

  it('prints the diff and, with --dry-run, leaves the price file as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prices-'));
    const out = join(dir, 'price-table.json');
    copyFileSync(join(ROOT, 'shared', 'ingest', 'price-table.json'), out);
    const before = readFileSync(out, 'utf8');

    const { stdout } = await run(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'cli', 'main.ts'), 'prices', 'update', '--from', FIXTURE, '--dry-run', '--out', out],
      { cwd: ROOT },
    );

    expect(stdout).toContain('+ mistral.mistral-7b-instruct-v0:2 us-west-2');
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('writes the merged file without --dry-run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prices-'));
    const out = join(dir, 'price-table.json');
    copyFileSync(join(ROOT, 'shared', 'ingest', 'price-table.json'), out);

    const { stdout } = await run(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'cli', 'main.ts'), 'prices', 'update', '--from', FIXTURE, '--out', out],
      { cwd: ROOT },
    );

    const written = JSON.parse(readFileSync(out, 'utf8')) as PriceData;
    expect(stdout).toContain(`wrote ${out}`);
    expect(
      written.prices.find((p) => p.modelId === 'amazon.nova-pro-v1:0' && p.region === 'eu-central-1'),
    ).toMatchObject({
      input: 0.00105,
      asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });
});
