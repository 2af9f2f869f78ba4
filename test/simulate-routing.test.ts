/**
 * Routing you can see (issue 22): `simulate` runs the notifier's own escalation on the simulated
 * transitions and shows each message per destination at its minute, and pages per day; it warns
 * about watched models the input never mentions.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { breachTimes } from '../cli/simulate/breach';
import { main as simulateMain } from '../cli/simulate/command';
import { formatSimulation, simulationJson } from '../cli/simulate/report';
import { previewRouting, type RoutingPreview } from '../cli/simulate/routing';
import { runSimulation, type SimulationResult } from '../cli/simulate/run';
import { modelsInInput, suggestModel, watchedModelWarnings } from '../cli/simulate/watched-models';
import { parseStackParameters, type StackParameters } from '../shared/monitoring/parameters';
import { EVENTS_DIR } from './support/helpers';

const ERROR_BURST = join(EVENTS_DIR, 'scenarios', 'error-burst');
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
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
      ['error-rate', 'critical', '2025-10-21T11:06:00.000Z'],
    ]);
    expect(routing.incidents[0]?.alarms.map((a) => a.alarm)).toEqual([
      'error-rate-critical-all',
      'error-rate-warning-all',
    ]);
    expect(routing.incidents[0]?.closedAtMs).toBe(at('2025-10-21T11:35:00Z'));
  });

  it('triggers the first step at ALARM, escalates after the policy minutes and resolves everyone told after the hold', () => {
    expect(routing.messages.map((m) => [iso(m.atMs), m.action, m.destination])).toEqual([
      ['2025-10-21T11:06:00.000Z', 'trigger', 'slack'],
      ['2025-10-21T11:21:00.000Z', 'escalate', 'pager'],
      // The OK came at 11:35; the notifier resolves once every alarm stayed out of ALARM for 15 minutes.
      ['2025-10-21T11:50:00.000Z', 'resolve', 'pager'],
      ['2025-10-21T11:50:00.000Z', 'resolve', 'slack'],
    ]);
    // The OK came before the 60-minute step and the hold stops escalation: Opsgenie is never told.
    expect(routing.messages.some((m) => m.destination === 'genie')).toBe(false);
    expect(routing.messages[1]).toMatchObject({ type: 'pagerduty', step: 1, level: 'critical' });
  });

  it('counts minutes from the first breaching minute of the metric, which precedes the ALARM', () => {
    const alarm = routing.incidents[0]?.alarms[0];

    expect(alarm?.alarmAtMs).toBe(at('2025-10-21T11:06:00Z'));
    // 2 of 3 periods of 5 minutes: the newest period first breached 2 % at 11:02 (burst from 11:00, 60 s lag).
    expect(alarm?.breachedAtMs).toBe(at('2025-10-21T11:02:00Z'));
    expect(routing.messages.map((m) => m.minutesSinceBreach)).toEqual([4, 19, 48, 48]);
  });

  it('lists the alarms in the order they went to ALARM, with their figures in units', () => {
    const opened = routing.incidents[0]?.alarms.map((a) => a.alarmAtMs) ?? [];

    expect(opened).toEqual([...opened].sort((a, b) => a - b));
    expect(routing.incidents[0]?.alarms.map((a) => a.summary)).toEqual([
      'value 7.5 % > threshold 2 % over 2 of the last 3 periods of 5 minutes',
      'value 7.5 % > threshold 1 % over 2 of the last 3 periods of 5 minutes',
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

    expect([...keys]).toEqual(['bedrock-watch/account/region/bedrock-watch-prod/error-rate']);
  });

  it('prints the routing in the timeline within 120 columns, and in --json', () => {
    const text = formatSimulation(result, { routing });
    const section = text.slice(text.indexOf('Routing:'));
    const json = simulationJson(result, { warnings: [], routing });

    expect(section.split('\n').every((l) => l.length <= 120)).toBe(true);
    expect(section).toContain(
      '  2025-10-21T11:06Z  critical  incident error-rate: every alarm left ALARM +33 min',
    );
    expect(section).toContain('      2025-10-21T11:21Z  +19 min   escalate  critical pager');
    expect(section).toContain('      2025-10-21T11:50Z  +48 min   resolve   critical pager, slack');
    expect(section).toMatch(/day\s+slack\s+pager\s+genie\n {2}2025-10-21\s+1 \(1\)\s+1 \(1\)\s+0 \(0\)/);
    expect(json.routing?.messages[0]).toEqual({
      at: '2025-10-21T11:06:00Z',
      incident: 'error-rate',
      level: 'critical',
      destination: 'slack',
      type: 'slack',
      action: 'trigger',
      step: 0,
      minutesSinceBreach: 4,
      dedupKey: 'bedrock-watch/account/region/bedrock-watch-prod/error-rate',
    });
    expect(json.routing?.incidents[0]).toMatchObject({
      incident: 'error-rate',
      openedAt: '2025-10-21T11:06:00Z',
      closedAt: '2025-10-21T11:35:00Z',
      messages: 4,
    });
    expect(json.routing?.incidents[0]?.alarms[0]).toEqual({
      alarm: 'error-rate-critical-all',
      level: 'critical',
      scope: 'all models',
      summary: 'value 7.5 % > threshold 2 % over 2 of the last 3 periods of 5 minutes',
      breachedAt: '2025-10-21T11:02:00Z',
      alarmAt: '2025-10-21T11:06:00Z',
      okAt: '2025-10-21T11:35:00Z',
    });
  });

  it('closes an incident after the hold when its alarms go to INSUFFICIENT_DATA (no OK is sent for that)', async () => {
    const timelines = result.timelines.map((t) =>
      t.definition.family === 'error-rate'
        ? {
            ...t,
            transitions: t.transitions.map((tr) =>
              tr.atMs === at('2025-10-21T11:35:00Z') ? { ...tr, state: 'INSUFFICIENT_DATA' as const } : tr,
            ),
          }
        : t,
    );

    const preview = await previewRouting({ ...result, timelines }, params);
    const resolves = preview?.messages.filter((m) => m.action === 'resolve');

    expect(resolves?.map((m) => [iso(m.atMs), m.destination])).toEqual([
      ['2025-10-21T11:50:00.000Z', 'pager'],
      ['2025-10-21T11:50:00.000Z', 'slack'],
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
      ['2025-10-21T11:06:00.000Z', 'trigger'],
      ['2025-10-21T11:50:00.000Z', 'resolve'],
    ]);
    expect(per('pager')).toEqual([
      ['2025-10-21T11:16:00.000Z', 'escalate'],
      ['2025-10-21T11:50:00.000Z', 'resolve'],
    ]);
    expect(per('genie')).toEqual([
      ['2025-10-21T11:26:00.000Z', 'escalate'],
      ['2025-10-21T11:50:00.000Z', 'resolve'],
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
      '  2025-10-21T11:06:00Z  ALARM              value 7.5 % vs 1 %  (+4 min since the metric breached)',
    );
    expect(fired).toContain('  2025-10-21T11:35:00Z  OK                 value 0 % vs 2 %');
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
      expect.objectContaining({ at: '2025-10-21T11:06:00Z', breachedAt: '2025-10-21T11:02:00Z' }),
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

  it('writes the warning on stderr and into --json, and still exits 0', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => err.push(chunk) > 0) as typeof process.stderr.write;
    let code: number;
    try {
      code = await simulateMain(['--json', '--param', 'watchedModels=anthropic.claude-3-haiku', ERROR_BURST]);
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    }

    expect(code).toBe(0);
    expect(err.join('')).toMatch(
      /^simulate: warning: watched model "anthropic\.claude-3-haiku" never occurs/,
    );
    const json = JSON.parse(out.join(''));
    expect(json.warnings).toHaveLength(1);
    expect(json.warnings[0]).toContain(HAIKU);
    expect(json.routing).toBeUndefined();
  });
});
