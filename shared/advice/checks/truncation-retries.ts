import { asOfOf, byScope, finding, groupBy, rateOf, sum, usd } from '../common';
import type { CallFact, Check, CheckResult, Finding } from '../types';

/** A retry comes within this long after the truncated call. */
export const RETRY_WITHIN_MS = 5 * 60_000;
/** A near-identical call: its input within this share of the truncated call's. */
export const SAME_INPUT_SHARE = 0.1;

function isRetryOf(next: CallFact, cut: CallFact): boolean {
  const a = cut.invocation.inputTokens ?? 0;
  const b = next.invocation.inputTokens ?? 0;
  return (
    next.invocation.timeMs - cut.invocation.timeMs <= RETRY_WITHIN_MS &&
    Math.abs(b - a) <= SAME_INPUT_SHARE * Math.max(a, 1)
  );
}

/** Truncated calls followed by a near-identical one from the same caller and model. */
function wasted(calls: readonly CallFact[]): CallFact[] {
  const found: CallFact[] = [];
  for (const group of groupBy(calls, (c) => `${c.caller ?? ''}\u0000${c.model}`).values()) {
    for (let i = 0; i + 1 < group.length; i++) {
      const cut = group[i] as CallFact;
      if (
        cut.invocation.stopClass === 'truncated' &&
        cut.usd !== undefined &&
        isRetryOf(group[i + 1] as CallFact, cut)
      )
        found.push(cut);
    }
  }
  return found;
}

/** Calls cut at max_tokens and asked again: their cost bought nothing, at most. */
export const truncationRetries: Check = {
  basis: 'upper-bound',
  summary: 'calls cut at max_tokens followed by a near-identical call from the same caller',
  run(usage, { options }): CheckResult {
    const findings: Finding[] = [];
    for (const { scope, calls } of byScope(wasted(usage.calls), options.by, true)) {
      const spend = sum(calls, (c) => c.usd ?? 0);
      findings.push(
        finding(
          {
            check: 'truncation-retries',
            basis: 'upper-bound',
            scope,
            calls: calls.length,
            windowUsd: spend,
            formula: `${calls.length} truncated calls retried within ${RETRY_WITHIN_MS / 60_000} min, costing ${usd(spend)}`,
            evidence: {
              outputTokensOfTruncated: sum(calls, (c) => c.invocation.outputTokens ?? 0),
            },
            caveat:
              'Read from stop reasons and token counts only (bodies are never printed); a similar input size does ' +
              'not prove the same prompt. Raise max_tokens or ask for shorter answers: the truncated part may still have been used.',
            pricesAsOf: asOfOf(calls.map((c) => rateOf(c)?.price)),
          },
          usage,
        ),
      );
    }
    return { findings, gaps: [] };
  },
};
