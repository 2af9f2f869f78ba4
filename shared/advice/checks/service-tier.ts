import { asOfOf, byScope, costAt, finding, rateOf, usd } from '../common';
import type { CallFact, Check, CheckResult, Finding, Gap, Scope, UsageFacts } from '../types';
import { automationOf } from './automation';

function priorityFindings(
  calls: readonly CallFact[],
  check: Parameters<Check['run']>,
  gaps: Gap[],
): Finding[] {
  const [usage, { options }] = check;
  const findings: Finding[] = [];
  for (const { scope, calls: group } of byScope(calls, options.by, true)) {
    let actual = 0;
    let standard = 0;
    let priced = 0;
    for (const c of group) {
      const rate = rateOf(c);
      const { serviceTier: _, ...plain } = c.invocation;
      const base = rate ? costAt(rate.price, rate.multiplier, plain) : undefined;
      if (c.usd === undefined || base === undefined) continue;
      actual += c.usd;
      standard += base;
      priced++;
    }
    if (priced < group.length) {
      gaps.push({
        check: 'service-tier',
        scope,
        calls: group.length - priced,
        reason: 'no Priority rate in the price table for these calls',
      });
    }
    const saving = actual - standard;
    if (priced === 0 || saving <= 0) continue;
    findings.push(
      finding(
        {
          check: 'service-tier',
          basis: 'upper-bound',
          scope,
          calls: priced,
          windowUsd: saving,
          formula: `${usd(actual)} at the Priority tier − ${usd(standard)} at Standard = ${usd(saving)} at most`,
          evidence: { tier: 'priority', priorityUsd: +actual.toFixed(6), standardUsd: +standard.toFixed(6) },
          caveat: 'Priority buys latency under load; only the caller knows whether these calls need it.',
          pricesAsOf: asOfOf(group.map((c) => rateOf(c)?.price)),
        },
        usage,
      ),
    );
  }
  return findings;
}

/** Automated Standard-tier calls at the Flex rate: the discount, at most. */
function flexFinding(scope: Scope, calls: readonly CallFact[], usage: UsageFacts): Finding | undefined {
  let actual = 0;
  let flex = 0;
  let priced = 0;
  for (const c of calls) {
    const rate = rateOf(c);
    const cost = rate
      ? costAt(rate.price, rate.multiplier, { ...c.invocation, serviceTier: 'flex' })
      : undefined;
    if (c.usd === undefined || cost === undefined) continue;
    actual += c.usd;
    flex += cost;
    priced++;
  }
  const saving = actual - flex;
  if (priced === 0 || saving <= 0) return undefined;
  return finding(
    {
      check: 'service-tier',
      basis: 'upper-bound',
      scope,
      calls: priced,
      windowUsd: saving,
      formula: `${usd(actual)} at Standard − ${usd(flex)} at the Flex tier = ${usd(saving)} at most`,
      evidence: { tier: 'flex', standardUsd: +actual.toFixed(6), flexUsd: +flex.toFixed(6) },
      caveat: 'Flex is best-effort: requests may queue or be throttled; only for work that can wait.',
      pricesAsOf: asOfOf(calls.map((c) => rateOf(c)?.price)),
    },
    usage,
  );
}

/** Priority calls that might not need it, and automated traffic that might run at Flex. */
export const serviceTier: Check = {
  basis: 'upper-bound',
  summary: 'Priority-tier spend over Standard, and Flex candidates where the tier is logged',
  run(...args): CheckResult {
    const [usage, { options, facts }] = args;
    const gaps: Gap[] = [];
    const priority = usage.calls.filter((c) => c.invocation.serviceTier === 'priority');
    const findings = priorityFindings(priority, args, gaps);
    const standard = usage.calls.filter((c) => c.invocation.serviceTier === undefined && c.callerIsRole);
    for (const { scope, calls } of byScope(standard, options.by, true)) {
      if (!automationOf(calls).automated) continue;
      const rate = rateOf(calls[0] as CallFact)?.price;
      const listed = facts.flexModels.has(scope.model);
      if (listed && rate?.tiers?.flex) {
        const f = flexFinding(scope, calls, usage);
        if (f) findings.push(f);
        continue;
      }
      gaps.push({
        check: 'service-tier',
        scope,
        calls: calls.length,
        reason: listed
          ? 'a Flex candidate without a Flex rate in the price table'
          : 'a Flex candidate (automated traffic), but no Flex model list or rate is known (shared/pricing/advice-facts.ts)',
      });
    }
    return { findings, gaps };
  },
};
