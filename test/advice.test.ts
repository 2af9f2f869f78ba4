/**
 * The savings advisor's checks (issue 24): on a corpus with one planted opportunity each, the
 * finding equals the hand calculation written beside it, to the cent; on a corpus without any, no
 * check finds anything. Prices are the bundled table's (shared/ingest/price-table.json).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUsage } from '../cli/advise/read';
import { type Advice, advise, CHECK_NAMES } from '../shared/advice/checks';
import type { AdviceOptions, CheckName, UsageFacts } from '../shared/advice/types';
import { UsageCollector } from '../shared/advice/usage';
import { createPriceTable, type PriceData } from '../shared/ingest/5-price';
import priceData from '../shared/ingest/price-table.json';
import { ADVICE_FACTS } from '../shared/pricing/advice-facts';

const CORPORA = join(import.meta.dirname, '..', 'events', 'advice');
const NOW = Date.parse('2026-12-07T00:00:00Z');
const OPTIONS: AdviceOptions = { cacheHitShare: 0.5, siblingShare: 1, nowMs: NOW };

async function adviceOn(
  corpus: string,
  checks: readonly CheckName[] = CHECK_NAMES,
  options: Partial<AdviceOptions> = {},
  mutate: (usage: UsageFacts) => UsageFacts = (u) => u,
): Promise<Advice> {
  const warnings: string[] = [];
  const read = await readUsage({
    paths: [join(CORPORA, `${corpus}.jsonl`)],
    env: {},
    warn: (message) => warnings.push(message),
  });
  // A corpus that does not read cleanly would make every figure below meaningless.
  if (warnings.length > 0 || read.records.rejected > 0)
    throw new Error(`${corpus}: ${read.records.rejected} rejected; ${warnings.join('; ')}`);
  return advise(
    mutate(read.usage),
    { priceTable: read.priceTable, facts: ADVICE_FACTS, options: { ...OPTIONS, ...options } },
    checks,
  );
}

const cents = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
const MONTH_MIN = 30 * 24 * 60;

describe('global-profile', () => {
  it('saves 1/11 of the geo-profile spend of a Claude 4.5 model, exactly', async () => {
    // 10 calls of us.anthropic.claude-sonnet-4-5, 1,000 in + 200 out, us-east-1, one every 6 minutes:
    // each (1000 × 0.003 + 200 × 0.015) / 1000 × 1.1 = $0.0066; spend $0.066; saving × (1 − 1/1.1) = $0.006.
    // The window is 54 minutes (first to last call): per month 0.006 × 43,200 / 54 = $4.80.
    const { findings } = await adviceOn('global-profile', ['global-profile']);

    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f?.basis).toBe('exact');
    expect(f?.scope).toEqual({ model: 'anthropic.claude-sonnet-4-5-20250929-v1:0', region: 'us-east-1' });
    expect(f?.calls).toBe(10);
    expect(cents(f?.windowUsd ?? null)).toBe(0.01);
    expect(f?.windowUsd).toBeCloseTo(0.006, 9);
    expect(f?.monthlyUsd).toBeCloseTo((0.006 * MONTH_MIN) / 54, 6);
    expect(cents(f?.monthlyUsd ?? null)).toBe(4.8);
    expect(f?.formula).toContain('(1 − 1/1.1)');
  });
});

describe('global-profile through an application inference profile', () => {
  it('counts the calls once the profile resolves to its geographic source', () => {
    // One call through an application profile copied from us.…sonnet-4-5: 1,000 in + 200 out at
    // 1.1 × ($3 + $3) / 1000 = $0.0066; saving $0.0066 / 11 = $0.0006.
    const arn = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123';
    const collector = new UsageCollector({
      priceTable: createPriceTable(priceData as PriceData),
      inferenceProfiles: new Map([[arn, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0']]),
    });
    collector.add([
      {
        timeMs: Date.parse('2026-11-02T10:00:00Z'),
        requestId: 'r-1',
        operation: 'Converse',
        modelId: arn,
        region: 'us-east-1',
        requestMetadata: {},
        inputTokens: 1000,
        outputTokens: 200,
      },
    ]);
    const usage = collector.facts({});
    const { findings } = advise(
      usage,
      { priceTable: createPriceTable(priceData as PriceData), facts: ADVICE_FACTS, options: OPTIONS },
      ['global-profile'],
    );

    expect(findings).toHaveLength(1);
    expect(findings[0]?.scope.model).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(findings[0]?.windowUsd).toBeCloseTo(0.0006, 9);
    expect(findings[0]?.evidence.viaApplicationProfile).toBe(1);
  });
});

describe('legacy-model', () => {
  it('prices Claude 3.5 Sonnet at extended access against Sonnet 4.5 on the same routing', async () => {
    // 10 in-region calls, 2,000 in + 500 out: at $6/$30 per M each (12 + 15) / 1000 = $0.027, $0.27 in all.
    // Sonnet 4.5 in-region (1.1 × global $3/$15): (6 + 7.5) / 1000 × 1.1 = $0.01485, $0.1485 in all.
    // Saving $0.27 − $0.1485 = $0.1215; window 45 minutes: per month 0.1215 × 43,200 / 45 = $116.64.
    const { findings } = await adviceOn('legacy-model', ['legacy-model']);

    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f?.basis).toBe('exact');
    expect(f?.windowUsd).toBeCloseTo(0.1215, 9);
    expect(cents(f?.monthlyUsd ?? null)).toBe(116.64);
    expect(f?.evidence.successor).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(String(f?.evidence.lifecycle)).toContain('end of life 2026-03-01');
  });
});

describe('long-context', () => {
  it('finds the premium of calls just over 200K input tokens, and leaves a call far over alone', async () => {
    // 4 global Sonnet 4.5 calls of 210,000 in + 1,000 out: long rates (210000 × 0.006 + 1000 × 0.0225) / 1000
    // = $1.2825, standard (210000 × 0.003 + 1000 × 0.015) / 1000 = $0.645; premium 4 × $0.6375 = $2.55.
    // A fifth call at 260,000 is more than 20 % over and is not counted.
    const { findings } = await adviceOn('long-context', ['long-context']);

    expect(findings).toHaveLength(1);
    expect(findings[0]?.calls).toBe(4);
    expect(findings[0]?.windowUsd).toBeCloseTo(2.55, 9);
    expect(findings[0]?.evidence.tokensOverThreshold).toBe(40_000);
  });
});

describe('prompt-caching', () => {
  it('flags a stream whose cache writes are never read: the write premium, exactly', async () => {
    // 10 global Haiku 4.5 calls, 100 in + 40,000 cache write + 100 out, none read: each write costs
    // 40000 × (0.00125 − 0.001) / 1000 = $0.01 more than plain input; 10 × $0.01 = $0.10.
    const { findings } = await adviceOn('prompt-caching-loss', ['prompt-caching']);

    expect(findings).toHaveLength(1);
    expect(findings[0]?.basis).toBe('exact');
    expect(findings[0]?.windowUsd).toBeCloseTo(0.1, 9);
    expect(findings[0]?.formula).toContain('caching costs more than it saves');
  });

  it('prices caching half of a large repeated input as a scenario, with the flag that changes it', async () => {
    // 12 global Sonnet 4.5 calls a minute apart, 10,000 in: a 5,000-token prefix (share 0.5, over the
    // 1,024 minimum). First call writes: −5000 × (0.00375 − 0.003) / 1000 = −$0.00375; 11 reads save
    // 5000 × (0.003 − 0.0003) / 1000 = $0.0135 each, $0.1485. Net $0.14475.
    const { findings } = await adviceOn('prompt-caching-scenario', ['prompt-caching']);

    expect(findings).toHaveLength(1);
    expect(findings[0]?.basis).toBe('scenario');
    expect(findings[0]?.flag).toBe('--cache-hit-share');
    expect(findings[0]?.windowUsd).toBeCloseTo(0.14475, 9);
    expect(findings[0]?.evidence).toMatchObject({ reads: 11, writes: 1 });
  });

  it('scales the scenario with --cache-hit-share', async () => {
    // Share 0.2: a 2,000-token prefix: −2000 × 0.00075 / 1000 + 11 × 2000 × 0.0027 / 1000 = $0.0579.
    const { findings } = await adviceOn('prompt-caching-scenario', ['prompt-caching'], {
      cacheHitShare: 0.2,
    });

    expect(findings[0]?.windowUsd).toBeCloseTo(0.0579, 9);
  });
});

describe('batch', () => {
  it('offers half the on-demand cost of a nightly role on a batch model, as an upper bound', async () => {
    // 100 InvokeModel calls of Nova Pro from nightly-etl-role between 01:00 and 02:00 UTC,
    // 2,000 in + 1,000 out: (2000 × 0.0008 + 1000 × 0.0032) / 1000 = $0.0048 each, $0.48; half: $0.24.
    const { findings } = await adviceOn('batch', ['batch']);

    expect(findings).toHaveLength(1);
    expect(findings[0]?.basis).toBe('upper-bound');
    expect(findings[0]?.scope.caller).toBe('nightly-etl-role');
    expect(findings[0]?.windowUsd).toBeCloseTo(0.24, 9);
    expect(findings[0]?.evidence.nightlyShare).toBe(1);
  });
});

describe('cheaper-sibling', () => {
  it('prices the same tokens on Haiku 4.5, labelled as an evaluation', async () => {
    // 10 global Sonnet 4.5 calls, 1,000 in + 1,000 out: (3 + 15) / 1000 = $0.018 each, $0.18; on Haiku 4.5
    // (1 + 5) / 1000 = $0.006 each, $0.06. Difference × share 1 = $0.12; share 0.25: $0.03.
    const all = await adviceOn('cheaper-sibling', ['cheaper-sibling']);
    const quarter = await adviceOn('cheaper-sibling', ['cheaper-sibling'], { siblingShare: 0.25 });

    expect(all.findings[0]?.basis).toBe('scenario');
    expect(all.findings[0]?.windowUsd).toBeCloseTo(0.12, 9);
    expect(quarter.findings[0]?.windowUsd).toBeCloseTo(0.03, 9);
    expect(all.findings[0]?.caveat).toMatch(/^Evaluate/);
    expect(all.findings[0]?.caveat).not.toMatch(/\bswitch\b/i);
  });
});

describe('truncation-retries', () => {
  it('counts the cost of truncated calls retried by the same caller, as an upper bound', async () => {
    // 10 pairs: a global Sonnet 4.5 call cut at max_tokens (1,000 in + 512 out: (3 + 7.68) / 1000 =
    // $0.01068), then 30 s later a call with 1,020 in. 10 × $0.01068 = $0.1068.
    const { findings } = await adviceOn('truncation-retries', ['truncation-retries']);

    expect(findings).toHaveLength(1);
    expect(findings[0]?.calls).toBe(10);
    expect(findings[0]?.windowUsd).toBeCloseTo(0.1068, 9);
  });
});

describe('service-tier', () => {
  it('says Priority calls cannot be assessed when the price table lists no Priority rate', async () => {
    const { findings, gaps } = await adviceOn('service-tier', ['service-tier']);

    expect(findings).toEqual([]);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]?.reason).toMatch(/no Priority rate/);
  });
});

describe('provisioned-throughput', () => {
  it('says the break-even needs the capacity of a unit rather than guessing it', async () => {
    const { findings, gaps } = await adviceOn('cheaper-sibling', ['provisioned-throughput']);

    expect(findings).toEqual([]);
    expect(gaps[0]?.reason).toMatch(/--pt-tokens-per-minute/);
  });

  it('compares on demand with units sized for the busiest minute once capacity and price are given', async () => {
    // long-context corpus: 5 calls of 211,000 or 261,000 tokens, each in its own minute; peak 261,000
    // tokens/min; capacity 300,000 → 1 unit. On demand 4 × 1.2825 + (260000 × 0.006 + 22.5) / 1000 =
    // $6.7125; a unit at $1/h over the 45-minute window $0.75; saving $5.9625.
    const { findings } = await adviceOn('long-context', ['provisioned-throughput'], {
      ptTokensPerMinute: 300_000,
      ptHourlyUsd: 1,
    });

    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.units).toBe(1);
    expect(findings[0]?.windowUsd).toBeCloseTo(5.9625, 9);
  });

  it('bills the idle hours of a configured provisioned model', async () => {
    // The batch corpus spans 01:00–01:59 UTC, one clock hour; a provisioned model with no calls in it is
    // idle that hour: 1 × $20 = $20; per month 1/1 × 720 h × $20 = $14,400.
    const { findings } = await adviceOn('batch', ['provisioned-throughput'], {}, (u) => ({
      ...u,
      provisionedModels: {
        'arn:aws:bedrock:us-east-1:111122223333:provisioned-model/abc': { hourlyUsd: 20 },
      },
    }));

    expect(findings).toHaveLength(1);
    expect(findings[0]?.windowUsd).toBe(20);
    expect(findings[0]?.monthlyUsd).toBe(14_400);
  });
});

describe('usage-pattern', () => {
  it('describes idle hours, a nightly caller and a disproportionate caller, with no dollars', async () => {
    const { findings } = await adviceOn('usage-pattern', ['usage-pattern']);

    expect(findings.map((f) => f.formula)).toEqual([
      expect.stringMatching(/^3[0-9] of 3[0-9] clock hours without a call/),
      expect.stringMatching(/^100\.0 % of 60 calls between 00:00 and 06:00 UTC/),
      expect.stringMatching(/^one caller has 9\d\.\d % of the priced spend among 2 callers/),
    ]);
    for (const f of findings) {
      expect(f.basis).toBe('descriptive');
      expect(f.monthlyUsd).toBeNull();
      expect(f.windowUsd).toBeNull();
    }
  });
});

describe('a corpus without any opportunity', () => {
  it('yields no finding from any check', async () => {
    const { findings } = await adviceOn('none');

    expect(findings).toEqual([]);
  });
});
