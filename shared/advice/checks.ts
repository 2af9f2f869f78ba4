/**
 * The advisor's checks, one typed table: a check missing here is a compile error. Each is a pure
 * function of the usage facts, the prices and the facts file.
 */
import { batch } from './checks/batch';
import { cheaperSibling } from './checks/cheaper-sibling';
import { globalProfile } from './checks/global-profile';
import { legacyModel } from './checks/legacy-model';
import { longContext } from './checks/long-context';
import { promptCaching } from './checks/prompt-caching';
import { provisionedThroughput } from './checks/provisioned-throughput';
import { serviceTier } from './checks/service-tier';
import { truncationRetries } from './checks/truncation-retries';
import { usagePattern } from './checks/usage-pattern';
import type { AdviceContext, Check, CheckName, Finding, Gap, UsageFacts } from './types';

export const CHECKS = {
  'global-profile': globalProfile,
  'legacy-model': legacyModel,
  'long-context': longContext,
  'prompt-caching': promptCaching,
  batch,
  'service-tier': serviceTier,
  'cheaper-sibling': cheaperSibling,
  'provisioned-throughput': provisionedThroughput,
  'truncation-retries': truncationRetries,
  'usage-pattern': usagePattern,
} as const satisfies Record<CheckName, Check>;

export const CHECK_NAMES = Object.keys(CHECKS) as CheckName[];

export interface Advice {
  window: { start: string; end: string; days: number };
  findings: Finding[];
  gaps: Gap[];
}

/** Runs the checks (all, or those named) on the usage facts; findings by basis, then by monthly saving. */
export function advise(
  usage: UsageFacts,
  context: AdviceContext,
  only: readonly CheckName[] = CHECK_NAMES,
): Advice {
  const findings: Finding[] = [];
  const gaps: Gap[] = [];
  for (const name of only) {
    const result = CHECKS[name].run(usage, context);
    findings.push(...result.findings);
    gaps.push(...result.gaps);
  }
  const order = { exact: 0, 'upper-bound': 1, scenario: 2, descriptive: 3 };
  findings.sort((a, b) => order[a.basis] - order[b.basis] || (b.monthlyUsd ?? 0) - (a.monthlyUsd ?? 0));
  const { startMs, endMs } = usage.window;
  return {
    window: {
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
      days: +((endMs - startMs) / 86_400_000).toFixed(6),
    },
    findings,
    gaps,
  };
}
