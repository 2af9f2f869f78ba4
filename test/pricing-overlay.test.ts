import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PriceData } from '../shared/ingest/5-price';
import { ConfigError, loadIngestConfig, validatePriceData } from '../shared/ingest/config';
import priceData from '../shared/ingest/price-table.json';
import {
  implausibleRate,
  PLAUSIBLE_MAX_PER_1K_TOKENS,
  PLAUSIBLE_MIN_PER_1K_TOKENS,
} from '../shared/pricing/plausibility';

const overlay = (fields: Record<string, unknown>) =>
  JSON.stringify({
    prices: [
      { modelId: 'openai.gpt-oss-120b-1:0', region: 'us-east-1', input: 0.00015, output: 0.0006, ...fields },
    ],
  });
const loadError = (prices: string) => {
  try {
    loadIngestConfig({ BEDROCK_WATCH_CONFIG: JSON.stringify({ prices: JSON.parse(prices) }) });
  } catch (error) {
    return error instanceof ConfigError ? error.message : `not a ConfigError: ${String(error)}`;
  }
  return 'no error';
};

/** Every token rate of the bundled table: entries, long-context and tier rates. */
const bundledRates = (() => {
  const rates: number[] = [];
  const take = (r: Record<string, unknown>) => {
    for (const key of ['input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h'])
      if (typeof r[key] === 'number') rates.push(r[key] as number);
  };
  for (const p of (priceData as PriceData).prices) {
    take(p as unknown as Record<string, unknown>);
    if (p.longContext) take(p.longContext as unknown as Record<string, unknown>);
    for (const tier of Object.values(p.tiers ?? {})) take(tier as unknown as Record<string, unknown>);
  }
  return rates;
})();

describe('an overlay price that is implausible per 1,000 tokens', () => {
  it('is refused with the fix when it was copied from a per-million page (0.15 for gpt-oss-120b)', () => {
    const message = loadError(overlay({ input: 0.15 }));

    expect(message).toMatch(/^prices\.prices\[0\]\.input: 0\.15 USD per 1,000 tokens is implausible/);
    expect(message).toContain('this looks like a price per million tokens: divide by 1000 (0.00015)');
  });

  it('accepts the same price per 1,000 tokens', () => {
    expect(loadError(overlay({ input: 0.00015, output: 0.0006 }))).toBe('no error');
  });

  it('is checked in cache, long-context and tier rates too', () => {
    expect(loadError(overlay({ cacheRead: 0.3 }))).toMatch(/cacheRead: .*divide by 1000 \(0\.0003\)/);
    expect(
      loadError(overlay({ longContext: { aboveInputTokens: 200000, input: 6, output: 0.0225 } })),
    ).toMatch(/longContext\.input: .*divide by 1000 \(0\.006\)/);
    expect(loadError(overlay({ tiers: { flex: { input: 0.075, output: 0.3 } } }))).toMatch(
      /tiers\.flex\.output: .*divide by 1000 \(0\.0003\)/,
    );
  });

  it('is refused with the other fix when it was copied per token', () => {
    expect(loadError(overlay({ input: 0.00000015 }))).toContain(
      'this looks like a price per token: multiply by 1000 (0.00015)',
    );
  });

  it.each([
    ['the upper bound itself', PLAUSIBLE_MAX_PER_1K_TOKENS, true],
    ['just above the upper bound', 0.1000001, false],
    ['the dearest bundled rate (Claude Opus 4.1 output)', 0.075, true],
    ['the lower bound itself', PLAUSIBLE_MIN_PER_1K_TOKENS, true],
    ['just below the lower bound', 0.00000099, false],
    ['zero (tokens not billed)', 0, true],
  ])('draws the line at %s (%d)', (_what, value, accepted) => {
    expect(implausibleRate(value) === undefined).toBe(accepted);
    expect(loadError(overlay({ output: value })) === 'no error').toBe(accepted);
  });

  it('gives no unit hint for a figure no unit mix-up explains', () => {
    expect(implausibleRate(500)).toMatch(/at most 0\.1/);
    expect(implausibleRate(500)).not.toContain('looks like');
  });

  it('keeps its bounds around the bundled table: every rate inside, the dearest within 2x of the top', () => {
    const nonZero = bundledRates.filter((r) => r > 0);
    expect(bundledRates.length).toBeGreaterThan(100);
    expect(bundledRates.filter((r) => implausibleRate(r) !== undefined)).toEqual([]);
    expect(Math.max(...nonZero)).toBeGreaterThan(PLAUSIBLE_MAX_PER_1K_TOKENS / 2);
    expect(Math.min(...nonZero)).toBeLessThan(PLAUSIBLE_MIN_PER_1K_TOKENS * 10);
    expect(() => validatePriceData(priceData, 'price-table.json')).not.toThrow();
  });

  it('catches the per-million figure of every bundled rate of $0.10 per million or more, and names the right fix', () => {
    for (const rate of bundledRates.filter((r) => r * 1000 > PLAUSIBLE_MAX_PER_1K_TOKENS)) {
      const perMillion = Number((rate * 1000).toPrecision(12));
      expect(implausibleRate(perMillion)).toContain(`divide by 1000 (${Number(rate.toPrecision(6))})`);
    }
  });

  it('accepts every rate between the bounds and refuses every rate outside them (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: PLAUSIBLE_MIN_PER_1K_TOKENS, max: PLAUSIBLE_MAX_PER_1K_TOKENS, noNaN: true }),
        (rate) => implausibleRate(rate) === undefined,
      ),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: PLAUSIBLE_MAX_PER_1K_TOKENS, max: 1e6, noNaN: true, minExcluded: true }),
          fc.double({
            min: Number.MIN_VALUE,
            max: PLAUSIBLE_MIN_PER_1K_TOKENS,
            noNaN: true,
            maxExcluded: true,
          }),
        ),
        (rate) => implausibleRate(rate)?.includes('is implausible') === true,
      ),
    );
  });
});
