import { byScope, finding, groupBy, HOUR_MS, hoursOf, MONTH_MS, spanMs, sum, usd } from '../common';
import type { CallFact, Check, CheckResult, Finding, Gap, UsageFacts } from '../types';

const MINUTE_MS = 60_000;
const tokensOf = (c: CallFact) =>
  (c.invocation.inputTokens ?? 0) +
  (c.invocation.outputTokens ?? 0) +
  (c.invocation.cacheReadInputTokens ?? 0) +
  (c.invocation.cacheWriteInputTokens ?? 0);

/** The busiest minute's tokens and the mean tokens per minute over the window. */
function tokensPerMinute(calls: readonly CallFact[], usage: UsageFacts) {
  const minutes = groupBy(calls, (c) => Math.floor(c.invocation.timeMs / MINUTE_MS));
  let peak = 0;
  for (const group of minutes.values()) peak = Math.max(peak, sum(group, tokensOf));
  return { peak, mean: sum(calls, tokensOf) / (spanMs(usage.window) / MINUTE_MS) };
}

/** On demand against model units sized for the busiest minute, once capacity and price are given. */
function breakEven(
  usage: UsageFacts,
  context: Parameters<Check['run']>[1],
): { findings: Finding[]; gaps: Gap[] } {
  const { ptTokensPerMinute: capacity, ptHourlyUsd: hourly, by } = context.options;
  const priced = usage.calls.filter((c) => c.usd !== undefined);
  if (capacity === undefined || hourly === undefined) {
    const models = new Set(priced.map((c) => c.model)).size;
    const reason = `break-even not assessed for ${models} model(s): needs --pt-tokens-per-minute (AWS does not publish a unit's capacity) and --pt-hourly-usd`;
    return {
      findings: [],
      gaps:
        models > 0
          ? [{ check: 'provisioned-throughput', scope: { model: '(all)' }, calls: priced.length, reason }]
          : [],
    };
  }
  const findings: Finding[] = [];
  for (const { scope, calls } of byScope(priced, by)) {
    const { peak, mean } = tokensPerMinute(calls, usage);
    const units = Math.max(1, Math.ceil(peak / capacity));
    const spend = sum(calls, (c) => c.usd ?? 0);
    const unitsWindow = units * hourly * (spanMs(usage.window) / HOUR_MS);
    const saving = spend - unitsWindow;
    if (saving <= 0) continue;
    findings.push(
      finding(
        {
          check: 'provisioned-throughput',
          basis: 'exact',
          scope,
          calls: calls.length,
          windowUsd: saving,
          formula: `${usd(spend)} on demand − ${units} unit(s) × ${usd(hourly)}/h × ${+(spanMs(usage.window) / HOUR_MS).toFixed(2)} h = ${usd(saving)}`,
          evidence: {
            peakTokensPerMinute: peak,
            meanTokensPerMinute: Math.round(mean),
            units,
            capacityPerUnit: capacity,
          },
          caveat:
            'Exact only for the capacity per unit you gave (measure it: AWS does not publish it); units are sized for the busiest minute, ' +
            'and a commitment term bills whether used or not. Calls over capacity would fail or need on-demand overflow.',
          pricesAsOf: null,
          flag: '--pt-tokens-per-minute',
        },
        usage,
      ),
    );
  }
  return { findings, gaps: [] };
}

/** Hours in the window without a call to a configured provisioned model: what they billed. */
function idleProvisioned(usage: UsageFacts): Finding[] {
  const findings: Finding[] = [];
  const hours = hoursOf(usage.window);
  for (const [modelId, { hourlyUsd }] of Object.entries(usage.provisionedModels)) {
    const calls = usage.calls.filter((c) => c.invocation.modelId === modelId);
    const active = new Set(calls.map((c) => Math.floor(c.invocation.timeMs / HOUR_MS))).size;
    const idle = hours - active;
    if (idle <= 0) continue;
    const idleUsd = idle * hourlyUsd;
    const f = finding(
      {
        check: 'provisioned-throughput',
        basis: 'exact',
        scope: { model: modelId },
        calls: calls.length,
        windowUsd: idleUsd,
        formula: `${idle} idle of ${hours} clock hours × ${usd(hourlyUsd)}/h (provisionedModels) = ${usd(idleUsd)}`,
        evidence: { hours, idleHours: idle, hourlyUsd },
        caveat:
          'A model unit bills every hour it exists. Idle hours are spend to cut only if the unit can be deleted and ' +
          'recreated around them (a commitment term cannot) or the traffic can move to on demand.',
        pricesAsOf: null,
      },
      usage,
    );
    // Idle hours are counted on the clock, so the month is the idle share of the month's hours.
    f.monthlyUsd = +((idle / hours) * hourlyUsd * (MONTH_MS / HOUR_MS)).toFixed(6);
    f.formula = `${f.formula.split('; per month')[0]}; per month ${idle}/${hours} × 720 h × ${usd(hourlyUsd)}/h = ${usd(f.monthlyUsd)}`;
    findings.push(f);
  }
  return findings;
}

/** Break-even of model units against on demand, and idle hours of configured provisioned models. */
export const provisionedThroughput: Check = {
  basis: 'exact',
  summary: 'sustained tokens per minute against model units, and idle hours of provisioned models',
  run(usage, context): CheckResult {
    const { findings, gaps } = breakEven(usage, context);
    return { findings: [...findings, ...idleProvisioned(usage)], gaps };
  },
};
