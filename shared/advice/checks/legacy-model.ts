import type { LifecycleFact } from '../../pricing/advice-facts';
import { asOfOf, byScope, costAt, finding, perMillion, rateOf, usd } from '../common';
import type { AdviceContext, CallFact, Check, CheckResult, Finding, Gap, Scope, UsageFacts } from '../types';

const DAY_MS = 86_400_000;
/** An end of life this near (or past) makes a finding even when the successor costs no less. */
const NEAR_EOL_DAYS = 180;

function caveatOf(fact: LifecycleFact, successor: string): string {
  return (
    `A newer model is not a drop-in: test quality, latency and prompts on ${successor} before moving. ` +
    `Priced on the same routing as the calls. Lifecycle: ${fact.source} (read ${fact.asOf}).`
  );
}

interface Priced {
  actual: number;
  successor: number;
  calls: number;
  unpriced: number;
}

function priceBothWays(
  calls: readonly CallFact[],
  successorModel: string,
  region: string,
  context: AdviceContext,
): { priced: Priced; successorPrice: ReturnType<AdviceContext['priceTable']['lookup']> } {
  const successorPrice = context.priceTable.lookup(successorModel, region);
  const priced: Priced = { actual: 0, successor: 0, calls: 0, unpriced: 0 };
  if (!successorPrice) return { priced: { ...priced, unpriced: calls.length }, successorPrice };
  for (const call of calls) {
    const multiplier = call.routing === 'global' ? 1 : (successorPrice.nonGlobalMultiplier ?? 1);
    const other = costAt(successorPrice, multiplier, call.invocation);
    if (call.usd === undefined || other === undefined) {
      priced.unpriced++;
      continue;
    }
    priced.actual += call.usd;
    priced.successor += other;
    priced.calls++;
  }
  return { priced, successorPrice };
}

function lifecycleWords(fact: LifecycleFact): string {
  const parts = [
    fact.extendedAccessSince ? `extended access since ${fact.extendedAccessSince}` : undefined,
    fact.eol ? `end of life ${fact.eol}` : 'no end-of-life date known',
  ];
  return parts.filter(Boolean).join(', ');
}

function scopeFinding(
  scope: Scope,
  calls: readonly CallFact[],
  fact: LifecycleFact,
  usage: UsageFacts,
  context: AdviceContext,
): { finding?: Finding; gap?: Gap } {
  const region = scope.region ?? 'us-east-1';
  const { priced, successorPrice } = priceBothWays(calls, fact.successor, region, context);
  const gap: Gap | undefined =
    priced.unpriced > 0
      ? {
          check: 'legacy-model',
          scope,
          calls: priced.unpriced,
          reason: successorPrice
            ? `calls the price table cannot price at ${scope.model} or ${fact.successor} rates are left out`
            : `no price for the successor ${fact.successor} in ${region}`,
        }
      : undefined;
  if (priced.calls === 0 || !successorPrice) return gap ? { gap } : {};
  const saving = Math.max(0, priced.actual - priced.successor);
  const eolMs = fact.eol ? Date.parse(fact.eol) : Number.POSITIVE_INFINITY;
  const near = eolMs - context.options.nowMs < NEAR_EOL_DAYS * DAY_MS;
  if (saving <= 0 && !near) return gap ? { gap } : {};
  const rate = rateOf(calls[0] as CallFact)?.price;
  const f = finding(
    {
      check: 'legacy-model',
      basis: 'exact',
      scope,
      calls: priced.calls,
      windowUsd: saving,
      formula:
        `${usd(priced.actual)} at ${scope.model} (${rate ? `${perMillion(rate.input)} in, ${perMillion(rate.output)} out` : 'its rates'}) − ` +
        `${usd(priced.successor)} for the same tokens at ${fact.successor} (${perMillion(successorPrice.input)} in, ` +
        `${perMillion(successorPrice.output)} out) = ${usd(priced.actual - priced.successor)}` +
        (saving > 0 ? '' : '; no saving, listed for its end of life'),
      evidence: {
        lifecycle: lifecycleWords(fact),
        successor: fact.successor,
        actualUsd: +priced.actual.toFixed(6),
        successorUsd: +priced.successor.toFixed(6),
      },
      caveat: caveatOf(fact, fact.successor),
      pricesAsOf: asOfOf([rate, successorPrice]),
    },
    usage,
  );
  return gap ? { finding: f, gap } : { finding: f };
}

/** Calls to models at extended-access prices or near end of life, priced on their successor. */
export const legacyModel: Check = {
  basis: 'exact',
  summary: 'calls to Legacy models (extended-access prices, end of life) priced on the successor',
  run(usage, context): CheckResult {
    const findings: Finding[] = [];
    const gaps: Gap[] = [];
    const lifecycle = context.facts.lifecycle;
    const legacy = usage.calls.filter((c) => Object.hasOwn(lifecycle, c.model));
    for (const { scope, calls } of byScope(legacy, context.options.by)) {
      const fact = lifecycle[scope.model] as LifecycleFact;
      const result = scopeFinding(scope, calls, fact, usage, context);
      if (result.finding) findings.push(result.finding);
      if (result.gap) gaps.push(result.gap);
    }
    return { findings, gaps };
  },
};
