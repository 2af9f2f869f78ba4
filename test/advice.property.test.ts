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
    // Half the inputs near the 200,000-token long-context threshold, so that check is exercised.
    input: fc.oneof(fc.integer({ min: 0, max: 260_000 }), fc.integer({ min: 190_000, max: 245_000 })),
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

/** The invariants one random usage breaks (none, when the advisor is right); records which checks found something. */
function violations(invocations: Invocation[], o: Options, seen: Set<string>): string[] {
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
  const broken: string[] = [];
  for (const f of advice.findings) {
    seen.add(f.check);
    if (!(f.calls > 0)) broken.push(`${f.check}: a finding on ${f.calls} calls`);
    if (f.basis === 'descriptive') {
      if (f.monthlyUsd !== null || f.windowUsd !== null)
        broken.push(`${f.check}: dollars on a descriptive finding`);
      continue;
    }
    if (!((f.windowUsd ?? -1) >= 0 && (f.monthlyUsd ?? -1) >= 0))
      broken.push(`${f.check}: a negative or missing saving`);
    const spend = spendUnder(f, usage);
    if ((f.windowUsd ?? 0) > spend + 1e-6)
      broken.push(`${f.check}: saves ${f.windowUsd} of ${spend} spent (${f.formula})`);
  }
  return broken;
}

const usages = fc.array(invocation, { maxLength: 120 });

type Options = typeof options extends fc.Arbitrary<infer T> ? T : never;

describe('the savings advisor on random usage', () => {
  it('never finds a saving above the spend it rests on, nor a finding without calls', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(usages, options, (invocations, o) => {
        expect(violations(invocations, o, seen)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('puts the invariants to the test: each of these checks finds something in a fixed-seed run', () => {
    // A fixed seed: whether a random run happens to reach every check must not decide CI.
    const seen = new Set<string>();
    fc.assert(
      fc.property(usages, options, (invocations, o) => {
        expect(violations(invocations, o, seen)).toEqual([]);
      }),
      { numRuns: 150, seed: 20_261_207 },
    );
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
