import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Invocation } from '../shared/ingest/2-parse';
import { parseInvocationRecord } from '../shared/ingest/2-parse';
import { readBillingFacts } from '../shared/ingest/2-parse-billing';
import { createPriceTable, type ModelPrice, type PriceData, priceInvocation } from '../shared/ingest/5-price';
import priceData from '../shared/ingest/price-table.json';
import type { Json } from '../shared/json';
import { MAX_PRICE_AGE_DAYS, staleEntries } from '../shared/pricing/age';
import { fixtureLines, invocationOf, priceTable, T0 } from './support/helpers';

const call = invocationOf;
const usd = (invocation: Invocation, table = priceTable) => {
  const result = priceInvocation(invocation, table);
  if (result.kind !== 'priced') throw new Error(`expected a price, got ${JSON.stringify(result)}`);
  return result.usd;
};
const parsed = (index: number): Invocation => {
  const result = parseInvocationRecord(fixtureLines('billing-records.jsonl')[index], {
    nowMs: T0,
    timeWindow: false,
  });
  if (!result.ok) throw new Error(`fixture ${index} rejected: ${result.rejection.reason}`);
  return result.invocation;
};

describe('priceInvocation: extended access', () => {
  it.each([['anthropic.claude-3-5-sonnet-20241022-v2:0'], ['anthropic.claude-3-5-sonnet-20240620-v1:0']])(
    'prices %s at twice the old rate since 1 Dec 2025',
    (modelId) => {
      // 1,000 × 0.006/1k + 1,000 × 0.030/1k + 1,000 × 0.0006/1k + 1,000 × 0.0075/1k
      const result = usd(
        call(modelId, {
          inputTokens: 1000,
          outputTokens: 1000,
          cacheReadInputTokens: 1000,
          cacheWriteInputTokens: 1000,
        }),
      );

      expect(result).toBeCloseTo(0.006 + 0.03 + 0.0006 + 0.0075, 12);
    },
  );
});

describe('priceInvocation: long context', () => {
  it('prices a 250k-input Sonnet 4 call entirely at the long-context rate', () => {
    // 250,000 × 0.006/1k + 2,000 × 0.0225/1k = 1.5 + 0.045 (not 0.75 + 0.03 = 0.78)
    const result = usd(
      call('anthropic.claude-sonnet-4-20250514-v1:0', { inputTokens: 250_000, outputTokens: 2000 }),
    );

    expect(result).toBeCloseTo(1.545, 12);
  });

  it('keeps a call of exactly 200k input tokens at the standard rate', () => {
    const result = usd(
      call('anthropic.claude-sonnet-4-20250514-v1:0', { inputTokens: 200_000, outputTokens: 2000 }),
    );

    expect(result).toBeCloseTo(0.6 + 0.03, 12);
  });

  it('counts cache reads and writes toward the 200k threshold and prices them at the long rates', () => {
    const tokens = {
      inputTokens: 1000,
      cacheReadInputTokens: 150_000,
      cacheWriteInputTokens: 50_000,
      outputTokens: 0,
    };

    const result = usd(call('global.anthropic.claude-sonnet-4-5-20250929-v1:0', tokens));

    // 1,000 × 0.006 + 150,000 × 0.0006 + 50,000 × 0.0075, per 1k; global: no premium
    expect(result).toBeCloseTo(0.006 + 0.09 + 0.375, 12);
  });

  it('adds the geographic premium on top of the long-context rate (Sonnet 4.5)', () => {
    const result = usd(call('us.anthropic.claude-sonnet-4-5-20250929-v1:0', { inputTokens: 250_000 }));

    expect(result).toBeCloseTo(1.5 * 1.1, 12);
  });
});

describe('priceInvocation: one-hour cache writes', () => {
  it.each([
    [0, 'Converse (usage.cacheDetails)'],
    [1, 'InvokeModel (usage.cache_creation)'],
    [2, 'InvokeModelWithResponseStream (message_start usage)'],
  ])('reads the 1-hour share of the writes from fixture %i, %s', (index) => {
    const invocation = parsed(index);

    const result = usd(invocation);

    expect(invocation.cacheWrite1hInputTokens).toBe(2000);
    // 20 × 0.003 + 100 × 0.015 + 1,000 × 0.00375 (5 min) + 2,000 × 0.006 (1 h), per 1k
    expect(result).toBeCloseTo(0.00006 + 0.0015 + 0.00375 + 0.012, 12);
  });

  it('prices every write at the 5-minute rate when the body does not break them down', () => {
    const invocation = call('global.anthropic.claude-sonnet-4-5-20250929-v1:0', {
      cacheWriteInputTokens: 3000,
    });

    expect(usd(invocation)).toBeCloseTo(3 * 0.00375, 12);
  });

  it('leaves a 1-hour write unpriced when the model lists no 1-hour rate', () => {
    const result = priceInvocation(
      call('amazon.nova-pro-v1:0', { cacheWriteInputTokens: 100, cacheWrite1hInputTokens: 100 }),
      priceTable,
    );

    expect(result).toEqual({ kind: 'unpriced', reason: 'no-cache-price' });
  });

  it('adds exactly the 1-hour surcharge over pricing the same writes at 5 minutes', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (writes, oneHourRaw) => {
        const oneHour = Math.min(oneHourRaw, writes);
        const modelId = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';

        const split = usd(call(modelId, { cacheWriteInputTokens: writes, cacheWrite1hInputTokens: oneHour }));
        const flat = usd(call(modelId, { cacheWriteInputTokens: writes }));

        expect(split - flat).toBeCloseTo((oneHour * (0.002 - 0.00125)) / 1000, 9);
      }),
    );
  });
});

describe('priceInvocation: cache reads and regions', () => {
  it('prices Nova Premier cache reads at 0.000625 per 1k', () => {
    const result = usd(call('amazon.nova-premier-v1:0', { inputTokens: 1000, cacheReadInputTokens: 4000 }));

    expect(result).toBeCloseTo(0.0025 + 4 * 0.000625, 12);
  });

  it.each(['eu-central-1', 'eu-west-1', 'ap-northeast-1'])(
    'prices an eu./apac. Claude call made in %s at the US rate',
    (region) => {
      const modelId = region.startsWith('eu')
        ? 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0'
        : 'apac.anthropic.claude-3-7-sonnet-20250219-v1:0';

      const result = usd(call(modelId, { inputTokens: 1000, outputTokens: 1000 }, region));

      expect(result).toBeCloseTo(0.003 + 0.015, 12);
    },
  );

  it('prices a Nova call in eu-central-1 at the EU price, 30 % above us-east-1', () => {
    const tokens = { inputTokens: 1000, outputTokens: 1000 };

    const eu = usd(call('eu.amazon.nova-lite-v1:0', tokens, 'eu-central-1'));
    const us = usd(call('us.amazon.nova-lite-v1:0', tokens, 'us-east-1'));

    // 1,000 × 0.000078/1k + 1,000 × 0.000312/1k (Price List EUC1-NovaLite-*-tokens)
    expect(eu).toBeCloseTo(0.000078 + 0.000312, 12);
    expect(us).toBeCloseTo(0.00006 + 0.00024, 12);
  });

  it('leaves a Nova call in an EU region without collected rates unpriced (EU rates differ by region)', () => {
    const result = priceInvocation(
      call('eu.amazon.nova-pro-v1:0', { inputTokens: 1000 }, 'eu-west-3'),
      priceTable,
    );

    expect(result).toEqual({ kind: 'unpriced', reason: 'unknown-region' });
  });
});

describe('priceInvocation: service tiers', () => {
  const tiered = createPriceTable(priceData as PriceData, {
    prices: [
      {
        modelId: 'amazon.nova-pro-v1:0',
        region: 'us-east-1',
        input: 0.0008,
        output: 0.0032,
        // Illustrative tier rates for the test, not AWS's.
        tiers: {
          priority: { input: 0.0014, output: 0.0056 },
          'latency-optimized': { input: 0.001, output: 0.004 },
        },
      },
    ],
  });

  it.each([
    [3, 'priority', 1.4 + 2.8],
    [4, 'latency-optimized', 1 + 2],
  ])('prices fixture %i at its %s rates', (index, tier, expectedPer1kCalls) => {
    const invocation = parsed(index);

    const result = usd(invocation, tiered);

    expect(invocation.serviceTier).toBe(tier);
    expect(result).toBeCloseTo(expectedPer1kCalls / 1000, 12);
  });

  it('counts a tier the entry has no rates for as unpriced (no-tier-price), never at the standard rate', () => {
    const invocation = parsed(7);

    const result = priceInvocation(invocation, tiered);

    expect(invocation.serviceTier).toBe('flex');
    expect(result).toEqual({ kind: 'unpriced', reason: 'no-tier-price' });
  });

  it('counts a call served from a reserved-tier reservation as unpriced: the reservation pays for it', () => {
    const facts = readBillingFacts(undefined, { outputBodyJson: { serviceTier: { type: 'reserved' } } });

    const result = priceInvocation(call('amazon.nova-pro-v1:0', { inputTokens: 10, ...facts }), tiered);

    expect(result).toEqual({ kind: 'unpriced', reason: 'no-tier-price' });
  });

  it('treats a call whose body names no tier as standard', () => {
    const result = usd(call('amazon.nova-pro-v1:0', { inputTokens: 1000, outputTokens: 500 }), tiered);

    expect(result).toBeCloseTo(0.0008 + 0.0016, 12);
  });
});

describe('priceInvocation: prompt routers', () => {
  it('prices a routed call as the model the trace names, with that model’s routing', () => {
    const invocation = parsed(5);

    const result = usd(invocation);

    expect(invocation.routedModelId).toBe(
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0',
    );
    expect(result).toBeCloseTo(0.0008 + 0.002, 12);
  });

  it('counts a router call whose body is not in the log as unpriced (prompt-router-unresolved)', () => {
    const result = priceInvocation(parsed(6), priceTable);

    expect(result).toEqual({ kind: 'unpriced', reason: 'prompt-router-unresolved' });
  });
});

describe('price-table.json', () => {
  const prices = (priceData as PriceData).prices as ModelPrice[];

  it('gives every entry a source and an asOf date', () => {
    for (const p of prices) {
      expect(p.source, p.modelId).toMatch(/\S/);
      expect(p.asOf, p.modelId).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it(`has no entry older than ${MAX_PRICE_AGE_DAYS} days without a note saying it was not rechecked (real clock)`, () => {
    // Fails on purpose as entries age: run `npm run prices -- update`, or recheck by hand and note it.
    expect(staleEntries(prices, Date.now())).toEqual([]);
  });
});

describe('staleEntries', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');

  it('flags entries past the age without a not-rechecked note, and entries without a date', () => {
    const entries = [
      { modelId: 'fresh', region: 'r', asOf: '2026-10-01' },
      { modelId: 'old', region: 'r', asOf: '2026-01-01', note: 'Some unrelated remark.' },
      { modelId: 'old-noted', region: 'r', asOf: '2026-01-01', note: 'Not rechecked since 2026-01-01.' },
      { modelId: 'undated', region: 'r' },
    ];

    const result = staleEntries(entries, now);

    expect(result).toEqual([
      { modelId: 'old', region: 'r', asOf: '2026-01-01', ageDays: 330 },
      { modelId: 'undated', region: 'r', asOf: undefined, ageDays: undefined },
    ]);
  });

  it('accepts an entry exactly at the limit', () => {
    expect(staleEntries([{ modelId: 'm', region: 'r', asOf: '2026-05-31' }], now)).toEqual([]);
  });
});

describe('readBillingFacts', () => {
  it('never throws and only ever reports well-formed facts, whatever the bodies hold', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (inputBody, outputBody) => {
        const facts = readBillingFacts(
          { inputBodyJson: inputBody } as Json,
          { outputBodyJson: outputBody } as Json,
        );

        if (facts.cacheWrite1hInputTokens !== undefined)
          expect(Number.isSafeInteger(facts.cacheWrite1hInputTokens)).toBe(true);
        if (facts.serviceTier !== undefined)
          expect(['priority', 'flex', 'reserved', 'latency-optimized']).toContain(facts.serviceTier);
        if (facts.routedModelId !== undefined) expect(facts.routedModelId).toMatch(/^[A-Za-z0-9:./_-]+$/);
      }),
    );
  });

  it('lets a response that names the default tier override a request that asked for priority', () => {
    const facts = readBillingFacts(
      { inputBodyJson: { serviceTier: { type: 'priority' } } },
      { outputBodyJson: { serviceTier: { type: 'default' } } },
    );

    expect(facts.serviceTier).toBeUndefined();
  });
});
