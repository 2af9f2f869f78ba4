/**
 * Routing you can see (issue 22): `simulate` runs the notifier's own escalation on the simulated
 * transitions and shows each message per destination at its minute, and pages per day; it warns
 * about watched models the input never mentions.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

describe('simulate routing preview (the notifier escalation on simulated transitions)', () => {
  it('triggers the first step at ALARM, escalates after the policy minutes and resolves everyone told at OK', () => {
    const critical = routing.messages.filter((m) => m.alarm === 'error-rate-critical-all');

    expect(critical.map((m) => [new Date(m.atMs).toISOString(), m.action, m.destination])).toEqual([
      ['2025-10-21T11:06:00.000Z', 'trigger', 'slack'],
      ['2025-10-21T11:21:00.000Z', 'escalate', 'pager'],
      ['2025-10-21T11:35:00.000Z', 'resolve', 'pager'],
      ['2025-10-21T11:35:00.000Z', 'resolve', 'slack'],
    ]);
    // The OK came before the 60-minute step: Opsgenie is never told, so never resolved.
    expect(critical.some((m) => m.destination === 'genie')).toBe(false);
    expect(critical[1]).toMatchObject({ type: 'pagerduty', step: 1, level: 'critical' });
  });

  it('sends warnings by the default warning policy: every destination but the pagers', () => {
    const warning = routing.messages.filter((m) => m.alarm === 'error-rate-warning-all');

    expect(warning.map((m) => `${m.action} ${m.destination}`)).toEqual(['trigger slack', 'resolve slack']);
  });

  it('counts minutes from the first breaching minute of the metric, which precedes the ALARM', () => {
    const episode = routing.episodes.find((e) => e.alarm === 'error-rate-critical-all');

    expect(episode?.openedAtMs).toBe(at('2025-10-21T11:06:00Z'));
    // 2 of 3 periods of 5 minutes: the newest period first breached 2 % at 11:02 (burst from 11:00, 60 s lag).
    expect(episode?.breachedAtMs).toBe(at('2025-10-21T11:02:00Z'));
    expect(episode?.messages.map((m) => m.minutesSinceBreach)).toEqual([4, 19, 33, 33]);
  });

  it('lists alarms in the order they went to ALARM, with their figures in units', () => {
    const opened = routing.episodes.map((e) => e.openedAtMs);

    expect(opened).toEqual([...opened].sort((a, b) => a - b));
    expect(routing.episodes.map((e) => e.alarm)).toEqual([
      'error-rate-critical-all',
      'error-rate-warning-all',
    ]);
    expect(routing.episodes[0]?.summary).toBe(
      'value 7.5 % > threshold 2 % over 2 of the last 3 periods of 5 minutes',
    );
  });

  it('sums pages (trigger and escalate) and resolves per destination per day', () => {
    expect(routing.perDay).toEqual([
      { day: '2025-10-21', destination: 'pager', pages: 1, resolves: 1 },
      { day: '2025-10-21', destination: 'slack', pages: 2, resolves: 2 },
    ]);
  });

  it('uses one dedup key per alarm, as the notifier gives PagerDuty and Opsgenie', () => {
    const keys = new Set(
      routing.messages.filter((m) => m.alarm === 'error-rate-critical-all').map((m) => m.dedupKey),
    );

    expect([...keys]).toEqual(['bedrock-watch/account/region/bedrock-watch-prod-error-rate-critical-all']);
  });

  it('prints the routing in the timeline within 120 columns, and in --json', () => {
    const text = formatSimulation(result, { routing });
    const section = text.slice(text.indexOf('Routing:'));
    const json = simulationJson(result, { warnings: [], routing });

    expect(section.split('\n').every((l) => l.length <= 120)).toBe(true);
    expect(section).toContain('      2025-10-21T11:21Z  +19 min   escalate  pager');
    expect(section).toContain('      2025-10-21T11:35Z  +33 min   resolve   pager, slack');
    expect(section).toMatch(/day\s+slack\s+pager\s+genie\n {2}2025-10-21\s+2 \(2\)\s+1 \(1\)\s+0 \(0\)/);
    expect(json.routing?.messages[1]).toEqual({
      at: '2025-10-21T11:06:00Z',
      alarm: 'error-rate-warning-all',
      level: 'warning',
      destination: 'slack',
      type: 'slack',
      action: 'trigger',
      step: 0,
      minutesSinceBreach: 4,
      dedupKey: 'bedrock-watch/account/region/bedrock-watch-prod-error-rate-warning-all',
    });
    expect(json.routing?.alarms[0]).toMatchObject({
      alarm: 'error-rate-critical-all',
      breachedAt: '2025-10-21T11:02:00Z',
      alarmAt: '2025-10-21T11:06:00Z',
      okAt: '2025-10-21T11:35:00Z',
      messages: 4,
    });
  });

  it('closes an episode at the tick when its alarm goes to INSUFFICIENT_DATA (no OK is sent for that)', async () => {
    const timelines = result.timelines.map((t) =>
      t.definition.key === 'error-rate-critical-all'
        ? {
            ...t,
            transitions: t.transitions.map((tr) =>
              tr.atMs === at('2025-10-21T11:35:00Z') ? { ...tr, state: 'INSUFFICIENT_DATA' as const } : tr,
            ),
          }
        : t,
    );

    const preview = await previewRouting({ ...result, timelines }, params);
    const resolves = preview?.messages.filter(
      (m) => m.alarm === 'error-rate-critical-all' && m.action === 'resolve',
    );

    expect(resolves?.map((m) => [new Date(m.atMs).toISOString(), m.destination])).toEqual([
      ['2025-10-21T11:35:00.000Z', 'pager'],
      ['2025-10-21T11:35:00.000Z', 'slack'],
    ]);
  });

  it('shows an alarm whose policy names nobody, and routes nothing without alertTargets', async () => {
    const pagersOnly = parseStackParameters({ alertTargets: 'pager=pagerduty:ssm:/bw/pd' });
    const preview = await previewRouting(result, pagersOnly);
    const text = formatSimulation(result, { ...(preview ? { routing: preview } : {}) });

    expect(preview?.policies.warning).toEqual([]);
    expect(preview?.episodes.find((e) => e.alarm === 'error-rate-warning-all')?.messages).toEqual([]);
    expect(text).toContain('no message: the warning policy names no destination');
    expect(await previewRouting(result, parseStackParameters({}))).toBeUndefined();
    expect(Object.keys(simulationJson(result, { warnings: [] }))).not.toContain('routing');
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
