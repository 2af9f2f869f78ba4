import { describe, expect, it } from 'vitest';
import { simulateBatches } from '../cli/simulate/run';
import { firstAlarmMinute } from '../dev/lib/scenario-check';
import type { TrafficSpec } from '../dev/lib/scenario-traffic';
import { HAIKU, NOVA } from '../dev/lib/scenarios';
import { trafficBatches } from '../dev/lib/traffic-batches';
import { awsBedrockSeries } from '../shared/analysis/bedrock-metrics';
import { AWS_BEDROCK_METRIC } from '../shared/contract/metrics';
import { parseStackParameters } from '../shared/monitoring/parameters';

/**
 * Haiku 95 % throttled (or failing with `errorCode`) from the first minute to minute 60 of 90: no
 * window has a clean start, so only a denominator with every call passes the evidence guard.
 */
const burst = (errorCode: string): TrafficSpec => ({
  seed: 25,
  start: '2025-10-21T11:00:00Z',
  minutes: 90,
  dailyShape: false,
  models: [
    { modelId: HAIKU, perMinute: 8, latencyMedianMs: 700, inputTokens: 600, outputTokens: 250 },
    { modelId: NOVA, perMinute: 4, latencyMedianMs: 900, inputTokens: 500, outputTokens: 200 },
  ],
  incidents: [{ modelId: HAIKU, fromMinute: 0, toMinute: 60, errorRate: 0.95, errorCode }],
});

async function firstAlarms(spec: TrafficSpec, family: string) {
  const result = await simulateBatches(trafficBatches(spec), {
    params: parseStackParameters({ metricSet: 'essential', watchedModels: HAIKU }),
    deliveryLagSeconds: 60,
  });
  const startMs = Date.parse(spec.start);
  return result.timelines
    .filter((t) => t.definition.family === family && t.definition.scope === HAIKU)
    .map((t) => ({
      level: t.definition.level,
      simulated: t.simulated,
      minute: firstAlarmMinute(t, startMs),
    }));
}

describe('essential per-model rates read AWS/Bedrock with every call in the denominator', () => {
  it('AWS/Bedrock Invocations counts successful calls only: throttles and errors are their own series', () => {
    const bucket = {
      modelId: HAIKU,
      invocations: 10,
      errors: { Throttling: 5, Timeout: 1, Validation: 1, Auth: 0, Model: 0, Server: 2 },
      inputTokens: 100,
      outputTokens: 10,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
      latencyMs: [100],
      timeToFirstTokenMs: [],
    } as unknown as Parameters<typeof awsBedrockSeries>[0];

    const value = (name: string) => awsBedrockSeries(bucket).find((s) => s.name === name)?.values[0];

    expect(value(AWS_BEDROCK_METRIC.invocations)).toBe(1);
    expect(value(AWS_BEDROCK_METRIC.throttles)).toBe(5);
    expect(value(AWS_BEDROCK_METRIC.clientErrors)).toBe(2);
    expect(value(AWS_BEDROCK_METRIC.serverErrors)).toBe(2);
  });

  it.each([
    { what: 'throttled', family: 'throttle-rate', code: 'ThrottlingException' },
    { what: 'failing with server errors', family: 'error-rate', code: 'InternalServerException' },
  ])(
    'a model 95 percent $what fires its $family warning and critical within 15 minutes',
    async ({ family, code }) => {
      const alarms = await firstAlarms(burst(code), family);

      expect(alarms.map((a) => a.level).sort()).toEqual(['critical', 'warning']);
      for (const a of alarms) {
        expect(a.simulated).toBe(true);
        expect(a.minute).toBeGreaterThanOrEqual(0);
        expect(a.minute).toBeLessThanOrEqual(15);
      }
    },
  );
});
