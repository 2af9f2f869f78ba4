import { describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../shared/alerts/alarm-event';
import {
  CLOSED_TTL_MS,
  type Episode,
  type EscalationDeps,
  episodeKey,
  incidentKeyOf,
  LEASE_MS,
  OPEN_TTL_MS,
  onAlarm,
  onResolved,
  onTick,
} from '../shared/alerts/escalation';
import { type EscalationStep, parsePolicy, parseTargets } from '../shared/alerts/routing';
import { MemoryStateStore } from '../shared/alerts/state-store';

const MINUTE = 60_000;
const T0 = Date.parse('2025-11-01T09:00:00Z');
const TARGETS = parseTargets(
  'slack=slack:ssm:/s;pagerduty=pagerduty:ssm:/p;pagerduty-high=pagerduty:ssm:/ph;opsgenie=opsgenie:ssm:/o',
);
const POLICY = parsePolicy('0:slack;15:pagerduty;30:pagerduty-high;60:opsgenie', TARGETS);
const ALARM: AlarmEvent = {
  name: 'bw-test-budget-90-all',
  state: 'ALARM',
  reason: 'Threshold Crossed',
  atMs: T0,
  description: '',
  dimensions: {},
};
const OK_AT = (atMs: number): AlarmEvent => ({ ...ALARM, state: 'OK', atMs });

/** The engine on a fake clock and an in-memory store; sends are recorded as `minute action target`. */
function harness(
  options: { gate?: (target: string, action: string) => Promise<void>; policy?: () => EscalationStep[] } = {},
) {
  const clock = { now: T0 };
  const store = new MemoryStateStore<Episode>(() => clock.now);
  const sent: string[] = [];
  let runs = 0;
  const deps = (): EscalationDeps => ({
    store,
    now: () => clock.now,
    runId: `run-${++runs}`,
    namePrefix: 'bw-test',
    policy: options.policy ?? (() => POLICY),
    send: async (target, action) => {
      await options.gate?.(target, action);
      sent.push(`${(clock.now - T0) / MINUTE} ${action} ${target}`);
      return { ok: true, status: 202, attempts: 1 };
    },
  });
  const view = (inAlarm: boolean, state: 'OK' | 'ALARM' = 'OK') => ({
    inAlarm: inAlarm ? [{ event: ALARM, level: 'critical' as const }] : [],
    stateOf: (names: string[]) =>
      Promise.resolve(new Map(names.map((n) => [n, { state, atMs: clock.now }] as const))),
  });
  return { clock, store, sent, deps, view };
}

describe('escalation (fake clock, in-memory store)', () => {
  it('notifies each step once as its minutes pass, and on OK resolves exactly the targets that were told', async () => {
    const { clock, sent, deps, view } = harness();

    await onAlarm(deps(), ALARM, 'critical');
    for (let m = 1; m < 45; m++) {
      clock.now = T0 + m * MINUTE;
      await onTick(deps(), view(true));
    }
    clock.now = T0 + 45 * MINUTE;
    await onResolved(deps(), OK_AT(clock.now));
    for (let m = 46; m <= 90; m++) {
      clock.now = T0 + m * MINUTE;
      await onTick(deps(), view(false));
    }

    expect(sent).toEqual([
      '0 trigger slack',
      '15 trigger pagerduty',
      '30 trigger pagerduty-high',
      '45 resolve slack',
      '45 resolve pagerduty',
      '45 resolve pagerduty-high',
    ]);
  });

  it('sends nothing twice when the same ALARM and OK are delivered again (Lambda retries, SNS redelivery)', async () => {
    const { clock, sent, deps } = harness();

    for (let i = 0; i < 3; i++) await onAlarm(deps(), ALARM, 'critical');
    clock.now = T0 + 20 * MINUTE;
    for (let i = 0; i < 3; i++) await onAlarm(deps(), ALARM, 'critical');
    for (let i = 0; i < 3; i++) await onResolved(deps(), OK_AT(clock.now));
    const late = await onAlarm(deps(), ALARM, 'critical');

    expect(sent).toEqual([
      '0 trigger slack',
      '20 trigger pagerduty',
      '20 resolve slack',
      '20 resolve pagerduty',
    ]);
    expect(late).toEqual([{ alarm: ALARM.name, delivery: 'episode', result: 'stale' }]);
  });

  it('claims each delivery once when two runs overlap (an SNS delivery racing the minute tick)', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { clock, sent, deps, view } = harness({ gate: () => gate });
    clock.now = T0 + 15 * MINUTE;

    const runs = Promise.all([
      onAlarm(deps(), ALARM, 'critical'),
      onTick(deps(), view(true)),
      onTick(deps(), view(true)),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await runs;

    expect(sent.sort()).toEqual(['15 trigger pagerduty', '15 trigger slack']);
  });

  it('catches up after missed ticks: every step that fell due goes out, once', async () => {
    const { clock, sent, deps, view } = harness();
    await onAlarm(deps(), ALARM, 'critical');

    clock.now = T0 + 40 * MINUTE;
    await onTick(deps(), view(true));
    await onTick(deps(), view(true));

    expect(sent).toEqual(['0 trigger slack', '40 trigger pagerduty', '40 trigger pagerduty-high']);
  });

  it('takes over a delivery claimed by a run that died, once its lease is over', async () => {
    const { clock, store, sent, deps, view } = harness();
    const episode: Episode = {
      incident: 'budget',
      id: `${ALARM.name}@${T0}`,
      level: 'critical',
      openedAt: T0,
      levelSince: T0,
      status: 'open',
      lead: ALARM.name,
      members: { [ALARM.name]: { level: 'critical', state: 'ALARM', atMs: T0, snapshot: ALARM } },
      deliveries: { 'trigger:critical:slack': { state: 'claimed', at: T0, by: 'dead-run' } },
    };
    await store.create(episodeKey('budget'), episode, T0 + OPEN_TTL_MS);

    clock.now = T0 + LEASE_MS - 1000;
    await onTick(deps(), view(true));
    const withinLease = [...sent];
    clock.now = T0 + LEASE_MS;
    await onTick(deps(), view(true));

    expect(withinLease).toEqual([]);
    expect(sent).toEqual(['1 trigger slack']);
  });

  it('opens the episode on the tick when the ALARM notification was lost, and closes it when the OK was lost', async () => {
    const { clock, sent, deps, view } = harness();

    clock.now = T0 + 2 * MINUTE;
    await onTick(deps(), view(true));
    clock.now = T0 + 16 * MINUTE;
    await onTick(deps(), view(true));
    clock.now = T0 + 17 * MINUTE;
    await onTick(deps(), view(false, 'OK'));

    expect(sent).toEqual([
      '2 trigger slack',
      '16 trigger pagerduty',
      '17 resolve slack',
      '17 resolve pagerduty',
    ]);
  });

  it('starts a new episode, from step 0, when the alarm goes to ALARM again after OK', async () => {
    const { clock, sent, deps } = harness();
    await onAlarm(deps(), ALARM, 'critical');
    clock.now = T0 + 5 * MINUTE;
    await onResolved(deps(), OK_AT(clock.now));

    clock.now = T0 + 7 * MINUTE;
    await onAlarm(deps(), { ...ALARM, atMs: clock.now }, 'critical');

    expect(sent).toEqual(['0 trigger slack', '5 resolve slack', '7 trigger slack']);
  });

  it('keeps the store bounded: a closed episode expires a day after it closed, an open one is renewed', async () => {
    const { clock, store, deps, view } = harness();
    await onAlarm(deps(), ALARM, 'critical');
    clock.now = T0 + 2 * 24 * 60 * MINUTE;
    await onTick(deps(), view(true));
    const renewed = await store.get(episodeKey('budget'));

    await onResolved(deps(), OK_AT(clock.now));
    clock.now += CLOSED_TTL_MS;

    expect(renewed?.expiresAtMs).toBeGreaterThan(T0 + OPEN_TTL_MS);
    expect(await store.get(episodeKey('budget'))).toBeUndefined();
    expect(await store.scan('episode|')).toEqual([]);
  });
});

describe('escalation defects (issue 22)', () => {
  it('3: records a delivery that finishes late in its own episode, so the next episode still resolves', async () => {
    let hold: (() => void) | undefined;
    let holding = true;
    const { clock, sent, deps } = harness({
      gate: (_target, action) =>
        action === 'resolve' && holding
          ? new Promise<void>((resolve) => {
              hold = resolve;
            })
          : Promise.resolve(),
    });
    await onAlarm(deps(), ALARM, 'critical');
    clock.now = T0 + 5 * MINUTE;
    const late = onResolved(deps(), OK_AT(clock.now));
    while (!hold) await new Promise((resolve) => setImmediate(resolve));

    clock.now = T0 + 7 * MINUTE;
    await onAlarm(deps(), { ...ALARM, atMs: clock.now }, 'critical');
    holding = false;
    hold();
    await late;
    clock.now = T0 + 9 * MINUTE;
    await onResolved(deps(), OK_AT(clock.now));

    expect(sent).toEqual(['0 trigger slack', '7 trigger slack', '7 resolve slack', '9 resolve slack']);
  });

  it('6: closes an episode whose OK was lost at the time the alarm left ALARM, so an ALARM during the tick pages', async () => {
    const { clock, sent, deps } = harness();
    await onAlarm(deps(), ALARM, 'critical');

    clock.now = T0 + 10.5 * MINUTE;
    await onTick(deps(), {
      inAlarm: [],
      stateOf: (names) =>
        Promise.resolve(new Map(names.map((n) => [n, { state: 'OK' as const, atMs: T0 + 5 * MINUTE }]))),
    });
    await onAlarm(deps(), { ...ALARM, atMs: T0 + 10 * MINUTE }, 'critical');

    expect(sent).toEqual(['0 trigger slack', '10.5 resolve slack', '10.5 trigger slack']);
  });

  it('6: an ALARM processed after its own later OK does not page', async () => {
    const { clock, sent, deps } = harness();
    clock.now = T0 + 6 * MINUTE;

    await onResolved(deps(), OK_AT(T0 + 5 * MINUTE));
    const late = await onAlarm(deps(), ALARM, 'critical');

    expect(sent).toEqual([]);
    expect(late).toEqual([{ alarm: ALARM.name, delivery: 'episode', result: 'stale' }]);
  });

  it('10: a policy changed mid-episode does not page anyone again', async () => {
    let policy = POLICY;
    const { clock, sent, deps, view } = harness({ policy: () => policy });
    await onAlarm(deps(), ALARM, 'critical');
    clock.now = T0 + 20 * MINUTE;
    await onTick(deps(), view(true));

    policy = parsePolicy('0:slack;10:pagerduty-high;15:pagerduty', TARGETS);
    clock.now = T0 + 21 * MINUTE;
    await onTick(deps(), view(true));

    expect(sent).toEqual(['0 trigger slack', '20 trigger pagerduty', '21 trigger pagerduty-high']);
  });

  it('groups warning and critical of one family, and the all-models alarm with the per-model ones, into one incident', async () => {
    const { clock, sent, deps } = harness();
    const model = { ...ALARM, dimensions: { ModelId: 'm' } };

    await onAlarm(deps(), { ...ALARM, name: 'bw-test-error-rate-warning-all' }, 'warning');
    await onAlarm(deps(), { ...model, name: 'bw-test-error-rate-critical-m' }, 'critical');
    await onAlarm(deps(), { ...ALARM, name: 'bw-test-error-rate-critical-all' }, 'critical');
    await onResolved(deps(), {
      ...OK_AT(T0 + MINUTE),
      name: 'bw-test-error-rate-critical-m',
      dimensions: { ModelId: 'm' },
    });
    const stillOpen = [...sent];
    await onResolved(deps(), { ...OK_AT(T0 + MINUTE), name: 'bw-test-error-rate-warning-all' });
    clock.now = T0 + 2 * MINUTE;
    await onResolved(deps(), { ...OK_AT(T0 + 2 * MINUTE), name: 'bw-test-error-rate-critical-all' });

    expect(incidentKeyOf({ ...model, name: 'bw-test-error-rate-critical-m' }, 'bw-test')).toBe(
      incidentKeyOf({ ...ALARM, name: 'bw-test-error-rate-warning-all' }, 'bw-test'),
    );
    // The level rose: who heard of the warning hears of the critical, once; one resolve when all are OK.
    expect(stillOpen).toEqual(['0 trigger slack', '0 trigger slack']);
    expect(sent).toEqual(['0 trigger slack', '0 trigger slack', '2 resolve slack']);
  });
});
