/**
 * Routing you can see (issue 22): `simulate` runs the notifier's own escalation on the simulated
 * transitions and shows each message per destination at its minute, and pages per day; it warns
 * about watched models the input never mentions.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { breachFinder, breachTimes } from '../cli/simulate/breach';
import { main as simulateMain } from '../cli/simulate/command';
import { formatSimulation, simulationJson } from '../cli/simulate/report';
import { previewRouting, type RoutingPreview } from '../cli/simulate/routing';
import { runSimulation, type SimulationResult } from '../cli/simulate/run';
import { modelsInInput, suggestModel, watchedModelWarnings } from '../cli/simulate/watched-models';
import { parseStackParameters, type StackParameters } from '../shared/monitoring/parameters';
import { EVENTS_DIR } from './support/helpers';

const ERROR_BURST = join(EVENTS_DIR, 'scenarios', 'error-burst');
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const SONNET = 'anthropic.claude-3-sonnet-20240229-v1:0';
const TARGETS = 'slack=slack:ssm:/bw/slack;pager=pagerduty:ssm:/bw/pd;genie=opsgenie:ssm:/bw/og';
const at = (iso: string) => Date.parse(iso);

let params: StackParameters;
let result: SimulationResult;
let routing: RoutingPreview;
beforeAll(async () => {
  params = parseStackParameters({ alertTargets: TARGETS, escalationPolicy: '0:slack;15:pager;60:genie' });
  result = await runSimulation({ paths: [ERROR_BURST], params, deliveryLagSeconds: 60 });
  routing = (await previewRouting(result, params)) as RoutingPreview;
});

const iso = (ms: number) => new Date(ms).toISOString();

describe('simulate routing preview (the deployed notifier on simulated transitions)', () => {
  it('makes one incident of the warning and critical error-rate alarms, with both alarms behind it', () => {
    expect(routing.incidents.map((i) => [i.incident, i.level, iso(i.openedAtMs)])).toEqual([
      ['error-rate', 'critical', '2025-10-21T11:05:00.000Z'],
    ]);
    expect(routing.incidents[0]?.alarms.map((a) => a.alarm)).toEqual([
      'error-rate-critical-all',
      'error-rate-warning-all',
    ]);
    expect(routing.incidents[0]?.closedAtMs).toBe(at('2025-10-21T11:51:00Z'));
  });

  it('triggers the first step at ALARM, escalates after the policy minutes and resolves everyone told after the hold', () => {
    expect(routing.messages.map((m) => [iso(m.atMs), m.action, m.destination])).toEqual([
      ['2025-10-21T11:05:00.000Z', 'trigger', 'slack'],
      ['2025-10-21T11:20:00.000Z', 'escalate', 'pager'],
      // The OK came at 11:51; the notifier resolves once every alarm stayed out of ALARM for 15 minutes.
      ['2025-10-21T12:06:00.000Z', 'resolve', 'pager'],
      ['2025-10-21T12:06:00.000Z', 'resolve', 'slack'],
    ]);
    // The OK came before the 60-minute step (12:05) and the hold stops escalation: Opsgenie is never told.
    expect(routing.messages.some((m) => m.destination === 'genie')).toBe(false);
    expect(routing.messages[1]).toMatchObject({ type: 'pagerduty', step: 1, level: 'critical' });
  });

  it('counts minutes from the first breaching minute of the metric: the ALARM minute when one window is enough', () => {
    const alarm = routing.incidents[0]?.alarms[0];

    expect(alarm?.alarmAtMs).toBe(at('2025-10-21T11:05:00Z'));
    // 1 of 3 windows of 10 minutes: the window that first holds the evidence sets the ALARM.
    expect(alarm?.breachedAtMs).toBe(at('2025-10-21T11:05:00Z'));
    expect(routing.messages.map((m) => m.minutesSinceBreach)).toEqual([0, 15, 61, 61]);
  });

  it('finds the first breaching minute before the ALARM when the alarm needs 2 of its 3 windows', () => {
    const def = result.definitions.find((d) => d.key === 'error-rate-critical-all');
    if (def?.kind !== 'metric') throw new Error('error-rate-critical-all is a metric alarm');
    const twoOfThree = { ...def, evaluationPeriods: 3, datapointsToAlarm: 2 };

    // The window ending 11:15 is the second with the evidence; the first breach was at 11:05.
    expect(breachFinder(result, params)(twoOfThree, at('2025-10-21T11:15:00Z'))).toBe(
      at('2025-10-21T11:05:00Z'),
    );
  });

  it('lists the alarms in the order they went to ALARM, with their figures in units', () => {
    const opened = routing.incidents[0]?.alarms.map((a) => a.alarmAtMs) ?? [];

    expect(opened).toEqual([...opened].sort((a, b) => a - b));
    expect(routing.incidents[0]?.alarms.map((a) => a.summary)).toEqual([
      'value 6.67 % > threshold 2 % over 1 of the last 3 periods of 10 minutes',
      'value 6.67 % > threshold 1 % over 1 of the last 3 periods of 10 minutes',
    ]);
  });

  it('sums pages (trigger and escalate) and resolves per destination per day', () => {
    expect(routing.perDay).toEqual([
      { day: '2025-10-21', destination: 'pager', pages: 1, resolves: 1 },
      { day: '2025-10-21', destination: 'slack', pages: 1, resolves: 1 },
    ]);
  });

  it('uses one dedup key per incident, as the notifier gives PagerDuty and Opsgenie', () => {
    const keys = new Set(routing.messages.map((m) => m.dedupKey));

    expect([...keys]).toEqual(['bedrock-watch/account/region/bedrock-watch-dev/error-rate']);
  });

  it('prints the routing in the timeline within 120 columns, and in --json', () => {
    const text = formatSimulation(result, { routing });
    const section = text.slice(text.indexOf('Routing:'));
    const json = simulationJson(result, { warnings: [], routing });

    expect(section.split('\n').every((l) => l.length <= 120)).toBe(true);
    expect(section).toContain(
      '  2025-10-21T11:05Z  critical  incident error-rate: every alarm left ALARM +46 min',
    );
    expect(section).toContain('      2025-10-21T11:20Z  +15 min   escalate  critical pager');
    expect(section).toContain('      2025-10-21T12:06Z  +61 min   resolve   critical pager, slack');
    expect(section).toMatch(/day\s+slack\s+pager\s+genie\n {2}2025-10-21\s+1 \(1\)\s+1 \(1\)\s+0 \(0\)/);
    expect(json.routing?.messages[0]).toEqual({
      at: '2025-10-21T11:05:00Z',
      incident: 'error-rate',
      level: 'critical',
      destination: 'slack',
      type: 'slack',
      action: 'trigger',
      step: 0,
      minutesSinceBreach: 0,
      dedupKey: 'bedrock-watch/account/region/bedrock-watch-dev/error-rate',
    });
    expect(json.routing?.incidents[0]).toMatchObject({
      incident: 'error-rate',
      openedAt: '2025-10-21T11:05:00Z',
      closedAt: '2025-10-21T11:51:00Z',
      messages: 4,
    });
    expect(json.routing?.incidents[0]?.alarms[0]).toEqual({
      alarm: 'error-rate-critical-all',
      level: 'critical',
      scope: 'all models',
      summary: 'value 6.67 % > threshold 2 % over 1 of the last 3 periods of 10 minutes',
      breachedAt: '2025-10-21T11:05:00Z',
      alarmAt: '2025-10-21T11:05:00Z',
      okAt: '2025-10-21T11:51:00Z',
    });
  });

  it('closes an incident after the hold when its alarms go to INSUFFICIENT_DATA (no OK is sent for that)', async () => {
    const timelines = result.timelines.map((t) =>
      t.definition.family === 'error-rate'
        ? {
            ...t,
            transitions: t.transitions.map((tr) =>
              tr.atMs === at('2025-10-21T11:51:00Z') ? { ...tr, state: 'INSUFFICIENT_DATA' as const } : tr,
            ),
          }
        : t,
    );

    const preview = await previewRouting({ ...result, timelines }, params);
    const resolves = preview?.messages.filter((m) => m.action === 'resolve');

    expect(resolves?.map((m) => [iso(m.atMs), m.destination])).toEqual([
      ['2025-10-21T12:06:00.000Z', 'pager'],
      ['2025-10-21T12:06:00.000Z', 'slack'],
    ]);
  });

  it('shows an incident whose policy names nobody, and routes nothing without alertTargets', async () => {
    const pagersOnly = parseStackParameters({ alertTargets: 'pager=pagerduty:ssm:/bw/pd' });
    // Only the warning alarm fires: the warning policy never pages a pager.
    const warningOnly = {
      ...result,
      timelines: result.timelines.map((t) =>
        t.definition.level === 'critical' ? { ...t, transitions: [] } : t,
      ),
    };
    const preview = await previewRouting(warningOnly, pagersOnly);
    const text = formatSimulation(warningOnly, { ...(preview ? { routing: preview } : {}) });

    expect(preview?.policies.warning).toEqual([]);
    expect(preview?.incidents.map((i) => [i.incident, i.level, i.messages.length])).toEqual([
      ['error-rate', 'warning', 0],
    ]);
    expect(text).toContain('no message: the warning policy names no destination');
    expect(await previewRouting(result, parseStackParameters({}))).toBeUndefined();
    expect(Object.keys(simulationJson(result, { warnings: [] }))).not.toContain('routing');
  });
});

describe('simulate routing of an error burst on a watched model (issue 22: one incident, one page)', () => {
  let preview: RoutingPreview;
  beforeAll(async () => {
    const watched = parseStackParameters({
      watchedModels: HAIKU,
      alertTargets: TARGETS,
      escalationPolicy: '0:slack;10:pager;20:genie',
    });
    const burst = await runSimulation({ paths: [ERROR_BURST], params: watched, deliveryLagSeconds: 60 });
    preview = (await previewRouting(burst, watched)) as RoutingPreview;
  });

  it('groups the four error-rate alarms (warning and critical, all models and Haiku) into one incident', () => {
    expect(preview.incidents).toHaveLength(1);
    expect(preview.incidents[0]?.alarms).toHaveLength(4);
    expect(new Set(preview.incidents[0]?.alarms.map((a) => a.scope))).toEqual(new Set(['all models', HAIKU]));
  });

  it('pages each destination once, by the policy steps, and resolves each once the hold after every alarm is OK', () => {
    const per = (destination: string) =>
      preview.messages.filter((m) => m.destination === destination).map((m) => [iso(m.atMs), m.action]);

    expect(per('slack')).toEqual([
      ['2025-10-21T11:05:00.000Z', 'trigger'],
      ['2025-10-21T12:06:00.000Z', 'resolve'],
    ]);
    expect(per('pager')).toEqual([
      ['2025-10-21T11:15:00.000Z', 'escalate'],
      ['2025-10-21T12:06:00.000Z', 'resolve'],
    ]);
    expect(per('genie')).toEqual([
      ['2025-10-21T11:25:00.000Z', 'escalate'],
      ['2025-10-21T12:06:00.000Z', 'resolve'],
    ]);
    // One PagerDuty dedup_key and one Opsgenie alias for the incident.
    expect(new Set(preview.messages.map((m) => m.dedupKey)).size).toBe(1);
  });
});

describe('simulate timeline: alarms in time order, figures in units, minutes since the breach, 120 columns', () => {
  it('lists the fired alarms by their first ALARM and words each ALARM with units and its minutes since the breach', () => {
    const text = formatSimulation(result, { breaches: breachTimes(result, params) });
    const fired = text.slice(text.indexOf('Went to ALARM:'), text.indexOf('Stayed out of ALARM'));

    expect(text.split('\n').every((l) => l.length <= 120)).toBe(true);
    expect(fired).toContain(
      '  2025-10-21T11:05:00Z  ALARM              value 6.67 % vs 1 %  (+0 min since the metric breached)',
    );
    expect(fired).toContain('  2025-10-21T11:51:00Z  OK                 value 0 % vs 2 %');
  });

  it('orders fired alarms by when they first went to ALARM, whatever the definition order', () => {
    const [first, second] = result.timelines.filter((t) => t.transitions.some((tr) => tr.state === 'ALARM'));
    if (!first || !second) throw new Error('error-burst fires two alarms');
    const later = {
      ...first,
      transitions: first.transitions.map((tr) => ({
        ...tr,
        atMs: tr.atMs + (tr.state === 'OK' ? 0 : 600_000),
      })),
    };
    const timelines = result.timelines.map((t) => (t === first ? later : t));

    const text = formatSimulation({ ...result, timelines });
    const fired = text.slice(text.indexOf('Went to ALARM:'));

    expect(fired.indexOf(`${second.definition.key}  (`)).toBeLessThan(
      fired.indexOf(`${first.definition.key}  (`),
    );
  });

  it('gives each ALARM transition its breach minute in --json', () => {
    const json = simulationJson(result, { breaches: breachTimes(result, params) });
    const alarm = json.alarms.find((a) => a.key === 'error-rate-critical-all');

    expect(alarm?.transitions.filter((t) => t.state === 'ALARM')).toEqual([
      expect.objectContaining({ at: '2025-10-21T11:05:00Z', breachedAt: '2025-10-21T11:05:00Z' }),
    ]);
    expect(alarm?.transitions.filter((t) => t.breachedAt !== undefined)).toHaveLength(1);
  });
});

describe('simulate warns about watched models the input never mentions', () => {
  it('names the full id of a model given without its version', () => {
    const seen = modelsInInput(result.store, params.metricsNamespace);

    const warnings = watchedModelWarnings(['anthropic.claude-3-haiku', HAIKU], seen);

    expect(seen).toEqual(['amazon.nova-lite-v1:0', HAIKU]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"anthropic.claude-3-haiku" never occurs in the input');
    expect(warnings[0]).toContain(`closest model id in the input: "${HAIKU}"`);
  });

  it('suggests from the price table when the input has nothing close, by containment then edit distance', () => {
    expect(suggestModel('claude-3-5-sonnet-20240620-v1:0', [])).toBe(
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
    );
    expect(suggestModel('amazon.nova-lite-v1:1', ['amazon.nova-lite-v1:0'])).toBe('amazon.nova-lite-v1:0');
    expect(suggestModel(HAIKU, [`us.${HAIKU}`])).toBe(`us.${HAIKU}`);
    expect(suggestModel('zzzz-not-a-model', ['amazon.nova-lite-v1:0'], [])).toBeUndefined();
  });

  /** `simulate` with its output captured: the exit code, stdout and stderr. */
  async function simulateCaptured(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => err.push(chunk) > 0) as typeof process.stderr.write;
    try {
      const code = await simulateMain(args);
      return { code, out: out.join(''), err: err.join('') };
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    }
  }

  it('writes the warning on stderr and into --json, and still exits 0', async () => {
    const { code, out, err } = await simulateCaptured([
      '--json',
      '--param',
      `watchedModels=${SONNET}`,
      ERROR_BURST,
    ]);

    expect(code).toBe(0);
    expect(err).toMatch(
      /^simulate: warning: watched model "anthropic\.claude-3-sonnet-20240229-v1:0" never occurs/,
    );
    const json = JSON.parse(out);
    expect(json.warnings).toHaveLength(1);
    expect(json.warnings[0]).toContain('never occurs in the input');
    expect(json.routing).toBeUndefined();
  });

  it('refuses a watched model that is no Bedrock model id, as the deploy does, naming the closest id', async () => {
    const { code, out, err } = await simulateCaptured([
      '--param',
      'watchedModels=anthropic.claude-3-haiku',
      ERROR_BURST,
    ]);

    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('watchedModels: "anthropic.claude-3-haiku" is not a Bedrock model id');
    expect(err).toContain(`did you mean "${HAIKU}"?`);
  });
});
