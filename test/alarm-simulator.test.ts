import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE_DIR } from '../cli/replay/run';
import { simulationJson } from '../cli/simulate/report';
import { runSimulation } from '../cli/simulate/run';
import { buildStack, ingestNames } from '../deploy/stack/index';
import { evaluateAlarms } from '../shared/analysis/alarm-evaluator';
import { decideState, type Point } from '../shared/analysis/alarm-state';
import { DEFAULT_ANOMALY_MODEL, trailingBand } from '../shared/analysis/anomaly-band';
import { evaluateAlarmRule, parseAlarmRule } from '../shared/analysis/composite-rule';
import { evaluateMath, parseMath, UnsupportedMathError } from '../shared/analysis/metric-math';
import { MetricStore, statistic } from '../shared/analysis/metric-store';
import type { MetricAlarmDefinition } from '../shared/monitoring/alarms';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { EVENTS_DIR, T0 } from './support/helpers';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');

/** `- - X - -` → points, oldest first (X breaching, 0 not, - missing). */
const points = (pattern: string): Point[] =>
  pattern.split(' ').map((c) => (c === '-' ? undefined : { breaching: c === 'X' }));

describe('decideState (CloudWatch missing-data rules, 3 of 3 over a range of 5)', () => {
  it.each([
    ['0 - X - X', 'missing', 'OK'],
    ['0 X X - X', 'missing', 'ALARM'],
    ['- - - - -', 'missing', 'INSUFFICIENT_DATA'],
    ['- - - - -', 'ignore', 'retain'],
    ['- - - - -', 'breaching', 'ALARM'],
    ['- - - - -', 'notBreaching', 'OK'],
    ['- - X - -', 'missing', 'ALARM'],
    ['- - X - -', 'ignore', 'retain'],
    ['- - X - -', 'breaching', 'ALARM'],
    ['- - X - -', 'notBreaching', 'OK'],
    ['- - - X -', 'missing', 'retain'],
    ['- - - - X', 'missing', 'retain'],
  ] as const)('%s with %s gives %s', (pattern, treatMissing, state) => {
    const range = points(pattern);

    const decision = decideState(range, 3, 3, treatMissing);

    expect(decision.state).toBe(state);
  });

  it('uses the newest N real points once the range holds N of them, whatever TreatMissingData says', () => {
    const range = points('X X - 0 0');

    const decision = decideState(range, 3, 2, 'breaching');

    expect(decision).toEqual({ state: 'OK', used: [1, 3, 4], breaching: 1 });
  });
});

describe('metric math', () => {
  const inputs = new Map([
    ['a', [1, undefined, undefined, 4]],
    ['b', [undefined, 2, undefined, 1]],
  ]);

  it('adds two series over the union of their points, a missing side counting as 0', () => {
    const tree = parseMath('a + b');

    const value = evaluateMath(tree, inputs, 4);

    expect(value).toEqual([1, 2, undefined, 5]);
  });

  it('keeps a series gap when the other side is a scalar, and drops division by zero', () => {
    const scaled = evaluateMath(parseMath('100 * a'), inputs, 4);
    const divided = evaluateMath(parseMath('b / (a - 1)'), inputs, 4);

    expect(scaled).toEqual([100, undefined, undefined, 400]);
    expect(divided).toEqual([undefined, undefined, undefined, 1 / 3]);
  });

  it('fills gaps with FILL and picks per point with IF, as the rate alarms use them', () => {
    const tree = parseMath('IF(b >= 2, 100 * FILL(a, 0) / b, 0)');

    const value = evaluateMath(tree, inputs, 4);

    expect(value).toEqual([undefined, 0, undefined, 0]);
  });

  it('refuses a function it does not simulate instead of guessing', () => {
    const tree = parseMath('RUNNING_SUM(a)');

    const evaluate = () => evaluateMath(tree, inputs, 4);

    expect(evaluate).toThrow(UnsupportedMathError);
  });

  it('honours precedence and parentheses', () => {
    const values = ['2 + 3 * 4', '(2 + 3) * 4', '2 ^ 3 ^ 2', '10 - 4 - 3'].map((e) =>
      evaluateMath(parseMath(e), new Map(), 1),
    );

    expect(values).toEqual([14, 20, 512, 3]);
  });
});

describe('composite alarm rules', () => {
  it('evaluates ALARM/OK/INSUFFICIENT_DATA with AND, OR, NOT and parentheses', () => {
    const rule = parseAlarmRule('ALARM("a") AND (OK("b") OR NOT INSUFFICIENT_DATA("c"))');
    const states: Record<string, 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'> = { a: 'ALARM', b: 'ALARM', c: 'OK' };

    const holds = evaluateAlarmRule(rule, (name) => states[name] ?? 'INSUFFICIENT_DATA');
    states.a = 'OK';
    const holdsAfter = evaluateAlarmRule(rule, (name) => states[name] ?? 'INSUFFICIENT_DATA');

    expect(holds).toBe(true);
    expect(holdsAfter).toBe(false);
  });

  it('refuses a rule CloudWatch would not accept', () => {
    const parse = () => parseAlarmRule('ALARM("a") XOR ALARM("b")');

    expect(parse).toThrow(/alarm rule/);
  });
});

describe('MetricStore', () => {
  const id = { namespace: 'BedrockWatch', name: 'Latency', dimensions: { service: 'bedrock-watch' } };

  it('shows values only from the moment they are visible, and keeps them after', () => {
    const store = new MetricStore();
    store.put(id, T0, T0 + 180_000, 'Milliseconds', [100, 200]);

    const before = store.values(id, T0, T0 + 60_000, T0 + 179_999);
    const after = store.values(id, T0, T0 + 60_000, T0 + 180_000);

    expect(before).toEqual({ values: [], pendingAfter: true });
    expect(after).toEqual({ values: [100, 200], pendingAfter: false });
  });

  it('returns nothing for a unit other than the stored one, as GetMetricData does', () => {
    const store = new MetricStore();
    store.put(id, T0, T0, 'Milliseconds', [100]);

    const wrongUnit = store.values(id, T0, T0 + 60_000, T0, 'Count');

    expect(wrongUnit.values).toEqual([]);
  });

  it('computes CloudWatch statistics over raw values, percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);

    const stats = ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount', 'p95', 'p50'].map((s) =>
      statistic(s, values),
    );

    expect(stats).toEqual([5050, 50.5, 1, 100, 100, 95, 50]);
  });

  it('counts a range as CloudWatch does, lower bound excluded and upper included: PR in percent, TC in calls', () => {
    const values = [1000, 2999, 3000, 3001, 4000, 9000, 10_000, 12_000];

    const ranges = ['PR(:3000)', 'TC(3000:)', 'TC(:3000)', 'PR(3000:10000)', 'TC(3000:10000)'].map((s) =>
      statistic(s, values),
    );

    expect(ranges).toEqual([37.5, 5, 3, 50, 4]);
    expect(() => statistic('TC(:)', values)).toThrow('unknown statistic TC(:)');
  });
});

describe('evaluateAlarms', () => {
  const latency = (threshold: number): MetricAlarmDefinition => ({
    kind: 'metric',
    key: 'lat',
    name: 'lat',
    family: 'latency-p95',
    scope: 'all',
    description: 'test',
    level: 'warning',
    queries: [
      {
        id: 'p95',
        metric: {
          namespace: 'BedrockWatch',
          metricName: 'Latency',
          dimensions: { service: 'bedrock-watch' },
          stat: 'p95',
          period: 300,
          unit: 'Milliseconds',
        },
        returnData: true,
      },
    ],
    comparison: 'GreaterThanThreshold',
    threshold,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    rationale: 'test',
  });
  const options = (toMs: number) => ({
    fromMs: T0,
    toMs,
    isDerivable: () => true,
    ruleOf: () => 'FALSE',
  });
  const id = { namespace: 'BedrockWatch', name: 'Latency', dimensions: { service: 'bedrock-watch' } };

  it('alarms once two 5-minute periods breach, at the minute the second becomes visible', () => {
    const store = new MetricStore();
    for (let m = 0; m < 15; m++)
      store.put(id, T0 + m * 60_000, T0 + (m + 1) * 60_000, 'Milliseconds', [m < 5 ? 100 : 5000]);

    const [timeline] = evaluateAlarms([latency(3000)], store, options(T0 + 20 * 60_000));

    expect(timeline?.transitions.map((t) => [(t.atMs - T0) / 60_000, t.state])).toEqual([
      [0, 'OK'],
      [11, 'ALARM'],
    ]);
    expect(timeline?.transitions[1]?.reason).toMatch(/^Threshold Crossed: 2 out of the last 3 datapoints/);
  });

  it('never counts a point that becomes visible after its period has left the evaluation range', () => {
    const store = new MetricStore();
    store.put(id, T0, T0 + 60 * 60_000, 'Milliseconds', [9000]);
    store.put(id, T0 + 5 * 60_000, T0 + 60 * 60_000, 'Milliseconds', [9000]);

    const [timeline] = evaluateAlarms([latency(3000)], store, options(T0 + 90 * 60_000));

    expect(timeline?.transitions.map((t) => t.state)).toEqual(['OK']);
  });

  it('reports an alarm on a metric the logs do not determine as not simulated, never as OK', () => {
    const store = new MetricStore();

    const [timeline] = evaluateAlarms([latency(3000)], store, {
      ...options(T0 + 60_000),
      isDerivable: () => false,
    });

    expect(timeline?.simulated).toBe(false);
    expect(timeline?.transitions).toEqual([]);
    expect(timeline?.notSimulatedReason).toMatch(/BedrockWatch Latency/);
  });
});

describe('the anomaly-band stand-in', () => {
  it('has no band until it holds 12 of the last 24 hours, then mean ± width × deviation', () => {
    const starts = [T0];
    const history = (hours: number) => (s: number) =>
      T0 - s <= hours * 3_600_000 ? 10 + ((s / 300_000) % 2) : undefined;

    const young = trailingBand(DEFAULT_ANOMALY_MODEL, history(6), starts, 300_000, 2);
    const trained = trailingBand(DEFAULT_ANOMALY_MODEL, history(24), starts, 300_000, 2);

    expect(young.upper).toEqual([undefined]);
    expect(trained.upper[0]).toBeCloseTo(11.5, 5);
    expect(trained.lower[0]).toBeCloseTo(9.5, 5);
  });
});

describe('runSimulation', () => {
  it('evaluates exactly the alarms the packaged stack would deploy for the same parameters', async () => {
    const raw = { watchedModels: 'amazon.nova-lite-v1:0', quotas: 'amazon.nova-lite-v1:0=100000:200' };
    const params = parseStackParameters(raw);
    const stack = buildStack(params, { service: 'bedrock-watch', stage: 'prod' });

    const result = await runSimulation({
      paths: [join(EVENTS_DIR, 'scenarios', 'quiet-night')],
      params,
      deliveryLagSeconds: 60,
      stack: { service: 'bedrock-watch', stage: 'prod' },
    });

    const deployed = Object.values(stack.Resources)
      .filter((r) => r.Type.startsWith('AWS::CloudWatch::') && r.Type.endsWith('Alarm'))
      .map((r) => r.Properties?.AlarmName)
      .sort();
    expect(result.timelines.map((t) => t.definition.name).sort()).toEqual(deployed);
    expect(ingestNames({ service: 'bedrock-watch', stage: 'prod' }).namePrefix).toBe('bedrock-watch-prod');
  });

  it('evaluates the top-contributor alarm from the attribution lines, as Contributor Insights would', async () => {
    const at = (threshold: string) =>
      runSimulation({
        paths: [DEFAULT_SAMPLE_DIR],
        params: parseStackParameters({ attributionKeys: 'caller', topContributorCostPerHourUsd: threshold }),
        deliveryLagSeconds: 60,
      });
    const timeline = (result: Awaited<ReturnType<typeof at>>) =>
      result.timelines.find((t) => t.definition.key === 'top-contributor-cost-caller');

    const low = timeline(await at('0.000001'));
    const high = timeline(await at('1000000'));

    expect(low?.simulated).toBe(true);
    expect(low?.transitions.map((t) => t.state)).toContain('ALARM');
    expect(high?.simulated).toBe(true);
    expect(high?.transitions.map((t) => t.state)).not.toContain('ALARM');
  });

  it('prints the documented --json shape', async () => {
    const params = parseStackParameters({});

    const json = simulationJson(
      await runSimulation({
        paths: [join(EVENTS_DIR, 'scenarios', 'error-burst')],
        params,
        deliveryLagSeconds: 60,
      }),
    );

    expect(Object.keys(json)).toEqual(['window', 'deliveryLagSeconds', 'alarms', 'notifications']);
    const errorRate = json.alarms.find((a) => a.key === 'error-rate-critical-all');
    expect(errorRate).toMatchObject({
      kind: 'metric',
      level: 'critical',
      family: 'error-rate',
      scope: 'all',
      simulated: true,
    });
    expect(
      errorRate?.transitions.some((t) => t.state === 'ALARM' && t.value !== undefined && t.threshold === 2),
    ).toBe(true);
    expect(
      json.notifications.some(
        (n) => n.alarm === 'error-rate-critical-all' && n.state === 'ALARM' && n.topic === 'critical',
      ),
    ).toBe(true);
  });
});

describe('npm run simulate', () => {
  const simulate = (...args: string[]) =>
    run('npx', ['tsx', 'cli/main.ts', 'simulate', ...args], { cwd: ROOT }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('answers --help with usage and an example, exit 0', async () => {
    const { code, stdout } = await simulate('--help');

    expect(code).toBe(0);
    expect(stdout).toMatch(/--delivery-lag/);
    expect(stdout).toMatch(/example: bedrock-watch simulate/);
  });

  it('refuses a misspelt parameter with the closest known name, exit 2, no stack trace', async () => {
    const { code, stderr } = await simulate('--param', 'watchedModel=x');

    expect(code).toBe(2);
    expect(stderr.trim()).toBe('simulate: unknown parameter "watchedModel" (did you mean "watchedModels"?)');
  });

  it('refuses a bad value with the message the deploy gives, exit 2', async () => {
    const { code, stderr } = await simulate('--param', 'latencyP95WarningMs=fast');

    expect(code).toBe(2);
    expect(stderr.trim()).toBe('simulate: latencyP95WarningMs: "fast" is not a non-negative number');
  });

  it('says so when the inputs hold no record with a timestamp, exit 2', async () => {
    const { code, stderr } = await simulate(join(EVENTS_DIR, 'sample-set', 'control-message.json'));

    expect(code).toBe(2);
    expect(stderr.trim()).toBe('simulate: no record with a timestamp in the inputs, nothing to evaluate');
  });

  it('refuses a delivery lag that is not a number of seconds, exit 2', async () => {
    const { code, stderr } = await simulate('--delivery-lag', '5m');

    expect(code).toBe(2);
    expect(stderr).toMatch(/--delivery-lag/);
  });
});
