/**
 * The hold-down before resolving (issue 22, one incident one page): CloudWatch's sliding window makes
 * an alarm flap at an incident's tail, so an incident whose alarms all left ALARM is "clearing" and
 * the minute tick resolves it only once it stayed clear for `resolveAfterMinutes`. Fake clock,
 * in-memory store; sends are recorded as `minute action level target`.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmEvent, AlarmState } from '../shared/alerts/alarm-event';
import {
  type AlarmsView,
  type Episode,
  type EscalationDeps,
  episodeKey,
  onAlarm,
  onResolved,
  onTick,
} from '../shared/alerts/escalation';
import { parseNotifierConfig } from '../shared/alerts/notifier-config';
import {
  DEFAULT_RESOLVE_AFTER_MINUTES,
  type EscalationStep,
  parsePolicy,
  parseResolveAfterMinutes,
  parseTargets,
} from '../shared/alerts/routing';
import { MemoryStateStore } from '../shared/alerts/state-store';
import type { AlertLevel } from '../shared/alerts/view';

const MINUTE = 60_000;
const T0 = Date.parse('2025-11-01T10:00:00Z');
const TARGETS = parseTargets('slack=slack:ssm:/s;pagerduty=pagerduty:ssm:/p;opsgenie=opsgenie:ssm:/o');
const CRITICAL = 'bw-test-error-rate-critical-all';
const WARNING = 'bw-test-error-rate-warning-all';
const event = (name: string, state: AlarmState, atMs: number): AlarmEvent => ({
  name,
  state,
  reason: 'Threshold Crossed',
  atMs,
  description: '',
  dimensions: {},
});

function harness(options: { hold?: number; policy?: Partial<Record<AlertLevel, string>> } = {}) {
  const clock = { now: T0 };
  const store = new MemoryStateStore<Episode>(() => clock.now);
  const sent: string[] = [];
  const resolvedAs: AlarmState[] = [];
  const policies: Record<AlertLevel, EscalationStep[]> = {
    warning: parsePolicy(options.policy?.warning ?? '0:slack', TARGETS),
    critical: parsePolicy(options.policy?.critical ?? '0:slack,pagerduty', TARGETS),
  };
  let runs = 0;
  const deps = (): EscalationDeps => ({
    store,
    now: () => clock.now,
    runId: `run-${++runs}`,
    namePrefix: 'bw-test',
    policy: (level) => policies[level],
    ...(options.hold === undefined ? {} : { resolveAfterMinutes: options.hold }),
    send: (target, action, ep, ev) => {
      sent.push(
        `${(clock.now - T0) / MINUTE} ${action}${action === 'trigger' ? ` ${ep.level}` : ''} ${target}`,
      );
      if (action === 'resolve') resolvedAs.push(ev.state);
      return Promise.resolve({ ok: true, status: 202, attempts: 1 });
    },
  });
  /** What DescribeAlarms says: the alarms in ALARM, and each alarm's state since when. */
  const truth = new Map<string, { state: AlarmState; atMs: number; level: AlertLevel }>();
  const view = (): AlarmsView => ({
    inAlarm: [...truth]
      .filter(([, t]) => t.state === 'ALARM')
      .map(([name, t]) => ({ event: event(name, 'ALARM', t.atMs), level: t.level })),
    stateOf: (names) =>
      Promise.resolve(
        new Map(names.map((n) => [n, truth.get(n) ?? { state: 'OK' as const, atMs: clock.now }] as const)),
      ),
  });
  /** The alarm changes (CloudWatch's view follows) and its notification is delivered. */
  const change = (name: string, state: AlarmState, level: AlertLevel = 'critical') => {
    truth.set(name, { state, atMs: clock.now, level });
    const ev = event(name, state, clock.now);
    return state === 'ALARM' ? onAlarm(deps(), ev, level) : onResolved(deps(), ev);
  };
  /** Ticks every minute after now up to and including minute `m`. */
  const tickTo = async (m: number) => {
    for (let at = Math.floor((clock.now - T0) / MINUTE) + 1; at <= m; at++) {
      clock.now = T0 + at * MINUTE;
      await onTick(deps(), view());
    }
  };
  const at = (m: number) => {
    clock.now = T0 + m * MINUTE;
  };
  const episode = async () => (await store.get(episodeKey('error-rate')))?.value;
  return { clock, store, sent, resolvedAs, deps, view, truth, change, tickTo, at, episode };
}

describe('hold-down before resolving', () => {
  it('pages each target once and resolves once, after the hold, when the alarm goes ALARM, OK, ALARM a minute later, OK', async () => {
    const h = harness({ hold: 15 });

    await h.change(CRITICAL, 'ALARM');
    await h.tickTo(3);
    await h.change(CRITICAL, 'OK');
    await h.tickTo(4);
    await h.change(CRITICAL, 'ALARM');
    await h.tickTo(6);
    await h.change(CRITICAL, 'OK');
    await h.tickTo(40);

    expect(h.sent).toEqual([
      '0 trigger critical slack',
      '0 trigger critical pagerduty',
      '21 resolve slack',
      '21 resolve pagerduty',
    ]);
  });

  it('without a hold (0) the same flap pages twice, as before the hold', async () => {
    const h = harness({ hold: 0 });

    await h.change(CRITICAL, 'ALARM');
    h.at(3);
    await h.change(CRITICAL, 'OK');
    h.at(4);
    await h.change(CRITICAL, 'ALARM');
    h.at(6);
    await h.change(CRITICAL, 'OK');
    await h.tickTo(30);

    expect(h.sent).toEqual([
      '0 trigger critical slack',
      '0 trigger critical pagerduty',
      '3 resolve slack',
      '3 resolve pagerduty',
      '4 trigger critical slack',
      '4 trigger critical pagerduty',
      '6 resolve slack',
      '6 resolve pagerduty',
    ]);
  });

  it('without a hold (0) an OK stamped ahead of our clock still resolves at once', async () => {
    const h = harness({ hold: 0 });
    await h.change(CRITICAL, 'ALARM');
    h.at(5);
    await onResolved(h.deps(), event(CRITICAL, 'OK', T0 + 5 * MINUTE + 2000));

    expect(h.sent.slice(2)).toEqual(['5 resolve slack', '5 resolve pagerduty']);
    expect((await h.episode())?.status).toBe('closed');
  });

  it('keeps the episode clearing from the OK and resolves on the first tick at or after OK + hold', async () => {
    const h = harness({ hold: 15 });
    await h.change(CRITICAL, 'ALARM');
    h.clock.now = T0 + 5.5 * MINUTE;
    await h.change(CRITICAL, 'OK');

    await h.tickTo(20);
    const held = await h.episode();
    const before = [...h.sent];
    await h.tickTo(21);
    const after = await h.episode();

    expect(held).toMatchObject({ status: 'clearing', clearingSince: T0 + 5.5 * MINUTE });
    expect(before).toEqual(['0 trigger critical slack', '0 trigger critical pagerduty']);
    expect(h.sent.slice(2)).toEqual(['21 resolve slack', '21 resolve pagerduty']);
    // The incident ended when the alarm left ALARM, not when the hold ran out.
    expect(after).toMatchObject({ status: 'closed', closedAt: T0 + 5.5 * MINUTE, closedState: 'OK' });
    expect(after?.clearingSince).toBeUndefined();
  });

  it('opens a new episode and pages again for an ALARM after the hold', async () => {
    const h = harness({ hold: 15 });
    await h.change(CRITICAL, 'ALARM');
    const first = (await h.episode())?.id;
    h.at(5);
    await h.change(CRITICAL, 'OK');
    await h.tickTo(22);
    await h.change(CRITICAL, 'ALARM');
    const second = (await h.episode())?.id;

    expect(h.sent).toEqual([
      '0 trigger critical slack',
      '0 trigger critical pagerduty',
      '20 resolve slack',
      '20 resolve pagerduty',
      '22 trigger critical slack',
      '22 trigger critical pagerduty',
    ]);
    expect(second).not.toBe(first);
  });

  it('sends no escalation step while clearing; a step that fell due goes out when the incident returns to ALARM', async () => {
    const h = harness({ hold: 15, policy: { critical: '0:slack;15:pagerduty' } });
    await h.change(CRITICAL, 'ALARM');
    h.at(10);
    await h.change(CRITICAL, 'OK');
    await h.tickTo(16);
    const whileClear = [...h.sent];
    h.clock.now = T0 + 16.5 * MINUTE;
    await h.change(CRITICAL, 'ALARM');
    await h.tickTo(18);
    await h.change(CRITICAL, 'OK');
    await h.tickTo(40);

    expect(whileClear).toEqual(['0 trigger critical slack']);
    // The steps count from the first ALARM: PagerDuty's 15 minutes passed while the alarm was clear.
    expect(h.sent).toEqual([
      '0 trigger critical slack',
      '16.5 trigger critical pagerduty',
      '33 resolve slack',
      '33 resolve pagerduty',
    ]);
  });

  it('escalates to critical when a critical alarm of the incident fires during a warning’s hold', async () => {
    const h = harness({ hold: 15 });
    await h.change(WARNING, 'ALARM', 'warning');
    h.at(4);
    await h.change(WARNING, 'OK', 'warning');
    await h.tickTo(6);
    await h.change(CRITICAL, 'ALARM');
    h.at(9);
    await h.change(WARNING, 'ALARM', 'warning');
    h.at(12);
    await h.change(WARNING, 'OK', 'warning');
    await h.change(CRITICAL, 'OK');
    await h.tickTo(30);

    expect(h.sent).toEqual([
      '0 trigger warning slack',
      '6 trigger critical slack',
      '6 trigger critical pagerduty',
      '27 resolve slack',
      '27 resolve pagerduty',
    ]);
  });

  it('holds an incident that left ALARM for INSUFFICIENT_DATA the same way, and reports that state', async () => {
    const h = harness({ hold: 15 });
    await h.change(CRITICAL, 'ALARM');
    h.at(2);
    await h.change(CRITICAL, 'INSUFFICIENT_DATA');
    await h.tickTo(16);
    const held = [...h.sent];
    await h.tickTo(17);

    expect(held).toEqual(['0 trigger critical slack', '0 trigger critical pagerduty']);
    expect(h.sent.slice(2)).toEqual(['17 resolve slack', '17 resolve pagerduty']);
    expect(h.resolvedAs).toEqual(['INSUFFICIENT_DATA', 'INSUFFICIENT_DATA']);
  });

  it('holds from the alarm’s own state time when the OK was lost, and resolves at once when that is over the hold', async () => {
    const lost = harness({ hold: 15 });
    await lost.change(CRITICAL, 'ALARM');
    lost.truth.set(CRITICAL, { state: 'OK', atMs: T0 + 3 * MINUTE, level: 'critical' });
    await lost.tickTo(17);
    const beforeHold = [...lost.sent];
    await lost.tickTo(18);

    const late = harness({ hold: 15 });
    await late.change(CRITICAL, 'ALARM');
    late.truth.set(CRITICAL, { state: 'OK', atMs: T0 + 3 * MINUTE, level: 'critical' });
    late.at(30);
    await onTick(late.deps(), late.view());

    expect(beforeHold).toEqual(['0 trigger critical slack', '0 trigger critical pagerduty']);
    expect(lost.sent.slice(2)).toEqual(['18 resolve slack', '18 resolve pagerduty']);
    expect(late.sent.slice(2)).toEqual(['30 resolve slack', '30 resolve pagerduty']);
  });

  it('counts the hold from the latest change behind the incident, not from an older OK the tick found late', async () => {
    const h = harness({ hold: 15 });
    await h.change(WARNING, 'ALARM', 'warning');
    await h.change(CRITICAL, 'ALARM');
    // The warning's OK at 2 is lost; the critical's OK at 4 arrives; the tick finds the warning OK.
    h.truth.set(WARNING, { state: 'OK', atMs: T0 + 2 * MINUTE, level: 'warning' });
    h.at(4);
    await h.change(CRITICAL, 'OK');
    await h.tickTo(18);
    const beforeHold = [...h.sent];
    await h.tickTo(19);

    expect(beforeHold).toEqual([
      '0 trigger warning slack',
      '0 trigger critical slack',
      '0 trigger critical pagerduty',
    ]);
    expect(h.sent.slice(3)).toEqual(['19 resolve slack', '19 resolve pagerduty']);
  });

  it('pages once and resolves once under duplicate and late deliveries and overlapping ticks', async () => {
    const h = harness({ hold: 15 });
    const alarm0 = event(CRITICAL, 'ALARM', T0);
    await h.change(CRITICAL, 'ALARM');
    h.at(3);
    await h.change(CRITICAL, 'OK');
    const ok3 = event(CRITICAL, 'OK', T0 + 3 * MINUTE);
    // SNS redelivers the OK and a late copy of the first ALARM arrives during the hold.
    await onResolved(h.deps(), ok3);
    const lateCopy = await onAlarm(h.deps(), alarm0, 'critical');
    await h.tickTo(17);
    h.at(18);
    await Promise.all([onTick(h.deps(), h.view()), onTick(h.deps(), h.view()), onResolved(h.deps(), ok3)]);
    await h.tickTo(20);
    await onResolved(h.deps(), ok3);

    expect(lateCopy).toEqual([{ alarm: CRITICAL, delivery: 'episode', result: 'stale' }]);
    expect(h.sent).toEqual([
      '0 trigger critical slack',
      '0 trigger critical pagerduty',
      '18 resolve slack',
      '18 resolve pagerduty',
    ]);
  });

  it('an ALARM that wins the race with the closing tick keeps the episode open and pages nobody again', async () => {
    const h = harness({ hold: 15 });
    await h.change(CRITICAL, 'ALARM');
    h.at(3);
    await h.change(CRITICAL, 'OK');
    h.at(18);
    h.truth.set(CRITICAL, { state: 'ALARM', atMs: h.clock.now, level: 'critical' });
    await Promise.all([
      onAlarm(h.deps(), event(CRITICAL, 'ALARM', h.clock.now), 'critical'),
      onTick(h.deps(), h.view()),
    ]);

    expect(h.sent).toEqual(['0 trigger critical slack', '0 trigger critical pagerduty']);
    expect((await h.episode())?.status).toBe('open');
  });
});

describe('resolveAfterMinutes setting', () => {
  const settings = (extra: Record<string, unknown>) =>
    JSON.stringify({
      namePrefix: 'bw-test',
      namespace: 'BedrockWatch',
      service: 'bedrock-watch',
      targets: 'slack=slack:ssm:/s',
      escalationPolicy: '',
      warningPolicy: '',
      tableName: 'bw-test-alert-state',
      topics: { warning: 'bw-test-warning', critical: 'bw-test-critical' },
      dashboards: {},
      attributionKeys: [],
      ...extra,
    });

  it('defaults to 15 minutes when the notifier settings do not name it', () => {
    expect(DEFAULT_RESOLVE_AFTER_MINUTES).toBe(15);
    expect(parseNotifierConfig(settings({})).resolveAfterMinutes).toBe(15);
  });

  it('takes whole minutes from 0 to a day, as a number or a stack parameter string', () => {
    expect(parseNotifierConfig(settings({ resolveAfterMinutes: 0 })).resolveAfterMinutes).toBe(0);
    expect(parseNotifierConfig(settings({ resolveAfterMinutes: '30' })).resolveAfterMinutes).toBe(30);
    expect(parseResolveAfterMinutes(1440)).toBe(1440);
  });

  it('refuses negative, fractional, too long or non-numeric holds, naming the setting', () => {
    for (const bad of [-1, 2.5, 1441, 'soon', '5m', null, true])
      expect(() => parseResolveAfterMinutes(bad), String(bad)).toThrow(
        /resolveAfterMinutes must be a whole number/,
      );
  });
});
