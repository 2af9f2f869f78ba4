/**
 * Invariants of the savings advisor over random usage (fast-check): a saving never exceeds the spend
 * of the calls it rests on, no finding rests on no call, descriptive findings carry no dollars, and no
 * usage at all yields no finding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advise } from '../shared/advice/checks';
import type { CallFact, Finding, UsageFacts } from '../shared/advice/types';
import { callFactOf } from '../shared/advice/usage';
import type { Invocation } from '../shared/ingest/2-parse';
import { createPriceTable, type PriceData } from '../shared/ingest/5-price';
import priceData from '../shared/ingest/price-table.json';
import { ADVICE_FACTS } from '../shared/pricing/advice-facts';

const priceTable = createPriceTable(priceData as PriceData);
const T0 = Date.parse('2026-11-02T00:00:00Z');
const MODELS = [
  'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'global.anthropic.claude-haiku-4-5-20251001-v1:0',
  'anthropic.claude-3-haiku-20240307-v1:0',
  'amazon.nova-pro-v1:0',
  'amazon.nova-lite-v1:0',
  'meta.llama3-1-70b-instruct-v1:0',
  'unknown.model-v1',
];
const CALLERS = [
  'arn:aws:sts::111122223333:assumed-role/etl-role/s',
  'arn:aws:sts::111122223333:assumed-role/web-role/s',
  'arn:aws:iam::111122223333:user/ana',
];

const invocation = fc
  .record({
    minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    model: fc.constantFrom(...MODELS),
    caller: fc.constantFrom(...CALLERS),
    operation: fc.constantFrom('Converse', 'InvokeModel', 'ConverseStream'),
    input: fc.integer({ min: 0, max: 260_000 }),
    output: fc.integer({ min: 0, max: 4_000 }),
    read: fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: undefined }),
    write: fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: undefined }),
    truncated: fc.boolean(),
    tier: fc.option(fc.constant('priority' as const), { nil: undefined }),
    id: fc.uuid(),
  })
  .map(
    (r): Invocation => ({
      timeMs: T0 + r.minute * 60_000,
      requestId: r.id,
      operation: r.operation,
      modelId: r.model,
      region: 'us-east-1',
      callerArn: r.caller,
      requestMetadata: { team: r.caller.includes('etl') ? 'data' : 'web' },
      inputTokens: r.input,
      outputTokens: r.output,
      ...(r.read !== undefined ? { cacheReadInputTokens: r.read } : {}),
      ...(r.write !== undefined ? { cacheWriteInputTokens: r.write } : {}),
      ...(r.truncated ? { stopReason: 'max_tokens', stopClass: 'truncated' as const } : {}),
      ...(r.tier ? { serviceTier: r.tier } : {}),
    }),
  );

function usageOf(invocations: readonly Invocation[]): UsageFacts {
  const calls = invocations
    .map((inv) => callFactOf(inv, { priceTable }))
    .filter((c): c is CallFact => c !== undefined)
    .sort((a, b) => a.invocation.timeMs - b.invocation.timeMs);
  const times = calls.map((c) => c.invocation.timeMs);
  return {
    window: { startMs: Math.min(T0, ...times), endMs: Math.max(T0, ...times) },
    calls,
    provisionedModels: {},
  };
}

/** The spend of the calls a finding's scope covers. */
function spendUnder(f: Finding, usage: UsageFacts): number {
  let spend = 0;
  for (const c of usage.calls) {
    if (f.scope.model !== '(all)' && c.model !== f.scope.model) continue;
    if (f.scope.region !== undefined && c.invocation.region !== f.scope.region) continue;
    if (f.scope.caller !== undefined && (c.caller ?? 'unknown') !== f.scope.caller) continue;
    if (f.scope.team !== undefined && (c.team ?? 'unattributed') !== f.scope.team) continue;
    spend += c.usd ?? 0;
  }
  return spend;
}

const options = fc.record({
  by: fc.constantFrom(undefined, 'caller' as const, 'team' as const, 'account' as const),
  cacheHitShare: fc.double({ min: 0.01, max: 1, noNaN: true }),
  siblingShare: fc.double({ min: 0.01, max: 1, noNaN: true }),
  pt: fc.boolean(),
});

describe('the savings advisor on random usage', () => {
  it('never finds a saving above the spend it rests on, nor a finding without calls', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(invocation, { maxLength: 120 }), options, (invocations, o) => {
        const usage = usageOf(invocations);
        const advice = advise(usage, {
          priceTable,
          facts: ADVICE_FACTS,
          options: {
            ...(o.by ? { by: o.by } : {}),
            cacheHitShare: o.cacheHitShare,
            siblingShare: o.siblingShare,
            nowMs: T0,
            ...(o.pt ? { ptTokensPerMinute: 100_000, ptHourlyUsd: 0.01 } : {}),
          },
        });
        for (const f of advice.findings) {
          seen.add(f.check);
          expect(f.calls, f.check).toBeGreaterThan(0);
          if (f.basis === 'descriptive') {
            expect(f.monthlyUsd).toBeNull();
            expect(f.windowUsd).toBeNull();
            continue;
          }
          expect(f.windowUsd, f.check).toBeGreaterThanOrEqual(0);
          expect(f.monthlyUsd, f.check).toBeGreaterThanOrEqual(0);
          expect(f.windowUsd ?? 0, `${f.check} ${f.formula}`).toBeLessThanOrEqual(
            spendUnder(f, usage) + 1e-6,
          );
        }
      }),
      { numRuns: 150 },
    );
    // The invariants were put to the test: most checks found something in some run.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'cheaper-sibling',
        'global-profile',
        'legacy-model',
        'long-context',
        'prompt-caching',
      ]),
    );
  });

  it('finds nothing in no usage', () => {
    fc.assert(
      fc.property(options, (o) => {
        const advice = advise(usageOf([]), {
          priceTable,
          facts: ADVICE_FACTS,
          options: { cacheHitShare: o.cacheHitShare, siblingShare: o.siblingShare, nowMs: T0 },
        });
        expect(advice.findings).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});
