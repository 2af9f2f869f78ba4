import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../cli/replay/run';
import { readEmfSeries } from '../shared/analysis/emf-reader';
import { asSeries, evaluateMath, parseMath } from '../shared/analysis/metric-math';
import { concurrencyExpression } from '../shared/monitoring/alarms/concurrency';
import { buildAlarmDefinitions, type MetricAlarmDefinition } from '../shared/monitoring/alarms/index';
import { qualityAlarms } from '../shared/monitoring/alarms/quality';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { contractProblems, metricUses } from './support/contract-helpers';
import { fixturePath } from './support/helpers';
import { cfnLint, packageTemplate } from './support/stack-helpers';

const CTX = {
  namePrefix: 'bedrock-watch-test',
  ingestFunctionName: 'bedrock-watch-test-ingest',
  ingestLogGroupName: '/aws/lambda/bedrock-watch-test-ingest',
  failureQueueName: 'bedrock-watch-test-ingest-failures',
};
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';

/** Evaluates an alarm's expressions in order (the returned one last) over one value per input id. */
function evaluate(def: MetricAlarmDefinition, inputs: Record<string, number>): number | undefined {
  const returned = def.queries.find((q) => q.returnData && q.expression);
  if (!returned?.expression) throw new Error(`${def.key} returns no expression`);
  const series = new Map(Object.entries(inputs).map(([id, v]) => [id, [v] as (number | undefined)[]]));
  for (const q of def.queries)
    if (q.expression && q !== returned)
      series.set(q.id, asSeries(evaluateMath(parseMath(q.expression), series, 1), 1));
  return asSeries(evaluateMath(parseMath(returned.expression), series, 1), 1)[0];
}

describe('concurrencyLimits parameter', () => {
  it('reads modelId=limit pairs and an object of limits', () => {
    expect(parseStackParameters({ concurrencyLimits: `${HAIKU}=4; ${NOVA}=10` }).concurrencyLimits).toEqual({
      [HAIKU]: 4,
      [NOVA]: 10,
    });
    expect(parseStackParameters({ concurrencyLimits: { [HAIKU]: 3 } }).concurrencyLimits).toEqual({
      [HAIKU]: 3,
    });
    expect(parseStackParameters({}).concurrencyLimits).toEqual({});
  });

  it.each([
    [
      { concurrencyLimits: `${HAIKU}=0` },
      /concurrencyLimits: .* needs a whole number of calls of at least 1/,
    ],
    [{ concurrencyLimits: `${HAIKU}=2.5` }, /needs a whole number/],
    [{ concurrencyLimits: 'no-equals-sign' }, /"no-equals-sign" is not modelId=limit/],
    [{ concurrencyWarningPct: '96' }, /concurrencyWarningPct must not exceed concurrencyCriticalPct/],
    [{ truncationRateWarningPct: '101' }, /truncationRateWarningPct: a share of calls/],
  ])('refuses %o', (raw, message) => {
    expect(() => parseStackParameters(raw)).toThrow(message);
  });
});

describe("concurrency alarms (Little's law over the Latency sum)", () => {
  const params = parseStackParameters({ concurrencyLimits: `${HAIKU}=4` });
  const defs = buildAlarmDefinitions(params, CTX).filter(
    (d): d is MetricAlarmDefinition => d.kind === 'metric' && d.family === 'concurrency',
  );

  it('emits a warning and a critical alarm per limited model, at 80 and 95 % by default', () => {
    expect(defs.map((d) => [d.level, d.scope, d.threshold])).toEqual([
      ['warning', HAIKU, 80],
      ['critical', HAIKU, 95],
    ]);
    expect(defs[0]?.queries[0]?.metric).toMatchObject({ metricName: 'Latency', stat: 'Sum', period: 60 });
  });

  it('reads 3 calls of 40 s each in a minute as 2 calls in flight, 50 % of a limit of 4', () => {
    const warning = defs[0] as MetricAlarmDefinition;

    expect(evaluate(warning, { lat: 3 * 40_000 })).toBe(50);
  });

  it('is the sum of latencies over the period, whatever the calls (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 600_000 }), { maxLength: 200 }), (latencies) => {
        const sum = latencies.reduce((a, b) => a + b, 0);
        const node = parseMath(concurrencyExpression('lat'));
        const value = asSeries(evaluateMath(node, new Map([['lat', [sum]]]), 1), 1)[0] as number;
        expect(value).toBeCloseTo(sum / 60_000, 9);
      }),
    );
  });
});

describe('quota alarms on Bedrock’s EstimatedTPMQuotaUsage', () => {
  it('reads AWS/Bedrock EstimatedTPMQuotaUsage per model id, summed per minute, against the quota', () => {
    const params = parseStackParameters({ quotas: `${HAIKU}=20000:200` });

    const defs = buildAlarmDefinitions(params, CTX).filter(
      (d): d is MetricAlarmDefinition => d.kind === 'metric' && d.family === 'estimated-tpm-quota',
    );

    expect(defs.map((d) => d.level)).toEqual(['warning', 'critical']);
    expect(defs[0]?.queries[0]?.metric).toEqual({
      namespace: 'AWS/Bedrock',
      metricName: 'EstimatedTPMQuotaUsage',
      dimensions: { ModelId: HAIKU },
      stat: 'Sum',
      period: 60,
    });
    expect(evaluate(defs[0] as MetricAlarmDefinition, { est: 17_000 })).toBe(85);
  });
});

describe('truncation- and guardrail-rate alarms', () => {
  const scope = { key: 'all', id: 'all', label: 'all models', dimensions: { service: 'bedrock-watch' } };

  it('are warnings, quiet without the evidence (20 calls and 6 such calls in the window), and the share of calls above it', () => {
    const defs = qualityAlarms(parseStackParameters({}), CTX, scope);

    expect(defs.map((d) => [d.family, d.level, d.threshold])).toEqual([
      ['truncation-rate', 'warning', 10],
      ['guardrail-rate', 'warning', 5],
    ]);
    const truncation = defs[0] as MetricAlarmDefinition;
    expect(evaluate(truncation, { q: 6, inv: 19 })).toBe(0);
    expect(evaluate(truncation, { q: 5, inv: 20 })).toBe(0);
    expect(evaluate(truncation, { q: 6, inv: 20 })).toBe(30);
  });

  it('are left out when their threshold is 0', () => {
    const params = parseStackParameters({ truncationRateWarningPct: '0', guardrailRateWarningPct: '0' });

    expect(qualityAlarms(params, CTX, scope)).toEqual([]);
  });
});

describe('the packaged capacity alarms', () => {
  it('are in the template, cfn-lint clean, and read only series the function emits', async () => {
    const { template } = await packageTemplate({
      concurrencyLimits: `${HAIKU}=4;${NOVA}=8`,
      quotas: `${HAIKU}=20000:200`,
    });
    const run = await runReplay({ paths: [fixturePath('quality-records.jsonl')], writeLog: () => undefined });
    const emitted = [...readEmfSeries(run.emf).values()].map((s) => ({
      metricName: s.name,
      unit: s.unit,
      dimensionNames: Object.keys(s.dimensions),
    }));
    const alarmNames = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => String((r.Properties as { AlarmName?: unknown }).AlarmName));

    const lint = await cfnLint([template]);

    expect(lint.problems, lint.linter).toEqual([]);
    expect(alarmNames.filter((n) => n.includes('-concurrency-'))).toHaveLength(4);
    expect(alarmNames.filter((n) => n.includes('-estimated-tpm-quota-'))).toHaveLength(2);
    // The concurrency alarms' own inputs (the stack test checks every other alarm and widget).
    const uses = metricUses(template).filter((u) => u.where.startsWith('AlarmConcurrency'));
    expect(uses.map((u) => u.metricName)).toEqual(Array(4).fill('Latency'));
    // The packaged stage (dev) is in the service dimension (issue 25, item 9).
    expect(contractProblems(uses, emitted, 'BedrockWatch', 'bedrock-watch-dev')).toEqual([]);
  }, 240_000);
});
