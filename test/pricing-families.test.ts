import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Invocation } from '../shared/ingest/2-parse';
import { createPriceTable, type PriceData, priceInvocation } from '../shared/ingest/5-price';
import { aggregateByMinute } from '../shared/ingest/7-aggregate';
import { loadIngestConfig } from '../shared/ingest/config';
import priceData from '../shared/ingest/price-table.json';
import { invocationOf, priceTable, T0 } from './support/helpers';

const call = invocationOf;
const usd = (invocation: Invocation, table = priceTable, profiles?: Map<string, string>) => {
  const result = priceInvocation(invocation, table, profiles);
  if (result.kind !== 'priced') throw new Error(`not priced: ${JSON.stringify(result)}`);
  return result.usd;
};
const T = { inputTokens: 1000, outputTokens: 500 };

describe('priceInvocation per model family (1,000 input + 500 output tokens, hand-computed)', () => {
  it.each([
    ['Claude 3 Haiku', 'anthropic.claude-3-haiku-20240307-v1:0', 0.00025 + 0.000625],
    ['Claude 3 Opus', 'anthropic.claude-3-opus-20240229-v1:0', 0.015 + 0.0375],
    ['Claude 3.5 Haiku', 'anthropic.claude-3-5-haiku-20241022-v1:0', 0.0008 + 0.002],
    // Extended access since 1 Dec 2025: 0.006 in, 0.030 out.
    ['Claude 3.5 Sonnet v2', 'anthropic.claude-3-5-sonnet-20241022-v2:0', 0.006 + 0.015],
    ['Claude 3.7 Sonnet', 'anthropic.claude-3-7-sonnet-20250219-v1:0', 0.003 + 0.0075],
    ['Claude Sonnet 4', 'anthropic.claude-sonnet-4-20250514-v1:0', 0.003 + 0.0075],
    ['Claude Opus 4.1', 'anthropic.claude-opus-4-1-20250805-v1:0', 0.015 + 0.0375],
    ['Claude Sonnet 4.5 (global)', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 0.003 + 0.0075],
    ['Claude Haiku 4.5 (global)', 'global.anthropic.claude-haiku-4-5-20251001-v1:0', 0.001 + 0.0025],
    ['Claude Opus 4.5 (global)', 'global.anthropic.claude-opus-4-5-20251101-v1:0', 0.005 + 0.0125],
    ['Nova Micro', 'amazon.nova-micro-v1:0', 0.000035 + 0.00007],
    ['Nova Lite', 'amazon.nova-lite-v1:0', 0.00006 + 0.00012],
    ['Nova Pro', 'amazon.nova-pro-v1:0', 0.0008 + 0.0016],
    ['Nova Premier', 'amazon.nova-premier-v1:0', 0.0025 + 0.00625],
    ['Titan Text Express', 'amazon.titan-text-express-v1', 0.0002 + 0.0003],
    ['Llama 3 70B', 'meta.llama3-70b-instruct-v1:0', 0.00265 + 0.00175],
    ['Llama 3.1 70B', 'meta.llama3-1-70b-instruct-v1:0', 0.00072 + 0.00036],
    ['Llama 3.2 11B', 'meta.llama3-2-11b-instruct-v1:0', 0.00016 + 0.00008],
    ['Llama 3.3 70B', 'meta.llama3-3-70b-instruct-v1:0', 0.00072 + 0.00036],
    ['Llama 4 Maverick', 'meta.llama4-maverick-17b-instruct-v1:0', 0.00024 + 0.000485],
    ['Mistral Large 2 (24.07)', 'mistral.mistral-large-2407-v1:0', 0.003 + 0.0045],
    ['Mixtral 8x7B', 'mistral.mixtral-8x7b-instruct-v0:1', 0.00045 + 0.00035],
    ['Cohere Command R', 'cohere.command-r-v1:0', 0.0005 + 0.00075],
    ['Cohere Command R+', 'cohere.command-r-plus-v1:0', 0.003 + 0.0075],
    ['AI21 Jamba 1.5 Large', 'ai21.jamba-1-5-large-v1:0', 0.002 + 0.004],
    ['DeepSeek R1', 'deepseek.r1-v1:0', 0.00135 + 0.0027],
  ])('prices %s at the hand-computed list price', (_family, modelId, expected) => {
    expect(usd(call(modelId, T))).toBeCloseTo(expected, 12);
  });

  it.each([
    ['Titan Embeddings V2', 'amazon.titan-embed-text-v2:0', 0.00002],
    ['Cohere Embed English v3', 'cohere.embed-english-v3', 0.0001],
  ])('bills only the input tokens of %s', (_family, modelId, expected) => {
    expect(usd(call(modelId, { inputTokens: 1000 }))).toBeCloseTo(expected, 12);
  });

  it('gives every entry a source, an effective date and a non-negative price', () => {
    for (const p of (priceData as PriceData).prices as (PriceData['prices'][number] & {
      source?: string;
      effectiveDate?: string;
    })[]) {
      expect(p.source, p.modelId).toMatch(/\S/);
      expect(p.effectiveDate, p.modelId).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const v of [p.input, p.output, p.cacheRead ?? 0, p.cacheWrite ?? 0])
        expect(v).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('priceInvocation across model-id forms', () => {
  const base = usd(call('anthropic.claude-3-5-sonnet-20240620-v1:0', T));

  it.each([
    'anthropic.claude-3-5-sonnet-20240620-v1:0',
    'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
    'us.anthropic.claude-3-5-sonnet-20240620-v1:0',
    'eu.anthropic.claude-3-5-sonnet-20240620-v1:0',
    'apac.anthropic.claude-3-5-sonnet-20240620-v1:0',
    'jp.anthropic.claude-3-5-sonnet-20240620-v1:0',
    'au.anthropic.claude-3-5-sonnet-20240620-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0',
  ])('prices %s like its base model id', (modelId) => {
    expect(usd(call(modelId, T))).toBeCloseTo(base, 15);
  });

  it('resolves an application inference profile through the configured map, by ARN or by id', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/k2x9v7q4m1ab';

    const byArn = usd(
      call(arn, T),
      priceTable,
      new Map([[arn, 'anthropic.claude-3-5-sonnet-20240620-v1:0']]),
    );
    const byId = usd(
      call(arn, T),
      priceTable,
      new Map([['k2x9v7q4m1ab', 'us.anthropic.claude-3-5-sonnet-20240620-v1:0']]),
    );
    const unmapped = priceInvocation(call(arn, T), priceTable);

    expect(byArn).toBeCloseTo(base, 15);
    expect(byId).toBeCloseTo(base, 15);
    expect(unmapped).toEqual({ kind: 'unpriced', reason: 'opaque-model' });
  });

  it('counts provisioned throughput and custom models as unpriced (they bill by the hour)', () => {
    for (const arn of [
      'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123',
      'arn:aws:bedrock:us-east-1:123456789012:custom-model/anthropic.claude-3-haiku-20240307-v1:0:200k/x1',
      'arn:aws:bedrock:us-east-1:123456789012:imported-model/xyz',
    ]) {
      expect(priceInvocation(call(arn, T), priceTable)).toEqual({ kind: 'unpriced', reason: 'opaque-model' });
    }
  });
});

describe('priceInvocation with cache tokens, routing premiums and overrides', () => {
  it('prices cache reads at 0.1x and 5-minute cache writes at 1.25x the input price (Claude 3.7 Sonnet)', () => {
    const cost = usd(
      call('anthropic.claude-3-7-sonnet-20250219-v1:0', {
        inputTokens: 0,
        outputTokens: 0,
        cacheReadInputTokens: 10_000,
        cacheWriteInputTokens: 2000,
      }),
    );

    expect(cost).toBeCloseTo(10 * 0.0003 + 2 * 0.00375, 12);
  });

  it('prices Nova cache reads at a quarter of the input price', () => {
    const cost = usd(
      call('amazon.nova-pro-v1:0', { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 1000 }),
    );

    expect(cost).toBeCloseTo(0.0002, 12);
  });

  it.each([
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 1.1],
    ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 1.1],
    ['anthropic.claude-sonnet-4-5-20250929-v1:0', 1.1],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 1],
    ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 1],
  ])('applies the routing premium of %s (x%s)', (modelId, factor) => {
    const globalId = modelId.replace(/^(us|eu|global)\./, '');
    const list = usd(call(`global.${globalId}`, T));

    expect(usd(call(modelId, T))).toBeCloseTo(list * factor, 12);
  });

  it('layers a user price file over the bundled one: overrides, new models, new regions, premium off', () => {
    const config = loadIngestConfig({
      BEDROCK_WATCH_CONFIG: JSON.stringify({
        prices: {
          prices: [
            {
              modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
              region: 'us-east-1',
              input: 0.0002,
              output: 0.001,
            },
            { modelId: 'acme.private-model-v1:0', region: 'us-east-1', input: 0.01, output: 0.02 },
            { modelId: 'amazon.nova-lite-v1:0', region: 'eu-west-1', input: 0.00007, output: 0.00028 },
            {
              modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
              region: 'us-east-1',
              input: 0.003,
              output: 0.015,
              nonGlobalMultiplier: 1,
            },
          ],
          regionFallbacks: { 'eu-west-3': 'eu-west-1' },
        },
      }),
    });
    const table = createPriceTable(priceData as PriceData, config.priceOverlay);

    expect(usd(call('anthropic.claude-3-haiku-20240307-v1:0', T), table)).toBeCloseTo(0.0002 + 0.0005, 12);
    expect(usd(call('acme.private-model-v1:0', T), table)).toBeCloseTo(0.01 + 0.01, 12);
    expect(usd(call('amazon.nova-lite-v1:0', T, 'eu-west-3'), table)).toBeCloseTo(0.00007 + 0.00014, 12);
    expect(usd(call('us.anthropic.claude-sonnet-4-5-20250929-v1:0', T), table)).toBeCloseTo(
      0.003 + 0.0075,
      12,
    );
    // The bundled rest is untouched.
    expect(usd(call('amazon.nova-pro-v1:0', T), table)).toBeCloseTo(0.0008 + 0.0016, 12);
  });

  it('prices a record in its source region, not where inference ran', () => {
    const east = usd(call('amazon.nova-lite-v1:0', { ...T, inferenceRegion: 'eu-west-1' }, 'us-east-1'));
    const west = priceInvocation(call('amazon.nova-lite-v1:0', T, 'eu-west-1'), priceTable);

    expect(east).toBeCloseTo(0.00006 + 0.00012, 12);
    expect(west).toEqual({
      kind: 'unpriced',
      reason: 'unknown-region',
    });
  });
});

describe('aggregateByMinute cost', () => {
  const MODELS = [
    'anthropic.claude-3-haiku-20240307-v1:0',
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'amazon.nova-pro-v1:0',
    'meta.llama3-1-70b-instruct-v1:0',
  ];
  const invocationArb = fc.record({
    modelId: fc.constantFrom(...MODELS),
    inputTokens: fc.integer({ min: 0, max: 200_000 }),
    outputTokens: fc.integer({ min: 0, max: 50_000 }),
    cacheReadInputTokens: fc.integer({ min: 0, max: 100_000 }),
    minute: fc.integer({ min: 0, max: 30 }),
  });

  it('is additive: over any split of a batch, the parts sum to the whole', () => {
    fc.assert(
      fc.property(
        fc.array(invocationArb, { minLength: 1, maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (specs, cuts) => {
          const invocations = specs.map((s, i) =>
            call(s.modelId, { ...s, requestId: `r${i}`, timeMs: T0 + s.minute * 60_000 }),
          );
          const total = (list: Invocation[]) =>
            aggregateByMinute(list, (inv) => priceInvocation(inv, priceTable)).reduce(
              (sum, b) => sum + b.costUsd,
              0,
            );
          const points = [...new Set(cuts.map((c) => c % (invocations.length + 1)))].sort((a, b) => a - b);

          let start = 0;
          let parts = 0;
          for (const p of [...points, invocations.length]) {
            parts += total(invocations.slice(start, p));
            start = p;
          }

          expect(parts).toBeCloseTo(total(invocations), 9);
        },
      ),
      { numRuns: 200 },
    );
  });
});
