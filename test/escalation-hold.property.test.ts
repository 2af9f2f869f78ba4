/**
 * The hold-down's invariant over random flapping (fast-check): for any sequence of ALARM/OK changes
 * of one incident's alarms whose gaps are shorter than the hold — notifications redelivered or lost,
 * the minute tick running throughout — each target hears at most one trigger per level and at most
 * one resolve, every target told is resolved, and no resolve goes out before the last OK + the hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlarmEvent, AlarmState } from '../shared/alerts/alarm-event';
import { type Episode, type EscalationDeps, onAlarm, onResolved, onTick } from '../shared/alerts/escalation';
import { parsePolicy, parseTargets } from '../shared/alerts/routing';
import { MemoryStateStore } from '../shared/alerts/state-store';
import type { AlertLevel } from '../shared/alerts/view';

const MINUTE = 60_000;
const T0 = Date.parse('2025-11-01T10:00:00Z');
const TARGETS = parseTargets('slack=slack:ssm:/s;pagerduty=pagerduty:ssm:/p;opsgenie=opsgenie:ssm:/o');
const POLICIES: Record<AlertLevel, ReturnType<typeof parsePolicy>> = {
  warning: parsePolicy('0:slack', TARGETS),
  critical: parsePolicy('0:slack;3:pagerduty;8:opsgenie', TARGETS),
};
/** One incident (`error-rate`): warning and critical for all models, and a model's critical. */
const ALARMS: { name: string; level: AlertLevel; dimensions: Record<string, string> }[] = [
  { name: 'bw-test-error-rate-warning-all', level: 'warning', dimensions: {} },
  { name: 'bw-test-error-rate-critical-all', level: 'critical', dimensions: {} },
  { name: 'bw-test-error-rate-critical-m', level: 'critical', dimensions: { ModelId: 'm' } },
];

interface Step {
  alarm: number;
  state: 'ALARM' | 'OK';
  /**
   * Since the previous change (ignored for a redelivery): at least a minute, as CloudWatch evaluates
   * once a minute, so the tick sees every state even when both its notifications are lost; under
   * the hold.
   */
  gapMinutes: number;
  gapSeconds: number;
  delivery: 'once' | 'twice' | 'lost';
}

const event = (i: number, state: AlarmState, atMs: number): AlarmEvent => ({
  name: ALARMS[i]?.name ?? '',
  state,
  reason: 'Threshold Crossed',
  atMs,
  description: '',
  dimensions: ALARMS[i]?.dimensions ?? {},
});

async function simulate(hold: number, steps: Step[]) {
  const clock = { now: T0 };
  const store = new MemoryStateStore<Episode>(() => clock.now);
  const sends: { atMs: number; action: string; level: AlertLevel; target: string }[] = [];
  let runs = 0;
  const deps = (): EscalationDeps => ({
    store,
    now: () => clock.now,
    runId: `run-${++runs}`,
    namePrefix: 'bw-test',
    policy: (level) => POLICIES[level],
    resolveAfterMinutes: hold,
    send: (target, action, ep) => {
      sends.push({ atMs: clock.now, action, level: ep.level, target });
      return Promise.resolve({ ok: true, status: 202, attempts: 1 });
    },
  });
  // CloudWatch's truth, which the tick reads; notifications may be redelivered or lost.
  const truth = ALARMS.map(() => ({ state: 'OK' as AlarmState, atMs: T0 - MINUTE }));
  const tickUntil = async (until: number) => {
    for (let at = Math.floor((clock.now - T0) / MINUTE) * MINUTE + T0 + MINUTE; at <= until; at += MINUTE) {
      clock.now = at;
      await onTick(deps(), {
        inAlarm: truth.flatMap((t, i) =>
          t.state === 'ALARM'
            ? [{ event: event(i, 'ALARM', t.atMs), level: ALARMS[i]?.level ?? 'warning' }]
            : [],
        ),
        stateOf: (names) =>
          Promise.resolve(new Map(names.map((n) => [n, truth[ALARMS.findIndex((a) => a.name === n)]]))),
      });
    }
    clock.now = until;
  };
  const deliver = (i: number) => {
    const t = truth[i] as { state: AlarmState; atMs: number };
    const ev = event(i, t.state, t.atMs);
    return t.state === 'ALARM' ? onAlarm(deps(), ev, ALARMS[i]?.level ?? 'warning') : onResolved(deps(), ev);
  };
  let lastOk = T0;
  // The incident starts with the first step's alarm going to ALARM.
  const all: Step[] = [
    { alarm: steps[0]?.alarm ?? 0, state: 'ALARM', gapMinutes: 0, gapSeconds: 1, delivery: 'once' },
  ];
  all.push(...steps);
  for (const step of all) {
    const t = truth[step.alarm] as { state: AlarmState; atMs: number };
    // The same state again is a redelivery of the alarm's last notification, at once, not a change:
    // so the time between changes, and any time with every alarm clear, stays under the hold.
    const changes = t.state !== step.state;
    if (changes) await tickUntil(clock.now + step.gapMinutes * MINUTE + step.gapSeconds * 1000);
    if (changes) truth[step.alarm] = { state: step.state, atMs: clock.now };
    if (changes && step.state === 'OK') lastOk = clock.now;
    if (step.delivery !== 'lost') await deliver(step.alarm);
    if (step.delivery === 'twice') await deliver(step.alarm);
  }
  // The incident ends: every alarm still in ALARM goes OK a minute later, then the ticks run on.
  await tickUntil(clock.now + MINUTE);
  for (const [i, t] of truth.entries())
    if (t.state === 'ALARM') {
      truth[i] = { state: 'OK', atMs: clock.now };
      lastOk = clock.now;
      await deliver(i);
    }
  await tickUntil(clock.now + (hold + 2) * MINUTE);
  return { sends, lastOk };
}

const steps = (hold: number) =>
  fc.array(
    fc.record({
      alarm: fc.integer({ min: 0, max: ALARMS.length - 1 }),
      state: fc.constantFrom('ALARM' as const, 'OK' as const),
      gapMinutes: fc.integer({ min: 1, max: hold - 2 }),
      gapSeconds: fc.integer({ min: 0, max: 59 }),
      delivery: fc.constantFrom('once' as const, 'twice' as const, 'lost' as const),
    }),
    { maxLength: 12 },
  );

describe('hold-down (property)', () => {
  it('flaps shorter than the hold give at most one trigger per level and target, and one resolve per target after the last OK + hold', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 15 }).chain((hold) => fc.tuple(fc.constant(hold), steps(hold))),
        async ([hold, changes]) => {
          const { sends, lastOk } = await simulate(hold, changes);
          const triggers = sends.filter((s) => s.action === 'trigger').map((s) => `${s.level} ${s.target}`);
          const resolves = sends.filter((s) => s.action === 'resolve');
          const told = new Set(sends.filter((s) => s.action === 'trigger').map((s) => s.target));

          expect(triggers.length).toBeGreaterThan(0);
          expect(new Set(triggers).size).toBe(triggers.length);
          expect(resolves.map((r) => r.target).sort()).toEqual([...told].sort());
          for (const r of resolves) expect(r.atMs).toBeGreaterThanOrEqual(lastOk + hold * MINUTE);
        },
      ),
      { numRuns: 60 },
    );
  });
});
