import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../cli/simulate/run';
import { firstAlarmMinute, scenarioProblems } from '../dev/lib/scenario-check';
import { SCENARIOS, type Scenario } from '../dev/lib/scenarios';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { EVENTS_DIR } from './support/helpers';

/**
 * The scenario's expectations that hold under `essential`: that set publishes the truncation and
 * guardrail counters for all models only, so it has no per-model quality alarm (docs/quality.md).
 */
function withoutPerModelQuality(scenario: Scenario): Scenario {
  const kept = (e: { family: string; scope?: string }) =>
    !(
      (e.family === 'truncation-rate' || e.family === 'guardrail-rate') &&
      e.scope !== undefined &&
      e.scope !== 'all'
    );
  return {
    ...scenario,
    expect: {
      ...scenario.expect,
      fires: scenario.expect.fires.filter(kept),
      quiet: scenario.expect.quiet.filter(kept),
    },
  };
}

describe('alarm scenarios (events/scenarios, simulated through the real handler)', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s holds its expected alarms',
    async (_name, scenario) => {
      const paths = [join(EVENTS_DIR, 'scenarios', scenario.name)];

      const result = await runSimulation({
        paths,
        params: parseStackParameters(scenario.params),
        deliveryLagSeconds: scenario.deliveryLagSeconds,
      });

      expect(result.batches.failed).toBe(0);
      expect(scenarioProblems(scenario, result)).toEqual([]);
      const fired = result.timelines.filter(
        (t) => firstAlarmMinute(t, Date.parse(scenario.traffic.start)) !== undefined,
      );
      expect(fired.length).toBeGreaterThanOrEqual(scenario.expect.fires.length);
    },
  );

  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s holds its expected alarms with the essential metric set too (AWS/Bedrock series derived from the same calls)',
    async (_name, scenario) => {
      const paths = [join(EVENTS_DIR, 'scenarios', scenario.name)];

      const result = await runSimulation({
        paths,
        params: parseStackParameters({ ...scenario.params, metricSet: 'essential' }),
        deliveryLagSeconds: scenario.deliveryLagSeconds,
      });

      expect(result.batches.failed).toBe(0);
      expect(scenarioProblems(withoutPerModelQuality(scenario), result)).toEqual([]);
    },
  );

  it('has every scenario the alarms are proven by', () => {
    const names = SCENARIOS.map((s) => s.name);

    expect(names).toEqual(
      expect.arrayContaining([
        'steady-day',
        'latency-regression',
        'latency-regression-late-logs',
        'error-burst',
        'throttle-storm',
        'quota-pressure',
        'quiet-night',
        'cost-runaway',
        'budget-runaway',
        'organization-runaway',
        'token-spike',
        'answer-quality',
        'concurrency-pressure',
      ]),
    );
  });
});
