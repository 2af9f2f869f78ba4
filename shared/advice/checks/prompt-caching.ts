import type { Invocation } from '../../ingest/2-parse';
import { asOfOf, byScope, costAt, finding, rateOf, sum, usd } from '../common';
import type { AdviceContext, CallFact, Check, CheckResult, Finding, Gap, Scope, UsageFacts } from '../types';

/** Fewer calls than this in a stream say nothing about repetition. */
export const MIN_REPEATED_CALLS = 10;

const caches = (c: CallFact) =>
  (c.invocation.cacheReadInputTokens ?? 0) > 0 || (c.invocation.cacheWriteInputTokens ?? 0) > 0;

/** The same call with its cache reads and writes billed as plain input. */
function uncached(invocation: Invocation): Invocation {
  const {
    cacheReadInputTokens: read = 0,
    cacheWriteInputTokens: write = 0,
    cacheWrite1hInputTokens: _,
    ...rest
  } = invocation;
  return { ...rest, inputTokens: (invocation.inputTokens ?? 0) + read + write };
}

/** A stream that caches: net = what its tokens cost without caching − what they cost. */
function netBenefit(scope: Scope, calls: readonly CallFact[], usage: UsageFacts): Finding | undefined {
  let actual = 0;
  let without = 0;
  let reads = 0;
  let writes = 0;
  for (const c of calls) {
    const rate = rateOf(c);
    const plain = rate ? costAt(rate.price, rate.multiplier, uncached(c.invocation)) : undefined;
    if (c.usd === undefined || plain === undefined) continue;
    actual += c.usd;
    without += plain;
    reads += c.invocation.cacheReadInputTokens ?? 0;
    writes += c.invocation.cacheWriteInputTokens ?? 0;
  }
  const net = without - actual;
  if (net >= 0) return undefined;
  return finding(
    {
      check: 'prompt-caching',
      basis: 'exact',
      scope,
      calls: calls.length,
      windowUsd: -net,
      formula: `net benefit = ${usd(without)} without caching − ${usd(actual)} with it = −${usd(-net)}: caching costs more than it saves`,
      evidence: {
        cacheReadTokens: reads,
        cacheWriteTokens: writes,
        readsPerWrite: +(reads / Math.max(1, writes)).toFixed(3),
      },
      caveat:
        'Writes cost more than plain input and pay off only when the prefix is read again before the TTL ends. ' +
        'Few reads per write means the prefix changes or calls are too far apart: move the cache point to the stable ' +
        'part, use the 1-hour TTL for sparse traffic, or stop caching this stream.',
      pricesAsOf: asOfOf(calls.map((c) => rateOf(c)?.price)),
    },
    usage,
  );
}

/** What caching `share` of each call's input would save, replaying the calls against the TTL. */
function simulate(calls: readonly CallFact[], share: number, minimum: number, ttlMs: number) {
  let saving = 0;
  let hits = 0;
  let misses = 0;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const c of calls) {
    const input = c.invocation.inputTokens ?? 0;
    const prefix = Math.floor(input * share);
    const rate = rateOf(c);
    if (prefix < minimum || !rate || c.usd === undefined) continue;
    const hit = c.invocation.timeMs - lastMs <= ttlMs;
    lastMs = c.invocation.timeMs;
    const cached: Invocation = {
      ...c.invocation,
      inputTokens: input - prefix,
      ...(hit ? { cacheReadInputTokens: prefix } : { cacheWriteInputTokens: prefix }),
    };
    const cost = costAt(rate.price, rate.multiplier, cached);
    if (cost === undefined) continue;
    saving += c.usd - cost;
    if (hit) hits++;
    else misses++;
  }
  return { saving, hits, misses };
}

function scenario(
  scope: Scope,
  calls: readonly CallFact[],
  usage: UsageFacts,
  context: AdviceContext,
): { finding?: Finding; gap?: Gap } {
  const price = rateOf(calls[0] as CallFact)?.price;
  if (!price || price.cacheRead === undefined || price.cacheWrite === undefined) return {};
  const minimum = context.facts.cacheMinimums[scope.model]?.minimumPrefixTokens;
  const large = calls.filter((c) => (c.invocation.inputTokens ?? 0) >= (minimum ?? 1024));
  if (large.length < MIN_REPEATED_CALLS) return {};
  if (minimum === undefined) {
    const reason = `no minimum cacheable prefix known for ${scope.model} (shared/pricing/advice-facts.ts)`;
    return { gap: { check: 'prompt-caching', scope, calls: large.length, reason } };
  }
  const share = context.options.cacheHitShare;
  const { saving, hits, misses } = simulate(large, share, minimum, context.facts.cacheTtlMs);
  if (saving <= 0) return {};
  const inputTokens = sum(large, (c) => c.invocation.inputTokens ?? 0);
  return {
    finding: finding(
      {
        check: 'prompt-caching',
        basis: 'scenario',
        scope,
        calls: hits + misses,
        windowUsd: saving,
        formula:
          `${share} of ${inputTokens.toLocaleString('en-US')} input tokens as a cached prefix: ${hits} reads at ` +
          `the read rate, ${misses} writes at the write rate (a call over ${context.facts.cacheTtlMs / 60_000} min ` +
          `after the last rewrites) = ${usd(saving)} saved`,
        evidence: {
          callsAtOrAboveMinimum: large.length,
          minimumPrefixTokens: minimum,
          reads: hits,
          writes: misses,
        },
        caveat:
          'Assumes every call of the stream starts with the same prefix, that share of its input long; the logs ' +
          'carry sizes, not content, so whether prompts really repeat is not known. Nothing is cached today.',
        pricesAsOf: asOfOf([price]),
        flag: '--cache-hit-share',
      },
      usage,
    ),
  };
}

/** Streams that cache at a loss (exact), and large uncached streams that could cache (scenario). */
export const promptCaching: Check = {
  basis: 'exact',
  summary: 'streams where caching costs more than it saves, and large repeated inputs that do not cache',
  run(usage, context): CheckResult {
    const findings: Finding[] = [];
    const gaps: Gap[] = [];
    for (const { scope, calls } of byScope(usage.calls, context.options.by, true)) {
      const cached = calls.filter(caches);
      if (cached.length > 0) {
        const f = netBenefit(scope, calls, usage);
        if (f) findings.push(f);
        continue;
      }
      const result = scenario(scope, calls, usage, context);
      if (result.finding) findings.push(result.finding);
      if (result.gap) gaps.push(result.gap);
    }
    return { findings, gaps };
  },
};
