import { GLOBAL_PROFILE_SOURCE } from '../../pricing/advice-facts';
import { asOfOf, byScope, finding, rateOf, sum, usd } from '../common';
import type { Check, CheckResult, Finding, Gap } from '../types';

const CAVEAT =
  'The global profile may route a request to any commercial AWS Region (check data-residency rules first), ' +
  'has its own quotas, and must be offered for the model in your source Region. ' +
  `Rate from the price table's nonGlobalMultiplier; ${GLOBAL_PROFILE_SOURCE.source}.`;

/** Calls through a geographic profile or in-region whose global profile lists a lower rate. */
export const globalProfile: Check = {
  basis: 'exact',
  summary: 'calls through a geo or in-region route of a model whose global profile is cheaper',
  run(usage, { options }): CheckResult {
    const candidates = usage.calls.filter((c) => (rateOf(c)?.multiplier ?? 1) > 1 && c.routing !== 'global');
    const findings: Finding[] = [];
    const gaps: Gap[] = [];
    for (const { scope, calls } of byScope(candidates, options.by)) {
      const priced = calls.filter((c) => c.usd !== undefined);
      if (priced.length < calls.length) {
        gaps.push({
          check: 'global-profile',
          scope,
          calls: calls.length - priced.length,
          reason: 'calls without a price (see replay for why) are left out',
        });
      }
      if (priced.length === 0) continue;
      const multiplier = rateOf(priced[0] as (typeof priced)[0])?.multiplier ?? 1;
      const spend = sum(priced, (c) => c.usd ?? 0);
      const saving = spend * (1 - 1 / multiplier);
      const geo = priced.filter((c) => c.routing === 'geo').length;
      const profiles = priced.filter((c) =>
        c.invocation.modelId.includes('application-inference-profile'),
      ).length;
      findings.push(
        finding(
          {
            check: 'global-profile',
            basis: 'exact',
            scope,
            calls: priced.length,
            windowUsd: saving,
            formula: `${usd(spend)} spent at ${multiplier} × the global rate; saving = ${usd(spend)} × (1 − 1/${multiplier}) = ${usd(saving)}`,
            evidence: {
              spendUsd: +spend.toFixed(6),
              geoCalls: geo,
              inRegionCalls: priced.length - geo,
              viaApplicationProfile: profiles,
            },
            caveat: CAVEAT,
            pricesAsOf: asOfOf(priced.map((c) => rateOf(c)?.price)),
          },
          usage,
        ),
      );
    }
    return { findings, gaps };
  },
};
