import { asOfOf, byScope, costAt, finding, perMillion, rateOf, usd } from '../common';
import type { CallFact, Check, CheckResult, Finding, Gap } from '../types';

/** The same tokens priced on the smaller model of the family, for the share the user says could move. */
export const cheaperSibling: Check = {
  basis: 'scenario',
  summary: 'the same tokens on a smaller model of the same family (evaluate, never switch blindly)',
  run(usage, { options, facts, priceTable }): CheckResult {
    const findings: Finding[] = [];
    const gaps: Gap[] = [];
    const candidates = usage.calls.filter(
      (c) => Object.hasOwn(facts.siblings, c.model) && c.usd !== undefined,
    );
    for (const { scope, calls } of byScope(candidates, options.by)) {
      const sibling = facts.siblings[scope.model] as string;
      const price = priceTable.lookup(sibling, scope.region ?? '');
      if (!price) {
        gaps.push({
          check: 'cheaper-sibling',
          scope,
          calls: calls.length,
          reason: `no price for ${sibling} in ${scope.region}`,
        });
        continue;
      }
      let actual = 0;
      let other = 0;
      let priced = 0;
      for (const c of calls) {
        const multiplier = c.routing === 'global' ? 1 : (price.nonGlobalMultiplier ?? 1);
        const cost = costAt(price, multiplier, c.invocation);
        if (cost === undefined) continue;
        actual += c.usd ?? 0;
        other += cost;
        priced++;
      }
      const share = options.siblingShare;
      const saving = (actual - other) * share;
      if (priced === 0 || saving <= 0) continue;
      const own = rateOf(calls[0] as CallFact)?.price;
      findings.push(
        finding(
          {
            check: 'cheaper-sibling',
            basis: 'scenario',
            scope,
            calls: priced,
            windowUsd: saving,
            formula: `(${usd(actual)} − ${usd(other)} for the same tokens on ${sibling} at ${perMillion(price.input)} in, ${perMillion(price.output)} out) × ${share} of the calls = ${usd(saving)}`,
            evidence: { sibling, actualUsd: +actual.toFixed(6), siblingUsd: +other.toFixed(6), share },
            caveat:
              `Evaluate ${sibling} on this workload before moving anything: a smaller model answers differently, ` +
              'may need more output tokens or retries, and suits some tasks only. The share that could move is an ' +
              'assumption (--sibling-share).',
            pricesAsOf: asOfOf([own, price]),
            flag: '--sibling-share',
          },
          usage,
        ),
      );
    }
    return { findings, gaps };
  },
};
