/**
 * Escalation: an alarm's ALARM episode notifies each step's targets once the step's minutes have
 * passed, exactly once per episode, and every target that was told is told again when the alarm
 * leaves ALARM. One stored item per alarm holds the episode and the state of each delivery; every
 * change is a compare-and-set, so Lambda retries and concurrent runs (an SNS delivery racing the
 * minute tick) claim each delivery once. A delivery claimed by a run that died is taken over after
 * a lease; a missed tick is caught up by the next (every step that is due goes out, once).
 * Items expire: open episodes are renewed while open, closed ones are dropped a day after closing.
 */
import type { AlarmEvent, AlarmState } from './alarm-event';
import type { DeliveryResult } from './delivery';
import type { AlertAction } from './destinations/request';
import type { EscalationStep } from './routing';
import type { StateStore, StoredItem } from './state-store';
import type { AlertLevel } from './view';

export interface Delivery {
  state: 'claimed' | 'sent' | 'failed';
  at: number;
  /** The run that claimed it. */
  by?: string;
}

export interface Episode {
  alarm: string;
  level: AlertLevel;
  openedAt: number;
  status: 'open' | 'closed';
  closedAt?: number;
  /** The alarm as it went to ALARM: later steps describe it in the same words. */
  snapshot: AlarmEvent;
  /** `trigger:<step>:<target>`, `resolve:<target>`, `event:ALARM`, `event:OK`. */
  deliveries: Record<string, Delivery>;
}

export interface EscalationDeps {
  store: StateStore<Episode>;
  now: () => number;
  /** Unique per run, so a run releases only its own claims. */
  runId: string;
  policy: (level: AlertLevel) => EscalationStep[];
  /** Sends one action to one target; resolves with the outcome, never throws. */
  send: (target: string, action: AlertAction, episode: Episode, event: AlarmEvent) => Promise<DeliveryResult>;
  /** Publishes the remediation event of a transition; absent when remediation events are off. */
  publish?: (episode: Episode, event: AlarmEvent) => Promise<DeliveryResult>;
}

export interface Outcome {
  alarm: string;
  delivery: string;
  result: 'sent' | 'failed' | 'failed-before' | 'stale' | 'no-episode';
  error?: string;
}

/** A claim older than this belongs to a run that died: the send (3 tries, 5 s each) is long over. */
export const LEASE_MS = 60_000;
/** Open episodes are renewed while open; this is how long one lives without a renewal. */
export const OPEN_TTL_MS = 3 * 24 * 3_600_000;
/** A closed episode is kept this long, to recognise late copies of its ALARM and finish resolves. */
export const CLOSED_TTL_MS = 24 * 3_600_000;
const MAX_CAS_ATTEMPTS = 10;

/** Two runs kept changing the same episode; the next retry or tick picks it up. */
export class EscalationConflictError extends Error {
  override readonly name = 'EscalationConflictError';
}

export const episodeKey = (alarm: string) => `episode|${alarm}`;
const expiry = (ep: Episode, now: number) =>
  ep.status === 'open' ? now + OPEN_TTL_MS : (ep.closedAt ?? now) + CLOSED_TTL_MS;

/** Reads, changes and writes an episode until the write wins; `change` returns undefined for no write. */
async function mutate<R>(
  deps: EscalationDeps,
  alarm: string,
  change: (current: StoredItem<Episode> | undefined) => { next: Episode; result: R } | { result: R },
): Promise<R> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const current = await deps.store.get(episodeKey(alarm));
    const decided = change(current);
    if (!('next' in decided)) return decided.result;
    const at = expiry(decided.next, deps.now());
    const written = current
      ? await deps.store.update(episodeKey(alarm), decided.next, at, current.version)
      : await deps.store.create(episodeKey(alarm), decided.next, at);
    if (written) return decided.result;
  }
  throw new EscalationConflictError(`episode of ${alarm} kept changing`);
}

/** The deliveries of `keys` this run may make now: not sent, not failed for good, not held by a live run. */
function claim(
  deps: EscalationDeps,
  alarm: string,
  keys: string[],
): Promise<{ claimed: string[]; failedBefore: string[] }> {
  const now = deps.now();
  return mutate(deps, alarm, (current) => {
    if (!current) return { result: { claimed: [], failedBefore: [] } };
    const ep = current.value;
    const claimable = keys.filter((k) => {
      const d = ep.deliveries[k];
      return !d || (d.state === 'claimed' && now - d.at >= LEASE_MS);
    });
    const failedBefore = keys.filter((k) => ep.deliveries[k]?.state === 'failed');
    if (claimable.length === 0) return { result: { claimed: [], failedBefore } };
    const deliveries = { ...ep.deliveries };
    for (const k of claimable) deliveries[k] = { state: 'claimed', at: now, by: deps.runId };
    return { next: { ...ep, deliveries }, result: { claimed: claimable, failedBefore } };
  });
}

/** Records what the sends did: sent, failed for good, or released for a retry. */
async function settle(deps: EscalationDeps, alarm: string, results: Map<string, DeliveryResult>) {
  const now = deps.now();
  await mutate(deps, alarm, (current) => {
    if (!current) return { result: undefined };
    const ep = current.value;
    const deliveries = { ...ep.deliveries };
    for (const [k, r] of results) {
      const mine = deliveries[k]?.state === 'claimed' && deliveries[k]?.by === deps.runId;
      if (r.ok) {
        deliveries[k] = { state: 'sent', at: now };
        // A trigger that went out after its target was resolved must be resolved again.
        const target = k.startsWith('trigger:') ? k.split(':').slice(2).join(':') : undefined;
        if (target && ep.status === 'closed') delete deliveries[`resolve:${target}`];
      } else if (mine && r.permanent) deliveries[k] = { state: 'failed', at: now };
      else if (mine) delete deliveries[k];
    }
    return { next: { ...ep, deliveries }, result: undefined };
  });
}

/** Claims `keys`, makes the claimed deliveries concurrently (one failing never holds up another), records them. */
async function run(
  deps: EscalationDeps,
  alarm: string,
  keys: string[],
  event: AlarmEvent,
): Promise<Outcome[]> {
  if (keys.length === 0) return [];
  const { claimed, failedBefore } = await claim(deps, alarm, keys);
  const episode = (await deps.store.get(episodeKey(alarm)))?.value;
  const outcomes: Outcome[] = failedBefore.map((delivery) => ({ alarm, delivery, result: 'failed-before' }));
  if (!episode || claimed.length === 0) return outcomes;
  const results = new Map<string, DeliveryResult>();
  await Promise.all(
    claimed.map(async (k) => {
      const [kind, , ...rest] = k.split(':');
      const target = kind === 'resolve' ? k.slice('resolve:'.length) : rest.join(':');
      const result =
        kind === 'event'
          ? await (deps.publish?.(episode, event) ??
              Promise.resolve({ ok: true as const, status: 0, attempts: 0 }))
          : await deps.send(
              target,
              kind === 'resolve' ? 'resolve' : 'trigger',
              episode,
              kind === 'resolve' ? event : episode.snapshot,
            );
      results.set(k, result);
    }),
  );
  await settle(deps, alarm, results);
  for (const [delivery, r] of results)
    outcomes.push(
      r.ok ? { alarm, delivery, result: 'sent' } : { alarm, delivery, result: 'failed', error: r.error },
    );
  return outcomes;
}

/** The trigger deliveries due at `now` for an open episode. */
export function dueTriggers(ep: Episode, steps: readonly EscalationStep[], now: number): string[] {
  return steps.flatMap((step, i) =>
    now >= ep.openedAt + step.afterMinutes * 60_000 ? step.targets.map((t) => `trigger:${i}:${t}`) : [],
  );
}

/** The resolve deliveries of a closed episode: one per target that was sent a trigger. */
export function dueResolves(ep: Episode): string[] {
  const targets = Object.entries(ep.deliveries)
    .filter(([k, d]) => k.startsWith('trigger:') && d.state === 'sent')
    .map(([k]) => `resolve:${k.split(':').slice(2).join(':')}`);
  return [...new Set(targets)];
}

const freshEpisode = (event: AlarmEvent, level: AlertLevel): Episode => ({
  alarm: event.name,
  level,
  openedAt: event.atMs,
  status: 'open',
  snapshot: event,
  deliveries: {},
});

/**
 * The alarm went to (or is in) ALARM: open its episode unless one is open, and make every delivery
 * that is due. A copy of an ALARM older than the episode's close is stale and ignored.
 */
export async function onAlarm(
  deps: EscalationDeps,
  event: AlarmEvent,
  level: AlertLevel,
): Promise<Outcome[]> {
  const opened = await mutate(deps, event.name, (current) => {
    const ep = current?.value;
    if (ep?.status === 'open') {
      // Renew a long episode (a budget in ALARM all month) before it could expire.
      const renew = current && current.expiresAtMs - deps.now() < OPEN_TTL_MS / 2;
      return renew ? { next: ep, result: ep } : { result: ep };
    }
    if (ep && event.atMs <= (ep.closedAt ?? 0)) return { result: undefined };
    const next = freshEpisode(event, level);
    return { next, result: next };
  });
  if (!opened) return [{ alarm: event.name, delivery: 'episode', result: 'stale' }];
  const keys = [
    ...dueTriggers(opened, deps.policy(opened.level), deps.now()),
    ...(deps.publish ? ['event:ALARM'] : []),
  ];
  return run(deps, event.name, keys, event);
}

/**
 * The alarm left ALARM (`event` is its OK, or the tick's view of it): close the episode and resolve
 * every target that was told. A copy of an OK older than the episode is stale and ignored.
 */
export async function onResolved(deps: EscalationDeps, event: AlarmEvent): Promise<Outcome[]> {
  const closed = await mutate<Episode | 'no-episode' | 'stale'>(deps, event.name, (current) => {
    const ep = current?.value;
    if (!ep) return { result: 'no-episode' as const };
    if (ep.status === 'closed') return { result: ep };
    if (event.atMs < ep.openedAt) return { result: 'stale' as const };
    const next: Episode = { ...ep, status: 'closed', closedAt: Math.max(event.atMs, ep.openedAt) };
    return { next, result: next };
  });
  if (closed === 'no-episode' || closed === 'stale')
    return [{ alarm: event.name, delivery: 'episode', result: closed }];
  const keys = [
    ...dueResolves(closed),
    ...(deps.publish && closed.deliveries['event:ALARM']?.state === 'sent' ? ['event:OK'] : []),
  ];
  return run(deps, event.name, keys, event);
}

/** What the tick knows of the stack's alarms. */
export interface AlarmsView {
  /** Alarms in ALARM now, with their level (from the topic they notify). */
  inAlarm: { event: AlarmEvent; level: AlertLevel }[];
  /** The current state of these alarms (undefined: the alarm no longer exists). */
  stateOf: (names: string[]) => Promise<Map<string, AlarmState | undefined>>;
}

/**
 * The minute tick: escalates every alarm in ALARM whose next step is due (and opens episodes the
 * ALARM notification of which was lost), closes episodes whose alarm left ALARM without the OK
 * reaching us, and finishes resolves that did not go out.
 */
export async function onTick(deps: EscalationDeps, view: AlarmsView): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const { event, level } of view.inAlarm) outcomes.push(...(await onAlarm(deps, event, level)));
  const inAlarm = new Set(view.inAlarm.map((a) => a.event.name));
  const episodes = await deps.store.scan('episode|');
  const orphans = episodes.filter((e) => e.value.status === 'open' && !inAlarm.has(e.value.alarm));
  const states = orphans.length > 0 ? await view.stateOf(orphans.map((e) => e.value.alarm)) : new Map();
  for (const e of orphans) {
    if (states.get(e.value.alarm) === 'ALARM') continue;
    const left: AlarmEvent = {
      ...e.value.snapshot,
      state: states.get(e.value.alarm) ?? 'OK',
      atMs: deps.now(),
    };
    outcomes.push(...(await onResolved(deps, left)));
  }
  for (const e of episodes.filter((x) => x.value.status === 'closed')) {
    const keys = dueResolves(e.value).filter((k) => e.value.deliveries[k]?.state !== 'sent');
    if (keys.length > 0)
      outcomes.push(
        ...(await run(deps, e.value.alarm, keys, {
          ...e.value.snapshot,
          state: 'OK',
          atMs: e.value.closedAt ?? deps.now(),
        })),
      );
  }
  return outcomes;
}
