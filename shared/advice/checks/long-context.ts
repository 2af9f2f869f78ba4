import { asOfOf, byScope, costAt, finding, rateOf, sum, usd } from '../common';
import type { CallFact, Check, CheckResult, Finding } from '../types';

/** "Just over": at most this much above the threshold, where trimming the input is realistic. */
export const JUST_OVER_SHARE = 0.2;

const inputOf = (c: CallFact) =>
  (c.invocation.inputTokens ?? 0) +
  (c.invocation.cacheReadInputTokens ?? 0) +
  (c.invocation.cacheWriteInputTokens ?? 0);

/** A call billed at long-context rates with an input at most 20 % over the threshold. */
function justOver(c: CallFact): boolean {
  const long = rateOf(c)?.price.longContext;
  if (!long || c.usd === undefined || c.invocation.serviceTier !== undefined) return false;
  const input = inputOf(c);
  return input > long.aboveInputTokens && input <= long.aboveInputTokens * (1 + JUST_OVER_SHARE);
}

/** Calls just over a long-context threshold: the premium the whole request paid for the excess. */
export const longContext: Check = {
  basis: 'exact',
  summary: 'calls just over a long-context threshold, and the premium staying under would save',
  run(usage, { options }): CheckResult {
    const findings: Finding[] = [];
    for (const { scope, calls } of byScope(usage.calls.filter(justOver), options.by)) {
      let standard = 0;
      for (const c of calls) {
        const rate = rateOf(c);
        if (!rate) continue;
        standard += costAt({ ...rate.price, longContext: undefined }, rate.multiplier, c.invocation) ?? 0;
      }
      const actual = sum(calls, (c) => c.usd ?? 0);
      const saving = actual - standard;
      if (saving <= 0) continue;
      const price = rateOf(calls[0] as CallFact)?.price;
      const threshold = price?.longContext?.aboveInputTokens ?? 0;
      const excess = sum(calls, (c) => inputOf(c) - threshold);
      findings.push(
        finding(
          {
            check: 'long-context',
            basis: 'exact',
            scope,
            calls: calls.length,
            windowUsd: saving,
            formula: `${usd(actual)} at long-context rates − ${usd(standard)} for the same tokens at standard rates = ${usd(saving)}`,
            evidence: {
              thresholdInputTokens: threshold,
              tokensOverThreshold: excess,
              meanTokensOver: Math.round(excess / calls.length),
            },
            caveat:
              `Above ${threshold.toLocaleString('en-US')} input tokens (cache included) the whole request bills at the ` +
              'long-context rates. Staying under means trimming the input (history, retrieved passages) by the tokens ' +
              'over, which may cost answer quality; trimming also saves those tokens, so the saving is slightly larger.',
            pricesAsOf: asOfOf([price]),
          },
          usage,
        ),
      );
    }
    return { findings, gaps: [] };
  },
};
