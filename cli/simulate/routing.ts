/**
 * Routing you can see before deploying: the simulated alarm transitions run through the notifier's
 * own code — its settings as the deploy writes them (notifierSettings → parseNotifierConfig), each
 * alarm as DescribeAlarms would show it (the deploy's alarm resource read by alarmEventFromDescription),
 * the escalation episode (onAlarm / onResolved / onTick on a MemoryStateStore) on the simulated
 * clock, and the alert view every destination renders. Nothing is sent and no secret is read: the
 * sender records each message and answers "delivered".
 *
 * The glue is here on purpose, thin, so a change of the notifier's API is a change of this file.
 */

import { alarmResources } from '../../deploy/stack/alarms';
import { logicalId } from '../../deploy/stack/cfn';
import { notifierSettings } from '../../deploy/stack/notifier';
import { type AlarmEvent, alarmEventFromDescription } from '../../shared/alerts/alarm-event';
import type { DeliveryResult } from '../../shared/alerts/delivery';
import type { AlertAction } from '../../shared/alerts/destinations/request';
import {
  type Episode,
  type EscalationDeps,
  type Outcome,
  onAlarm,
  onResolved,
  onTick,
} from '../../shared/alerts/escalation';
import { type NotifierConfig, parseNotifierConfig } from '../../shared/alerts/notifier-config';
import type { EscalationStep, TargetType } from '../../shared/alerts/routing';
import { MemoryStateStore } from '../../shared/alerts/state-store';
import { type AlertLevel, alertView } from '../../shared/alerts/view';
import type { AlarmTimeline } from '../../shared/analysis/alarm-evaluator';
import { evaluateAlarms } from '../../shared/analysis/alarm-evaluator';
import { DEFAULT_ANOMALY_MODEL } from '../../shared/analysis/anomaly-band';
import type { AlarmState } from '../../shared/analysis/composite-rule';
import type { Json } from '../../shared/json';
import { type AlarmDefinition, compositeAlarmRule } from '../../shared/monitoring/alarms/index';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { derivable, type SimulationResult } from './run';

const MINUTE_MS = 60_000;

export type MessageAction = 'trigger' | 'escalate' | 'resolve';

export interface RoutedMessage {
  atMs: number;
  /** The alarm's key (its name without the stack prefix). */
  alarm: string;
  level: AlertLevel;
  destination: string;
  type: TargetType;
  /** trigger: the policy's first step; escalate: a later step; resolve: the alarm left ALARM. */
  action: MessageAction;
  /** The escalation step (0-based) a trigger or escalation belongs to. */
  step?: number;
  /** Minutes since the alarm's metric first breached its threshold (see breachedAtMs). */
  minutesSinceBreach: number;
  /** PagerDuty's dedup_key and Opsgenie's alias for it. */
  dedupKey: string;
}

export interface RoutedEpisode {
  alarm: string;
  level: AlertLevel;
  scope: string;
  /** The view's figures at ALARM, with units: `value 7.5 % > threshold 2 % over …`. */
  summary: string;
  /**
   * The first minute the alarm's metric (its newest period, as CloudWatch reads it) breached the
   * threshold within the evaluation range that set it off: the simulator cannot know when the
   * traffic changed, this is the nearest it sees.
   */
  breachedAtMs: number;
  openedAtMs: number;
  closedAtMs?: number;
  messages: RoutedMessage[];
}

export interface RoutingPreview {
  destinations: { name: string; type: TargetType }[];
  policies: Record<AlertLevel, EscalationStep[]>;
  /** Every ALARM episode of a notifying alarm, in time order. */
  episodes: RoutedEpisode[];
  /** Every message, in time order. */
  messages: RoutedMessage[];
  /** Per UTC day and destination: pages (trigger + escalate) and resolves. */
  perDay: { day: string; destination: string; pages: number; resolves: number }[];
}

/** The alarm as DescribeAlarms would return it in `state`: the deploy's properties plus the simulated state. */
function describedAs(properties: Json, tr: AlarmTimeline['transitions'][number]): Json {
  return {
    ...properties,
    StateValue: tr.state,
    StateReason: tr.reason,
    StateTransitionedTimestamp: new Date(tr.atMs),
  };
}

/** The first minute an alarm's metric breached (a 1-of-1 copy of it in ALARM) in the range that decided `atMs`. */
function breachedAt(
  def: AlarmDefinition,
  atMs: number,
  result: SimulationResult,
  params: StackParameters,
  byKey: Map<string, AlarmDefinition>,
): number {
  if (def.kind === 'composite') {
    const children = def.allOf.flatMap((k) => {
      const child = byKey.get(k);
      return child ? [breachedAt(child, atMs, result, params, byKey)] : [];
    });
    return Math.min(atMs, ...children);
  }
  const period =
    def.queries.find((q) => q.metric)?.metric?.period ?? def.queries.find((q) => q.period)?.period ?? 60;
  const copy: AlarmDefinition = { ...def, evaluationPeriods: 1, datapointsToAlarm: 1 };
  const [timeline] = evaluateAlarms([copy], result.store, {
    fromMs: Math.max(result.fromMs, atMs - def.evaluationPeriods * period * 1000),
    toMs: atMs,
    isDerivable: derivable(params, result.names.ingestLogGroupName),
    ruleOf: (c) => compositeAlarmRule(c, result.definitions),
    anomaly: DEFAULT_ANOMALY_MODEL,
  });
  return timeline?.transitions.find((t) => t.state === 'ALARM')?.atMs ?? atMs;
}

const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

/** The state of a notifying alarm at a minute, from its transitions. */
function stateAt(timeline: AlarmTimeline, atMs: number): AlarmState {
  let state: AlarmState = 'INSUFFICIENT_DATA';
  for (const tr of timeline.transitions) if (tr.atMs <= atMs) state = tr.state;
  return state;
}

const ACTION_ORDER: Record<MessageAction, number> = { trigger: 0, escalate: 1, resolve: 2 };
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Messages by minute, alarm, action, destination: a stable order for reports and tests. */
const byTime = (a: RoutedMessage, b: RoutedMessage) =>
  a.atMs - b.atMs ||
  compare(a.alarm, b.alarm) ||
  ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
  compare(a.destination, b.destination);

function perDay(messages: readonly RoutedMessage[]): RoutingPreview['perDay'] {
  const counts = new Map<string, { day: string; destination: string; pages: number; resolves: number }>();
  for (const m of messages) {
    const day = new Date(m.atMs).toISOString().slice(0, 10);
    const key = `${day}|${m.destination}`;
    const row = counts.get(key) ?? { day, destination: m.destination, pages: 0, resolves: 0 };
    if (m.action === 'resolve') row.resolves++;
    else row.pages++;
    counts.set(key, row);
  }
  return [...counts.values()].sort((a, b) =>
    a.day === b.day ? (a.destination < b.destination ? -1 : 1) : a.day < b.day ? -1 : 1,
  );
}

/** The notifier's escalation on a simulated clock: SNS notifications in, minute ticks, messages recorded. */
class SimulatedNotifier {
  now: number;
  private runs = 0;
  readonly store: MemoryStateStore<Episode>;
  readonly episodes: RoutedEpisode[] = [];
  /** Episodes by alarm name: the open one, else the one closed last (its resolves). */
  private readonly current = new Map<string, RoutedEpisode>();
  private readonly alarmEvents = new Map<string, AlarmEvent>();

  constructor(
    private readonly config: NotifierConfig,
    startMs: number,
  ) {
    this.now = startMs;
    this.store = new MemoryStateStore<Episode>(() => this.now);
  }

  /** One set of dependencies per notifier invocation, as the handler builds them; every send is answered "delivered". */
  private deps(): EscalationDeps {
    const delivered: DeliveryResult = { ok: true, status: 200, attempts: 1 };
    return {
      store: this.store,
      now: () => this.now,
      runId: `simulate-${++this.runs}`,
      policy: (level) => this.config.policies[level],
      send: (_target: string, _action: AlertAction) => Promise.resolve(delivered),
    };
  }

  /** The sent `trigger:<step>:<target>` and `resolve:<target>` deliveries of one call, as messages. */
  private record(outcomes: readonly Outcome[]): void {
    for (const o of outcomes) {
      const episode = this.current.get(o.alarm);
      const [kind, ...rest] = o.delivery.split(':');
      if (o.result !== 'sent' || !episode || (kind !== 'trigger' && kind !== 'resolve')) continue;
      const step = kind === 'trigger' ? Number(rest[0]) : undefined;
      const destination = (kind === 'trigger' ? rest.slice(1) : rest).join(':');
      const target = this.config.targets.find((t) => t.name === destination);
      const event = this.alarmEvents.get(o.alarm);
      if (!target || !event) continue;
      episode.messages.push({
        atMs: this.now,
        alarm: episode.alarm,
        level: episode.level,
        destination,
        type: target.type,
        action: kind === 'resolve' ? 'resolve' : step === 0 ? 'trigger' : 'escalate',
        ...(step !== undefined ? { step } : {}),
        minutesSinceBreach: Math.round((this.now - episode.breachedAtMs) / MINUTE_MS),
        dedupKey: alertView(event, episode.level, this.config)?.dedupKey ?? o.alarm,
      });
    }
  }

  /** An SNS notification of the ALARM (with the episode it opens, for the report). */
  async alarm(
    event: AlarmEvent,
    level: AlertLevel,
    episode: Omit<RoutedEpisode, 'messages' | 'summary' | 'scope'>,
  ) {
    const view = alertView(event, level, this.config);
    const routed: RoutedEpisode = {
      ...episode,
      scope: view?.scope.label ?? '',
      summary: view?.summary ?? '',
      messages: [],
    };
    this.episodes.push(routed);
    this.current.set(event.name, routed);
    this.alarmEvents.set(event.name, event);
    this.record(await onAlarm(this.deps(), event, level));
  }

  /** The alarm left ALARM: its OK notification, or nothing (INSUFFICIENT_DATA has no actions; the tick sees it). */
  async left(event: AlarmEvent) {
    const episode = this.current.get(event.name);
    if (episode && episode.closedAtMs === undefined) episode.closedAtMs = event.atMs;
    if (event.state === 'OK') this.record(await onResolved(this.deps(), event));
  }

  /** The minute tick, while an episode is open: escalations that fell due, episodes whose OK never came. */
  async tick(stateOf: (name: string) => AlarmState | undefined, levelOf: (name: string) => AlertLevel) {
    const stored = await this.store.scan('episode|');
    if (stored.every((e) => e.value.status === 'closed')) return;
    const inAlarm = [...this.alarmEvents.values()]
      .filter((e) => stateOf(e.name) === 'ALARM')
      .map((event) => ({ event, level: levelOf(event.name) }));
    this.record(
      await onTick(this.deps(), {
        inAlarm,
        stateOf: (names) => Promise.resolve(new Map(names.map((n) => [n, stateOf(n)] as const))),
      }),
    );
  }
}

/**
 * Runs the notifier's routing and escalation on the simulation's transitions; undefined when the
 * parameters configure no destination (no notifier would be deployed to route anything).
 * @throws AlertSpecError for specs the deploy would refuse (parseStackParameters refuses them first).
 */
export async function previewRouting(
  result: SimulationResult,
  params: StackParameters,
): Promise<RoutingPreview | undefined> {
  if (params.alertTargets.trim() === '') return undefined;
  const config = parseNotifierConfig(JSON.stringify(notifierSettings(params, result.names, {})));
  const resources = alarmResources(result.definitions, { warning: 'warning', critical: 'critical' });
  const byKey = new Map(result.definitions.map((d) => [d.key, d]));
  const notifying = new Map(
    result.timelines
      .filter((t) => t.simulated && t.definition.level !== 'none')
      .map((t) => [t.definition.name, t]),
  );
  const steps = [...notifying.values()]
    .flatMap((timeline) => timeline.transitions.map((transition) => ({ timeline, transition })))
    .sort(
      (a, b) =>
        a.transition.atMs - b.transition.atMs ||
        (a.timeline.definition.key < b.timeline.definition.key ? -1 : 1),
    );
  const notifier = new SimulatedNotifier(config, result.fromMs);
  const stateOf = (name: string) => {
    const t = notifying.get(name);
    return t ? stateAt(t, notifier.now) : undefined;
  };
  const levelOf = (name: string) => (notifying.get(name)?.definition.level ?? 'critical') as AlertLevel;
  let next = 0;
  for (notifier.now = floorMinute(result.fromMs); notifier.now <= result.toMs; notifier.now += MINUTE_MS) {
    for (; next < steps.length && (steps[next]?.transition.atMs ?? 0) <= notifier.now; next++) {
      const { timeline, transition } = steps[next] as (typeof steps)[number];
      const def = timeline.definition;
      const props = resources[logicalId('Alarm', def.key)]?.Properties as Json | undefined;
      const event = props ? alarmEventFromDescription(describedAs(props, transition)) : undefined;
      if (!event || 'rejected' in event) continue;
      if (event.state === 'ALARM')
        await notifier.alarm(event, levelOf(def.name), {
          alarm: def.key,
          level: levelOf(def.name),
          breachedAtMs: breachedAt(def, transition.atMs, result, params, byKey),
          openedAtMs: transition.atMs,
        });
      else await notifier.left(event);
    }
    await notifier.tick(stateOf, levelOf);
  }
  for (const e of notifier.episodes) e.messages.sort(byTime);
  const messages = notifier.episodes.flatMap((e) => e.messages).sort(byTime);
  return {
    destinations: config.targets.map((t) => ({ name: t.name, type: t.type })),
    policies: config.policies,
    episodes: notifier.episodes,
    messages,
    perDay: perDay(messages),
  };
}
