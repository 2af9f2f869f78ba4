import { BATCH_PRICE_SHARE } from '../../pricing/advice-facts';
import { asOfOf, byScope, finding, rateOf, sum, usd } from '../common';
import type { Check, CheckResult, Finding } from '../types';
import { automationOf } from './automation';

/** Non-streaming traffic of automated-looking callers on batch-capable models: the batch discount. */
export const batch: Check = {
  basis: 'upper-bound',
  summary: 'non-streaming traffic of automated callers on models with batch inference',
  run(usage, { options, facts }): CheckResult {
    const findings: Finding[] = [];
    const eligible = usage.calls.filter(
      (c) =>
        !c.streaming &&
        c.usd !== undefined &&
        facts.batchModels.has(c.model) &&
        c.invocation.serviceTier === undefined,
    );
    for (const { scope, calls } of byScope(eligible, options.by, true)) {
      const signs = automationOf(calls);
      if (!signs.automated) continue;
      const spend = sum(calls, (c) => c.usd ?? 0);
      const saving = spend * facts.batchShare;
      findings.push(
        finding(
          {
            check: 'batch',
            basis: 'upper-bound',
            scope,
            calls: calls.length,
            windowUsd: saving,
            formula: `${usd(spend)} on-demand × ${facts.batchShare} (batch discount) = ${usd(saving)} at most`,
            evidence: {
              callerKind: 'role',
              nightlyShare: signs.nightlyShare,
              activeHours: signs.activeHours,
              spannedHours: signs.spannedHours,
            },
            caveat:
              'The logs cannot tell whether someone waits for the answer: batch returns within 24 hours, needs S3 ' +
              'input and output, and has no tool use. Calls already sent as batch jobs may not appear in ' +
              `invocation logs at all. Discount: ${BATCH_PRICE_SHARE.source}.`,
            pricesAsOf: asOfOf(calls.map((c) => rateOf(c)?.price)),
          },
          usage,
        ),
      );
    }
    return { findings, gaps: [] };
  },
};
