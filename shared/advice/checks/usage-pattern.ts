import { groupBy, HOUR_MS, hoursOf, nightlyShare, sum } from '../common';
import type { CallFact, Check, CheckResult, Finding, Scope, UsageFacts } from '../types';
import { MIN_AUTOMATED_CALLS, NIGHTLY_SHARE } from './automation';

/** A window of at least a day with this share of clock hours idle says so. */
export const IDLE_HOURS_SHARE = 0.25;
/** One caller or model with at least this share of the spend (among two or more) is disproportionate. */
export const DISPROPORTIONATE_SHARE = 0.6;

const ALL: Scope = { model: '(all)' };

function described(
  scope: Scope,
  calls: number,
  formula: string,
  evidence: Finding['evidence'],
  caveat: string,
  asOf: string,
): Finding {
  return {
    check: 'usage-pattern',
    scope,
    basis: 'descriptive',
    monthlyUsd: null,
    windowUsd: null,
    calls,
    formula,
    evidence,
    caveat,
    pricesAsOf: asOf,
  };
}

function idleHours(usage: UsageFacts, asOf: string): Finding | undefined {
  const hours = hoursOf(usage.window);
  if (usage.calls.length === 0 || hours < 24) return undefined;
  const active = new Set(usage.calls.map((c) => Math.floor(c.invocation.timeMs / HOUR_MS))).size;
  const idle = hours - active;
  if (idle < IDLE_HOURS_SHARE * hours) return undefined;
  return described(
    ALL,
    usage.calls.length,
    `${idle} of ${hours} clock hours without a call (${((idle / hours) * 100).toFixed(1)} %)`,
    { hours, idleHours: idle },
    'Idle hours cost nothing on demand; they matter for provisioned throughput, which bills every hour.',
    asOf,
  );
}

function nightlyCallers(usage: UsageFacts, asOf: string): Finding[] {
  const findings: Finding[] = [];
  for (const [caller, calls] of groupBy(usage.calls, (c) => c.caller)) {
    const share = nightlyShare(calls);
    if (calls.length < MIN_AUTOMATED_CALLS || share < NIGHTLY_SHARE) continue;
    findings.push(
      described(
        { model: '(all)', caller },
        calls.length,
        `${(share * 100).toFixed(1)} % of ${calls.length} calls between 00:00 and 06:00 UTC`,
        { nightlyShare: +share.toFixed(3) },
        'Nightly traffic is usually automated: a candidate for batch inference if nobody waits for it.',
        asOf,
      ),
    );
  }
  return findings;
}

function disproportionate(usage: UsageFacts, key: 'caller' | 'model', asOf: string): Finding | undefined {
  const groups = groupBy(usage.calls, (c: CallFact) =>
    key === 'caller' ? (c.caller ?? 'unknown') : c.model,
  );
  if (groups.size < 2) return undefined;
  const total = sum(usage.calls, (c) => c.usd ?? 0);
  if (total <= 0) return undefined;
  for (const [name, calls] of groups) {
    const spend = sum(calls, (c) => c.usd ?? 0);
    if (spend < DISPROPORTIONATE_SHARE * total) continue;
    return described(
      key === 'caller' ? { model: '(all)', caller: name } : { model: name },
      calls.length,
      `one ${key} has ${((spend / total) * 100).toFixed(1)} % of the priced spend among ${groups.size} ${key}s`,
      { spendUsd: +spend.toFixed(6), totalUsd: +total.toFixed(6) },
      'A concentration is where the other findings matter most; it is not in itself waste.',
      asOf,
    );
  }
  return undefined;
}

/** Idle hours, nightly callers and disproportionate shares: the evidence behind the other findings. */
export const usagePattern: Check = {
  basis: 'descriptive',
  summary: 'idle hours, nightly callers, one caller or model with most of the spend',
  run(usage, { facts }): CheckResult {
    const findings = [
      idleHours(usage, facts.asOf),
      ...nightlyCallers(usage, facts.asOf),
      disproportionate(usage, 'caller', facts.asOf),
      disproportionate(usage, 'model', facts.asOf),
    ].filter((f): f is Finding => f !== undefined);
    return { findings, gaps: [] };
  },
};
