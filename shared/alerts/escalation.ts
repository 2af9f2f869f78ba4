/**
 * Escalation of incidents: the alarms one cause sets off (incidents.ts) are one incident, whose
 * episode (from its first alarm in ALARM to its last one leaving) notifies each step's targets once
 * the step's minutes have passed, exactly once per level, and tells every target that heard of it
 * when the last alarm behind it has left ALARM and stayed out for the hold (`resolveAfterMinutes`):
 * CloudWatch's sliding evaluation window makes an alarm flap at an incident's tail, and an ALARM
 * during the hold continues the episode instead of paging again. One stored item per incident
 * holds the episode, the last transition of each alarm behind it, and the state of each delivery;
 * every change is a compare-and-set, so Lambda retries and concurrent runs (an SNS delivery racing
 * the minute tick) claim each delivery once. A claim by a run that died is taken over after a lease; a failed
 * delivery is tried again after a pause that grows (at once for a transient error, later for a
 * timeout or a refusal); a missed tick is caught up by the next. Items expire: open episodes are
 * renewed while open, closed ones are dropped a day after closing.
 *
 * Pure apart from what `EscalationDeps` passes in, so the simulator runs it on an in-memory store,
 * a fake clock and a `send` that records instead of sending.
 */
import type { AlarmEvent, AlarmState } from './alarm-event';
import type { DeliveryResult } from './delivery';
import type { AlertAction } from './destinations/request';
import { incidentKeyOf } from './incidents';
import type { EscalationStep } from './routing';
import type { StateStore, StoredItem } from './state-store';
import type { AlertLevel } from './view';

export { incidentKeyOf } from './incidents';

export interface Delivery {
  /** `pending`: to be made by whichever run comes next (a remediation event of a transition). */
  state: 'pending' | 'claimed' | 'sent' | 'failed';
  at: number;
  /** The run that claimed it. */
  by?: string;
  /** Runs that claimed it: counted at the claim, so a run that died counts too. */
  tries?: number;
  /** A failed delivery may be claimed again from then on. */
  retryAt?: number;
}

/** One alarm behind an incident, as last seen. */
export interface Member {
  level: AlertLevel;
  state: AlarmState;
  /** When the alarm changed to `state`, by CloudWatch's clock. */
  atMs: number;
  /** The alarm as it went to ALARM (what messages about it say). */
  snapshot: AlarmEvent;
}

/** The stored state of one incident: its current or last episode. */
export interface Episode {
  incident: string;
  /** Unique per episode: what a run does for one episode is recorded in that episode only. */
  id: string;
  /** The highest level of the alarms behind it in this episode. */
  level: AlertLevel;
  openedAt: number;
  /** When the incident reached `level`: that level's steps count from here. */
  levelSince: number;
  /** `clearing`: no alarm behind it is in ALARM, but not for the whole hold yet (no resolve sent). */
  status: 'open' | 'clearing' | 'closed';
  /** While clearing: when the last alarm left ALARM, by CloudWatch's clock; the hold counts from here. */
  clearingSince?: number;
  /** When the last alarm left ALARM, set as the episode closes (after the hold, its `clearingSince`). */
  closedAt?: number;
  /** How the last alarm left ALARM: OK, or INSUFFICIENT_DATA. */
  closedState?: AlarmState;
  /** The alarm whose words the incident's messages use: the first at the incident's level. */
  lead: string;
  /** Every alarm of the incident seen lately, by name (kept across episodes: late copies are known). */
  members: Record<string, Member>;
  /** `trigger:<level>:<target>`, `resolve:<target>`, `late:<target>`, `event:<alarm>:<state>:<atMs>`. */
  deliveries: Record<string, Delivery>;
}

export interface EscalationDeps {
  store: StateStore<Episode>;
  now: () => number;
  /** Unique per run, so a run releases only its own claims. */
  runId: string;
  /** The stack's alarm name prefix: incidents are keyed by family and scope under it. */
  namePrefix: string;
  policy: (level: AlertLevel) => EscalationStep[];
  /**
   * Minutes the incident must stay clear before it is resolved; the minute tick resolves it. Absent
   * or 0: resolved with the OK that leaves no alarm in ALARM.
   */
  resolveAfterMinutes?: number;
  /** Sends one action to one target; resolves with the outcome, never throws. */
  send: (target: string, action: AlertAction, episode: Episode, event: AlarmEvent) => Promise<DeliveryResult>;
  /** Publishes the remediation event of an alarm's transition; absent when remediation events are off. */
  publish?: (episode: Episode, event: AlarmEvent, level: AlertLevel) => Promise<DeliveryResult>;
}

export interface Outcome {
  alarm: string;
  delivery: string;
  result: 'sent' | 'failed' | 'failed-before' | 'stale' | 'no-episode' | 'unknown-alarm' | 'error';
  incident?: string;
  error?: string;
}

/** A claim older than this belongs to a run that died: the send (3 tries, 5 s each) is long over. */
export const LEASE_MS = 60_000;
/** Open episodes are renewed while open; this is how long one lives without a renewal. */
export const OPEN_TTL_MS = 3 * 24 * 3_600_000;
/** A closed episode is kept this long, to recognise late copies of its ALARM and finish resolves. */
export const CLOSED_TTL_MS = 24 * 3_600_000;
/** A timed-out delivery (it may have arrived) waits 1, 2, 4 … up to 15 minutes before the next try. */
export const TIMEOUT_PAUSE_MS = 60_000;
export const MAX_TIMEOUT_PAUSE_MS = 15 * 60_000;
/** A refused one (a bad key, a 404) waits 5, 10, 20 … up to 60 minutes: long enough to fix the secret. */
export const REFUSED_PAUSE_MS = 5 * 60_000;
export const MAX_REFUSED_PAUSE_MS = 60 * 60_000;
const MAX_CAS_ATTEMPTS = 10;
const RANK: Record<AlertLevel, number> = { warning: 0, critical: 1 };

/** Two runs kept changing the same episode; the next retry or tick picks it up. */
export class EscalationConflictError extends Error {
  override readonly name = 'EscalationConflictError';
}

export const episodeKey = (incident: string) => `episode|${incident}`;
const expiry = (ep: Episode, now: number) =>
  ep.status === 'closed' ? (ep.closedAt ?? now) + CLOSED_TTL_MS : now + OPEN_TTL_MS;
const holdMs = (deps: EscalationDeps) => (deps.resolveAfterMinutes ?? 0) * 60_000;
const targetOf = (key: string) =>
  key
    .split(':')
    .slice(key.startsWith('trigger:') ? 2 : 1)
    .join(':');

type Change<R> = { next: Episode; result: R } | { result: R };

/** Reads, changes and writes an episode until the write wins; `change` returns no `next` for no write. */
async function mutate<R>(
  deps: EscalationDeps,
  incident: string,
  change: (current: StoredItem<Episode> | undefined) => Change<R>,
): Promise<R> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const current = await deps.store.get(episodeKey(incident));
    const decided = change(current);
    if (!('next' in decided)) return decided.result;
    const at = expiry(decided.next, deps.now());
    const written = current
      ? await deps.store.update(episodeKey(incident), decided.next, at, current.version)
      : await deps.store.create(episodeKey(incident), decided.next, at);
    if (written) return decided.result;
  }
  throw new EscalationConflictError(`episode of ${incident} kept changing`);
}

const claimable = (d: Delivery | undefined, now: number) =>
  !d ||
  d.state === 'pending' ||
  (d.state === 'claimed' && now - d.at >= LEASE_MS) ||
  (d.state === 'failed' && d.retryAt !== undefined && now >= d.retryAt);

/** The deliveries of `keys` this run may make now, in episode `id` only. */
function claim(
  deps: EscalationDeps,
  incident: string,
  id: string,
  keys: string[],
): Promise<{ claimed: string[]; failedBefore: string[]; episode?: Episode }> {
  const now = deps.now();
  return mutate<{ claimed: string[]; failedBefore: string[]; episode?: Episode }>(
    deps,
    incident,
    (current) => {
      const ep = current?.value;
      if (!ep || ep.id !== id) return { result: { claimed: [], failedBefore: [] } };
      const mine = keys.filter((k) => claimable(ep.deliveries[k], now));
      const failedBefore = keys.filter((k) => ep.deliveries[k]?.state === 'failed' && !mine.includes(k));
      if (mine.length === 0) return { result: { claimed: [], failedBefore } };
      const deliveries = { ...ep.deliveries };
      for (const k of mine)
        deliveries[k] = {
          state: 'claimed',
          at: now,
          by: deps.runId,
          tries: (ep.deliveries[k]?.tries ?? 0) + 1,
        };
      const next = { ...ep, deliveries };
      return { next, result: { claimed: mine, failedBefore, episode: next } };
    },
  );
}

/** When a failed delivery may be tried again. */
function retryAt(r: DeliveryResult & { ok: false }, tries: number, now: number): number {
  const n = Math.max(0, tries - 1);
  if (r.permanent) return now + Math.min(REFUSED_PAUSE_MS * 2 ** n, MAX_REFUSED_PAUSE_MS);
  const asked = r.retryAfterMs ?? 0;
  return now + Math.max(asked, r.timedOut ? Math.min(TIMEOUT_PAUSE_MS * 2 ** n, MAX_TIMEOUT_PAUSE_MS) : 0);
}

/** The deliveries of a run recorded in the episode they were made for. */
function recorded(ep: Episode, results: Map<string, DeliveryResult>, runId: string, now: number): Episode {
  const deliveries = { ...ep.deliveries };
  for (const [k, r] of results) {
    const held = deliveries[k];
    const mine = held?.state === 'claimed' && held.by === runId;
    if (r.ok) {
      deliveries[k] = { state: 'sent', at: now };
      // A trigger that went out after its target was resolved must be resolved again.
      if (k.startsWith('trigger:') && ep.status === 'closed') delete deliveries[`resolve:${targetOf(k)}`];
    } else if (mine) {
      deliveries[k] = {
        state: 'failed',
        at: now,
        tries: held.tries ?? 1,
        retryAt: retryAt(r, held.tries ?? 1, now),
      };
    }
  }
  return { ...ep, deliveries };
}

/**
 * Records what the sends did, in episode `id`. A result that comes back after its episode ended is
 * not the newer episode's: only a trigger that went out is noted there (`late:<target>`), so the
 * target, which now holds an open alert under the incident's key, is resolved with that episode.
 */
async function settle(
  deps: EscalationDeps,
  incident: string,
  id: string,
  results: Map<string, DeliveryResult>,
) {
  const now = deps.now();
  await mutate(deps, incident, (current) => {
    const ep = current?.value;
    if (!ep) return { result: undefined };
    if (ep.id === id) return { next: recorded(ep, results, deps.runId, now), result: undefined };
    const late = [...results].filter(([k, r]) => r.ok && k.startsWith('trigger:')).map(([k]) => targetOf(k));
    if (late.length === 0) return { result: undefined };
    const deliveries = { ...ep.deliveries };
    for (const t of late) {
      deliveries[`late:${t}`] = { state: 'sent', at: now };
      if (ep.status === 'closed') delete deliveries[`resolve:${t}`];
    }
    return { next: { ...ep, deliveries }, result: undefined };
  });
}

/** The event a delivery key is about: the lead's words at the incident's level, its close, or a member's transition. */
function eventOf(ep: Episode, key: string): { event: AlarmEvent; level: AlertLevel } | undefined {
  const lead = ep.members[ep.lead];
  if (key.startsWith('event:')) {
    const [, ...rest] = key.split(':');
    const atMs = Number(rest.pop());
    const state = rest.pop() as AlarmState;
    const member = ep.members[rest.join(':')];
    return member ? { event: { ...member.snapshot, state, atMs }, level: member.level } : undefined;
  }
  if (!lead) return undefined;
  if (key.startsWith('trigger:')) return { event: lead.snapshot, level: ep.level };
  return {
    event: { ...lead.snapshot, state: ep.closedState ?? 'OK', atMs: ep.closedAt ?? lead.atMs },
    level: ep.level,
  };
}

function makeDelivery(deps: EscalationDeps, ep: Episode, key: string): Promise<DeliveryResult> {
  const about = eventOf(ep, key);
  if (!about) return Promise.resolve({ ok: false, permanent: true, attempts: 0, error: 'no such alarm' });
  if (key.startsWith('event:'))
    return (
      deps.publish?.(ep, about.event, about.level) ?? Promise.resolve({ ok: true, status: 0, attempts: 0 })
    );
  return deps.send(targetOf(key), key.startsWith('trigger:') ? 'trigger' : 'resolve', ep, about.event);
}

/** Claims `keys` of episode `ep`, makes the claimed deliveries concurrently, records them. */
async function run(deps: EscalationDeps, alarm: string, ep: Episode, keys: string[]): Promise<Outcome[]> {
  if (keys.length === 0) return [];
  const { claimed, failedBefore, episode } = await claim(deps, ep.incident, ep.id, [...new Set(keys)]);
  const incident = ep.incident;
  const outcomes: Outcome[] = failedBefore.map((delivery) => ({
    alarm,
    incident,
    delivery,
    result: 'failed-before',
  }));
  if (!episode || claimed.length === 0) return outcomes;
  const results = new Map<string, DeliveryResult>();
  await Promise.all(claimed.map(async (k) => results.set(k, await makeDelivery(deps, episode, k))));
  await settle(deps, incident, ep.id, results);
  for (const [delivery, r] of results)
    outcomes.push(
      r.ok
        ? { alarm, incident, delivery, result: 'sent' }
        : { alarm, incident, delivery, result: 'failed', error: r.error },
    );
  return outcomes;
}

/**
 * The trigger deliveries due at `now` for an open episode: each target of the steps of its level
 * whose minutes have passed since it reached that level, once per target and level (a policy
 * changed mid-episode does not page anyone again).
 */
export function dueTriggers(ep: Episode, steps: readonly EscalationStep[], now: number): string[] {
  const due = steps.filter((step) => now >= ep.levelSince + step.afterMinutes * 60_000);
  return [...new Set(due.flatMap((step) => step.targets.map((t) => `trigger:${ep.level}:${t}`)))];
}

/** The resolve deliveries of a closed episode: one per target that was sent a trigger. */
export function dueResolves(ep: Episode): string[] {
  const told = Object.entries(ep.deliveries)
    .filter(([k, d]) => (k.startsWith('trigger:') || k.startsWith('late:')) && d.state === 'sent')
    .map(([k]) => `resolve:${targetOf(k)}`);
  return [...new Set(told)];
}

/** Remediation events not published yet. */
const pendingEvents = (ep: Episode) =>
  Object.entries(ep.deliveries)
    .filter(([k, d]) => k.startsWith('event:') && d.state !== 'sent')
    .map(([k]) => k);

const inAlarm = (ep: Episode) =>
  Object.entries(ep.members)
    .filter(([, m]) => m.state === 'ALARM')
    .map(([name]) => name);

/** The stack's alarms in ALARM behind the incident now (for messages). */
export const alarmsBehind = inAlarm;

/** Whether `event` is older than what is known of its alarm (or the same change again). */
function staleFor(member: Member | undefined, event: AlarmEvent): 'stale' | 'same' | undefined {
  if (!member) return undefined;
  if (event.atMs < member.atMs) return 'stale';
  if (event.atMs === member.atMs) return member.state === event.state ? 'same' : 'stale';
  return undefined;
}

const eventKey = (event: AlarmEvent) => `event:${event.name}:${event.state}:${event.atMs}`;

function openedOrJoined(
  deps: EscalationDeps,
  ep: Episode | undefined,
  event: AlarmEvent,
  level: AlertLevel,
  incident: string,
): Episode {
  const member: Member = { level, state: 'ALARM', atMs: event.atMs, snapshot: event };
  // One remediation event per transition: not again for an alarm already known in ALARM.
  const transition = ep?.members[event.name]?.state !== 'ALARM';
  const events =
    deps.publish && transition ? { [eventKey(event)]: { state: 'pending' as const, at: deps.now() } } : {};
  if (ep && ep.status !== 'closed') {
    // An ALARM during the hold continues the episode: whoever was told is not told again, and the
    // steps keep counting from when the level was reached.
    const { clearingSince: _since, closedState: _state, ...held } = ep;
    const rises = RANK[level] > RANK[ep.level];
    return {
      ...held,
      status: 'open',
      ...(rises ? { level, levelSince: event.atMs, lead: event.name } : {}),
      members: { ...ep.members, [event.name]: member },
      deliveries: { ...ep.deliveries, ...events },
    };
  }
  // A new episode keeps what is known of the alarms and the remediation events still to publish.
  const carried = ep
    ? Object.fromEntries(pendingEvents(ep).map((k) => [k, ep.deliveries[k] as Delivery]))
    : {};
  return {
    incident,
    id: `${event.name}@${event.atMs}`,
    level,
    openedAt: event.atMs,
    levelSince: event.atMs,
    status: 'open',
    lead: event.name,
    members: { ...(ep?.members ?? {}), [event.name]: member },
    deliveries: { ...carried, ...events },
  };
}

/**
 * The alarm went to (or is in) ALARM: open its incident's episode unless one is open (or join it,
 * raising its level), and make every delivery that is due. An ALARM older than what is known of the
 * alarm (a late copy, or an ALARM that arrives after its own later OK) is stale and ignored.
 */
export async function onAlarm(
  deps: EscalationDeps,
  event: AlarmEvent,
  level: AlertLevel,
): Promise<Outcome[]> {
  const incident = incidentKeyOf(event, deps.namePrefix);
  if (!incident) return [{ alarm: event.name, delivery: 'episode', result: 'unknown-alarm' }];
  const opened = await mutate<Episode | undefined>(deps, incident, (current) => {
    const ep = current?.value;
    const seen = staleFor(ep?.members[event.name], event);
    if (seen === 'stale') return { result: undefined };
    if (seen === 'same' && ep) {
      // Renew a long episode (a budget in ALARM all month) before it could expire.
      const renew = ep.status !== 'closed' && current && current.expiresAtMs - deps.now() < OPEN_TTL_MS / 2;
      return renew ? { next: ep, result: ep } : { result: ep };
    }
    const next = openedOrJoined(deps, ep, event, level, incident);
    return { next, result: next };
  });
  if (!opened) return [{ alarm: event.name, delivery: 'episode', result: 'stale' }];
  const triggers = opened.status === 'open' ? dueTriggers(opened, deps.policy(opened.level), deps.now()) : [];
  return run(deps, event.name, opened, [...triggers, ...pendingEvents(opened)]);
}

/** The episode closed: the last alarm left ALARM at `at` (CloudWatch's clock), to `state`. */
function closed(ep: Episode, at: number, state: AlarmState): Episode {
  const { clearingSince: _since, ...rest } = ep;
  return { ...rest, status: 'closed', closedAt: at, closedState: state };
}

function left(deps: EscalationDeps, ep: Episode | undefined, event: AlarmEvent, incident: string): Episode {
  const known = ep?.members[event.name];
  const member: Member = {
    level: known?.level ?? 'warning',
    state: event.state,
    atMs: event.atMs,
    snapshot: known?.snapshot ?? event,
  };
  const published = deps.publish && known?.state === 'ALARM';
  const base: Episode = ep ?? {
    incident,
    id: `${event.name}@${event.atMs}`,
    level: 'warning',
    openedAt: event.atMs,
    levelSince: event.atMs,
    status: 'closed',
    closedAt: event.atMs,
    closedState: event.state,
    lead: event.name,
    members: {},
    deliveries: {},
  };
  const next: Episode = {
    ...base,
    members: { ...base.members, [event.name]: member },
    deliveries: {
      ...base.deliveries,
      ...(published ? { [eventKey(event)]: { state: 'pending', at: deps.now() } } : {}),
    },
  };
  const clearing = next.status === 'clearing';
  if (!clearing && (next.status !== 'open' || inAlarm(next).length > 0)) return next;
  // Clear since the latest change of any alarm behind it (an OK the tick found late may be older
  // than one already seen); a later change while clearing may follow an ALARM that never reached us
  // (CloudWatch notifies changes only), so the hold counts again from it.
  const at = Math.max(
    next.openedAt,
    next.clearingSince ?? 0,
    ...Object.values(next.members).map((m) => m.atMs),
  );
  // Held until the tick sees it clear for the hold; an OK that arrives after the hold closes at once,
  // and without a hold it closes now even if CloudWatch's clock runs ahead of ours.
  const hold = holdMs(deps);
  return hold === 0 || deps.now() >= at + hold
    ? closed(next, at, event.state)
    : { ...next, status: 'clearing', clearingSince: at, closedState: event.state };
}

/**
 * The alarm left ALARM (`event` is its OK or INSUFFICIENT_DATA, or the tick's view of it): record
 * it, and when no alarm behind the incident is in ALARM any more, close the episode and resolve
 * every target that was told, or with a hold, mark it clearing for the tick to close. A change
 * older than what is known of the alarm is stale.
 */
export async function onResolved(deps: EscalationDeps, event: AlarmEvent): Promise<Outcome[]> {
  const incident = incidentKeyOf(event, deps.namePrefix);
  if (!incident) return [{ alarm: event.name, delivery: 'episode', result: 'unknown-alarm' }];
  const after = await mutate<Episode | 'no-episode' | 'stale'>(deps, incident, (current) => {
    const ep = current?.value;
    const seen = staleFor(ep?.members[event.name], event);
    if (seen === 'stale') return { result: 'stale' as const };
    if (seen === 'same' && ep) return { result: ep };
    // Without an episode the change is still noted: an ALARM older than it, arriving later, is stale.
    const next = left(deps, ep, event, incident);
    return { next, result: ep ? next : ('no-episode' as const) };
  });
  if (after === 'no-episode' || after === 'stale')
    return [{ alarm: event.name, delivery: 'episode', result: after }];
  const resolves = after.status === 'closed' ? dueResolves(after) : [];
  return run(deps, event.name, after, [...resolves, ...pendingEvents(after)]);
}

/** What the tick knows of the stack's alarms. */
export interface AlarmsView {
  /** Alarms in ALARM now, with their level (from the topic they notify). */
  inAlarm: { event: AlarmEvent; level: AlertLevel }[];
  /** The current state of these alarms and since when (undefined: the alarm no longer exists). */
  stateOf: (names: string[]) => Promise<Map<string, { state: AlarmState; atMs: number } | undefined>>;
}

/** What is left to do for an episode nothing else touched this tick: resolves and events. */
function finish(deps: EscalationDeps, ep: Episode): Promise<Outcome[]> {
  const resolves =
    ep.status === 'closed' ? dueResolves(ep).filter((k) => ep.deliveries[k]?.state !== 'sent') : [];
  return run(deps, ep.lead, ep, [...resolves, ...pendingEvents(ep)]);
}

/**
 * Closes a clearing episode that has stayed clear for the hold and resolves every target that was
 * told; a compare-and-set, so of overlapping ticks one closes it and an ALARM that won the race
 * keeps it open.
 */
async function closeWhenClear(deps: EscalationDeps, incident: string): Promise<Outcome[]> {
  const now = deps.now();
  const ep = await mutate<Episode | undefined>(deps, incident, (current) => {
    const ep = current?.value;
    if (ep?.status !== 'clearing') return { result: undefined };
    const since = ep.clearingSince ?? now;
    if (now < since + holdMs(deps)) return { result: ep };
    const next = closed(ep, since, ep.closedState ?? 'OK');
    return { next, result: next };
  });
  if (!ep) return [];
  const resolves = ep.status === 'closed' ? dueResolves(ep) : [];
  return run(deps, ep.lead, ep, [...resolves, ...pendingEvents(ep)]);
}

/** One incident's share of the tick; errors become an outcome, so one incident never stops the rest. */
async function tickIncident(
  deps: EscalationDeps,
  incident: string,
  firing: AlarmsView['inAlarm'],
  stored: Episode | undefined,
  states: Map<string, { state: AlarmState; atMs: number } | undefined>,
): Promise<Outcome[]> {
  try {
    const out: Outcome[] = [];
    for (const { event, level } of firing) out.push(...(await onAlarm(deps, event, level)));
    const firingNames = new Set(firing.map((f) => f.event.name));
    const gone = stored
      ? inAlarm(stored).filter((n) => !firingNames.has(n) && states.get(n)?.state !== 'ALARM')
      : [];
    for (const name of gone) {
      const member = stored?.members[name] as Member;
      const now = states.get(name) ?? { state: 'OK' as const, atMs: deps.now() };
      out.push(...(await onResolved(deps, { ...member.snapshot, state: now.state, atMs: now.atMs })));
    }
    if (stored?.status === 'clearing') out.push(...(await closeWhenClear(deps, incident)));
    else if (firing.length === 0 && gone.length === 0 && stored) out.push(...(await finish(deps, stored)));
    return out;
  } catch (error) {
    return [
      {
        alarm: incident,
        incident,
        delivery: 'tick',
        result: 'error',
        error: error instanceof Error ? error.name : 'error',
      },
    ];
  }
}

/** Runs `tasks` with at most `limit` at a time. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** How many incidents a tick works on at once. */
export const TICK_CONCURRENCY = 8;

/**
 * The minute tick: escalates every incident whose next step is due (and opens episodes whose ALARM
 * notification was lost), closes what left ALARM without the OK reaching us (at the time the alarm
 * changed, by DescribeAlarms), resolves what has stayed clear for the hold, and finishes resolves
 * and remediation events that did not go out.
 * Incidents are handled concurrently; an error in one (a DynamoDB throttle) is an outcome, not a stop.
 */
export async function onTick(deps: EscalationDeps, view: AlarmsView): Promise<Outcome[]> {
  const episodes = new Map((await deps.store.scan('episode|')).map((e) => [e.value.incident, e.value]));
  const firing = new Map<string, AlarmsView['inAlarm']>();
  const outcomes: Outcome[] = [];
  for (const a of view.inAlarm) {
    const incident = incidentKeyOf(a.event, deps.namePrefix);
    if (!incident) outcomes.push({ alarm: a.event.name, delivery: 'episode', result: 'unknown-alarm' });
    else firing.set(incident, [...(firing.get(incident) ?? []), a]);
  }
  const firingNames = new Set(view.inAlarm.map((a) => a.event.name));
  const orphans = [...episodes.values()].flatMap((ep) => inAlarm(ep).filter((n) => !firingNames.has(n)));
  const states = orphans.length > 0 ? await view.stateOf(orphans) : new Map();
  const incidents = [...new Set([...firing.keys(), ...episodes.keys()])];
  const done = await pool(
    incidents.map((i) => () => tickIncident(deps, i, firing.get(i) ?? [], episodes.get(i), states)),
    TICK_CONCURRENCY,
  );
  return [...outcomes, ...done.flat()];
}
