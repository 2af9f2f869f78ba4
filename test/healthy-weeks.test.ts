import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulation, simulateBatches } from '../cli/simulate/run';
import { alarmCounts, scenarioProblems } from '../dev/lib/scenario-check';
import { HEALTHY_WEEKS, SCENARIOS } from '../dev/lib/scenarios';
import { trafficBatches } from '../dev/lib/traffic-batches';
import { buildAlarmDefinitions } from '../shared/monitoring/alarms/index';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { EVENTS_DIR } from './support/helpers';

const CTX = {
  namePrefix: 'bedrock-watch-prod',
  ingestFunctionName: 'bedrock-watch-prod-ingest',
  ingestLogGroupName: '/aws/lambda/bedrock-watch-prod-ingest',
  failureQueueName: 'bedrock-watch-prod-ingest-failures',
};

describe('healthy weeks (events/scenarios/healthy-week-*, simulated through the real handler)', () => {
  it('watching models adds per-model alarms and changes none of the all-models ones, so the watched week bounds the defaults', () => {
    for (const week of HEALTHY_WEEKS) {
      const defaults = buildAlarmDefinitions(parseStackParameters({}), CTX);
      const watched = new Map(
        buildAlarmDefinitions(parseStackParameters(week.params), CTX).map((d) => [d.key, d]),
      );

      expect(defaults.length).toBeGreaterThan(0);
      for (const d of defaults) expect(watched.get(d.key), d.key).toEqual(d);
      expect(watched.size).toBeGreaterThan(defaults.length);
    }
  });

  it.each(HEALTHY_WEEKS.map((w) => [w.name, w] as const))(
    '%s with both models watched sends no critical page and at most 7 warnings',
    async (_name, week) => {
      const result = await runSimulation({
        paths: [join(EVENTS_DIR, 'scenarios', week.name)],
        params: parseStackParameters(week.params),
        deliveryLagSeconds: week.deliveryLagSeconds,
      });

      expect(result.batches.failed).toBe(0);
      expect(scenarioProblems(week, result)).toEqual([]);
      const counts = alarmCounts(result.timelines);
      expect(counts.critical).toBe(0);
      expect(counts.warning).toBeLessThanOrEqual(7);
    },
    300_000,
  );

  it('generated batches give the same alarms as the written scenario (how the 1,000-calls-a-minute week is simulated)', async () => {
    const scenario = SCENARIOS.find((s) => s.name === 'low-volume-error-burst');
    if (!scenario) throw new Error('no low-volume-error-burst scenario');
    const options = {
      params: parseStackParameters(scenario.params),
      deliveryLagSeconds: scenario.deliveryLagSeconds,
    };

    const fromFile = await runSimulation({
      ...options,
      paths: [join(EVENTS_DIR, 'scenarios', scenario.name)],
    });
    const generated = await simulateBatches(trafficBatches(scenario.traffic), options);

    const transitions = (r: typeof fromFile) =>
      r.timelines.map((t) => [t.definition.key, t.transitions.map((x) => [x.atMs, x.state])]);
    expect(alarmCounts(fromFile.timelines).critical).toBeGreaterThan(0);
    expect(transitions(generated)).toEqual(transitions(fromFile));
    expect(generated.batches).toEqual(fromFile.batches);
  });
});
