/**
 * The weekly advisor in the simulator (issue 24): a simulated week through the real handler, its
 * Logs Insights answered from the replayed records; the same figures as the handler on the same rows.
 * Slow tier: the simulator also runs the hourly function and every alarm over the whole week.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../cli/simulate/run';
import { WEEK_MS } from '../shared/advice/weekly';
import { SAVINGS } from '../shared/contract/metrics';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { CORPORA, NOW, PLANTED, rowsOf, run } from './support/weekly-advisor';

describe('the simulated week', () => {
  it('runs the weekly advisor on the replayed records and files its savings for the dashboard', async () => {
    const sim = await runSimulation({
      weeklyAdvisor: true,
      paths: PLANTED.map((c) => join(CORPORA, `${c}.jsonl`)),
      params: parseStackParameters({}),
      deliveryLagSeconds: 60,
      untilMs: NOW + 3_600_000,
    });

    // The scheduled run of Monday 2026-11-09 06:00 UTC, on the week before it.
    expect(sim.weeklyAdvice.map((w) => new Date(w.atMs).toISOString())).toEqual(['2026-11-09T06:00:00.000Z']);
    expect(sim.weeklyAdvice[0]?.result.window).toEqual({
      start: new Date(NOW - WEEK_MS).toISOString(),
      end: new Date(NOW).toISOString(),
      days: 7,
    });
    expect(sim.weeklyAdvice[0]?.result.savings[0]).toEqual({ basis: 'exact', findings: 2, monthlyUsd: 0.55 });
    // The same figures and message as the handler on the same rows (the Logs Insights path above).
    const direct = run(rowsOf(PLANTED));
    expect(sim.weeklyAdvice[0]?.result.savings).toEqual((await direct.result).savings);
    expect(sim.weeklyAdvice[0]?.message?.subject).toBe(
      'bedrock-watch weekly savings: 9 findings, exact $0.5500/month',
    );
    const id = {
      namespace: 'BedrockWatch',
      name: SAVINGS.monthlyUsd,
      dimensions: { service: 'bedrock-watch', [SAVINGS.basisDimension]: 'exact' },
    };
    expect(sim.store.values(id, NOW, NOW + 1, Number.POSITIVE_INFINITY).values).toEqual([0.55]);
  });
});
