/**
 * Routing you can see before deploying: the simulated alarm transitions go through the deployed
 * notifier itself (functions/notifier/notifier.ts: handleNotifications for each SNS notification,
 * handleTick every minute), with its settings as the deploy writes them (notifierSettings →
 * parseNotifierConfig), each alarm as the deploy defines it (alarmResources) in its simulated state,
 * an in-memory escalation store and the simulated clock. So incidents, escalation steps, resolves
 * and the request each destination would get are the notifier's own. Nothing is sent and no secret
 * is read: every destination gets a placeholder secret and every request is answered 202.
 *
 * The glue is here on purpose, thin, so a change of the notifier's API is a change of this file.
 */

import { alarmResources } from '../../deploy/stack/alarms';
import { logicalId } from '../../deploy/stack/cfn';
import { notifierSettings } from '../../deploy/stack/notifier';
import { handleNotifications, handleTick, type NotifierDeps } from '../../functions/notifier/notifier';
import type { AlarmState } from '../../shared/alerts/alarm-event';
import type { HttpRequest } from '../../shared/alerts/destinations/index';
import type { Episode, Outcome } from '../../shared/alerts/escalation';
import { type NotifierConfig, parseNotifierConfig } from '../../shared/alerts/notifier-config';
import type { EscalationStep, TargetType } from '../../shared/alerts/routing';
import { MemoryStateStore } from '../../shared/alerts/state-store';
import { type AlertLevel, alertView } from '../../shared/alerts/view';
import type { AlarmTimeline, Transition } from '../../shared/analysis/alarm-evaluator';
import { isObject, type Json } from '../../shared/json';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { breachTimes } from './breach';
import type { SimulationResult } from './run';

const MINUTE_MS = 60_000;

export type MessageAction = 'trigger' | 'escalate' | 'resolve';

export interface RoutedMessage {
  atMs: number;
  /** The incident key (family, or family/team), as the notifier groups alarms. */
  incident: string;
  /** The incident's level when the message went out. */
  level: AlertLevel;
  destination: string;
  type: TargetType;
  /** trigger: a destination's first message of the episode; escalate: a later step or a rise to critical; resolve: every alarm behind it left ALARM. */
  action: MessageAction;
  /** The escalation step (0-based) of a trigger or escalation, in the policy of its level. */
  step?: number;
  /** Minutes since the first breach of the alarms that set the incident off (see RoutedAlarm.breachedAtMs). */
  minutesSinceBreach: number;
  /** PagerDuty's dedup_key and Opsgenie's alias: one per incident. */
  dedupKey: string;
}

export interface RoutedAlarm {
  /** The alarm's key (its name without the stack prefix). */
  alarm: string;
  level: AlertLevel;
  scope: string;
  /** The notifier's words for the figures, with units: `value 7.5 % > threshold 2 % over …`. */
  summary: string;
  /**
   * The first minute the alarm's metric (its newest period, as CloudWatch reads it) breached the
   * threshold within the evaluation range that set it off: the simulator cannot know when the
   * traffic changed, this is the nearest it sees.
   */
  breachedAtMs: number;
  alarmAtMs: number;
  okAtMs?: number;
}

/** One episode of an incident: from its first alarm in ALARM to the last one leaving. */
export interface RoutedIncident {
  incident: string;
  level: AlertLevel;
  openedAtMs: number;
  closedAtMs?: number;
  /** The alarms that went to ALARM in the episode, in time order. */
  alarms: RoutedAlarm[];
  messages: RoutedMessage[];
}

export interface RoutingPreview {
  destinations: { name: string; type: TargetType }[];
  policies: Record<AlertLevel, EscalationStep[]>;
  /** Every incident episode, in time order. */
  incidents: RoutedIncident[];
  /** Every message, in time order. */
  messages: RoutedMessage[];
  /** Per UTC day and destination: pages (trigger + escalate) and resolves. */
  perDay: { day: string; destination: string; pages: number; resolves: number }[];
}

/** A secret of the right shape per destination kind, so the notifier builds each real request. */
const PLACEHOLDER_SECRETS: Record<TargetType, string> = {
  slack: 'https://example.com/simulated/slack',
  pagerduty: 'SimulatedRoutingKey0000000000000',
  opsgenie: 'simulated-opsgenie-key',
  teams: 'https://example.com/simulated/teams',
  webhook: 'https://example.com/simulated/webhook',
};

/** Topic ARNs the notifier recognises by their names (levelOfTopic). */
const topicArn = (name: string) => `arn:aws:sns:simulated:000000000000:${name}`;

/** The alarm as DescribeAlarms would return it after `tr`: the deploy's properties plus the simulated state. */
function described(properties: Json, tr: Pick<Transition, 'atMs' | 'state' | 'reason'>): Json {
  return {
    ...properties,
    StateValue: tr.state,
    StateReason: tr.reason,
    StateTransitionedTimestamp: new Date(tr.atMs),
  };
}

const TRIGGER_FIELDS = [
  'MetricName',
  'Namespace',
  'Statistic',
  'ExtendedStatistic',
  'Period',
  'EvaluationPeriods',
  'DatapointsToAlarm',
  'ComparisonOperator',
  'Threshold',
  'Metrics',
  'ThresholdMetricId',
];

/** The SNS message CloudWatch publishes for a change of the alarm (AWS's notification JSON). */
function notificationOf(alarm: Json, previous: AlarmState): string {
  const trigger: Json = {};
  for (const k of TRIGGER_FIELDS) if (alarm[k] !== undefined) trigger[k] = alarm[k];
  if (Array.isArray(alarm.Dimensions))
    trigger.Dimensions = alarm.Dimensions.filter(isObject).map((d) => ({ name: d.Name, value: d.Value }));
  return JSON.stringify({
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription,
    NewStateValue: alarm.StateValue,
    OldStateValue: previous,
    NewStateReason: alarm.StateReason,
    StateChangeTime: (alarm.StateTransitionedTimestamp as Date).toISOString(),
    ...(alarm.AlarmRule !== undefined ? { AlarmRule: alarm.AlarmRule } : { Trigger: trigger }),
  });
}

const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
const ACTION_ORDER: Record<MessageAction, number> = { trigger: 0, escalate: 1, resolve: 2 };
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Messages by minute, incident, action, destination: a stable order for reports and tests. */
const byTime = (a: RoutedMessage, b: RoutedMessage) =>
  a.atMs - b.atMs ||
  compare(a.incident, b.incident) ||
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
  return [...counts.values()].sort((a, b) => compare(a.day, b.day) || compare(a.destination, b.destination));
}

/** A notifying alarm of the simulation: its deploy properties, level and transitions. */
interface SimAlarm {
  timeline: AlarmTimeline;
  properties: Json;
  level: AlertLevel;
}

/** The state of an alarm at `atMs` (as DescribeAlarms would show it then). */
function describedAt(a: SimAlarm, atMs: number, fromMs: number): Json {
  let last: Pick<Transition, 'atMs' | 'state' | 'reason'> = {
    atMs: fromMs,
    state: 'INSUFFICIENT_DATA',
    reason: 'Unchecked: Initial alarm creation',
  };
  for (const tr of a.timeline.transitions) if (tr.atMs <= atMs) last = tr;
  return described(a.properties, last);
}

/** The deployed notifier on the simulated clock, its deliveries recorded as messages. */
class SimulatedNotifier {
  now: number;
  private runs = 0;
  private readonly store: MemoryStateStore<Episode>;
  readonly deps: NotifierDeps;
  readonly incidents: RoutedIncident[] = [];
  /** The report's record of each stored episode, by episode id. */
  private readonly byEpisode = new Map<string, RoutedIncident>();
  /** Per alarm name: its breach time, for the ALARM it is in. */
  readonly breach = new Map<string, number>();

  constructor(
    readonly config: NotifierConfig,
    private readonly alarms: Map<string, SimAlarm>,
    private readonly fromMs: number,
  ) {
    this.now = fromMs;
    this.store = new MemoryStateStore<Episode>(() => this.now);
    const described = (filter: (a: SimAlarm) => boolean) =>
      [...alarms.values()].filter(filter).map((a) => describedAt(a, this.now, this.fromMs));
    const accepted = (_request: HttpRequest) => Promise.resolve({ status: 202 });
    this.deps = {
      config,
      store: this.store,
      now: () => this.now,
      runId: () => `simulate-${++this.runs}`,
      secret: (ref) =>
        Promise.resolve(PLACEHOLDER_SECRETS[config.targets.find((t) => t.secret === ref)?.type ?? 'webhook']),
      http: accepted,
      sleep: () => Promise.resolve(),
      alarms: {
        inAlarm: () =>
          Promise.resolve(described((a) => describedAt(a, this.now, fromMs).StateValue === 'ALARM')),
        byName: (names) => Promise.resolve(described((a) => names.includes(a.timeline.definition.name))),
      },
      log: () => undefined,
      count: () => undefined,
    };
  }

  /** One SNS notification of a transition, as CloudWatch sends it to the alarm's topic. */
  async notify(a: SimAlarm, tr: Transition, previous: AlarmState) {
    const topic = this.config.topics[a.level];
    const message = notificationOf(described(a.properties, tr), previous);
    const report = await handleNotifications(this.deps, [{ topicArn: topicArn(topic), message }]);
    await this.record(report.outcomes);
  }

  async tick() {
    await this.record((await handleTick(this.deps)).outcomes);
  }

  /** The store's episodes into the report's incidents, then the messages this run sent. */
  private async record(outcomes: readonly Outcome[]) {
    const episodes = new Map((await this.store.scan('episode|')).map((e) => [e.value.incident, e.value]));
    for (const ep of episodes.values()) this.sync(ep);
    for (const o of outcomes) {
      const ep = o.incident ? episodes.get(o.incident) : undefined;
      const routed = ep ? this.byEpisode.get(ep.id) : undefined;
      if (o.result !== 'sent' || !ep || !routed) continue;
      const message = this.messageOf(o.delivery, ep, routed);
      if (message) routed.messages.push(message);
    }
  }

  private sync(ep: Episode) {
    let routed = this.byEpisode.get(ep.id);
    // An OK with no episode (the alarms' first evaluation) is noted by the notifier, not an incident.
    const opened = Object.values(ep.members).some((m) => m.state === 'ALARM' && m.atMs >= ep.openedAt);
    if (!routed && !opened) return;
    if (!routed) {
      routed = { incident: ep.incident, level: ep.level, openedAtMs: ep.openedAt, alarms: [], messages: [] };
      this.byEpisode.set(ep.id, routed);
      this.incidents.push(routed);
    }
    routed.level = ep.level;
    if (ep.status === 'closed' && ep.closedAt !== undefined) routed.closedAtMs = ep.closedAt;
    for (const [name, m] of Object.entries(ep.members)) {
      const known = routed.alarms.find(
        (x) => x.alarm === this.keyOf(name) && x.alarmAtMs === m.snapshot.atMs,
      );
      if (known) {
        if (m.state !== 'ALARM' && m.atMs > known.alarmAtMs) known.okAtMs ??= m.atMs;
        continue;
      }
      if (m.state !== 'ALARM' || m.atMs < ep.openedAt) continue;
      const view = alertView(m.snapshot, m.level, this.config);
      routed.alarms.push({
        alarm: this.keyOf(name),
        level: m.level,
        scope: view?.scope.label ?? '',
        summary: view?.summary ?? '',
        breachedAtMs: this.breach.get(name) ?? m.atMs,
        alarmAtMs: m.atMs,
      });
    }
  }

  private keyOf(name: string) {
    return this.alarms.get(name)?.timeline.definition.key ?? name;
  }

  /** A sent `trigger:<level>:<target>` or `resolve:<target>` delivery as a message. */
  private messageOf(delivery: string, ep: Episode, routed: RoutedIncident): RoutedMessage | undefined {
    const [kind, ...rest] = delivery.split(':');
    if (kind !== 'trigger' && kind !== 'resolve') return undefined;
    const level = kind === 'trigger' ? (rest.shift() as AlertLevel) : ep.level;
    const destination = rest.join(':');
    const target = this.config.targets.find((t) => t.name === destination);
    const lead = ep.members[ep.lead];
    if (!target || !lead) return undefined;
    const step = this.config.policies[level].findIndex((s) => s.targets.includes(destination));
    const toldBefore = routed.messages.some((m) => m.destination === destination && m.action !== 'resolve');
    const breachedAtMs = Math.min(...routed.alarms.map((a) => a.breachedAtMs), this.now);
    const incident = { key: ep.incident, alarms: [] };
    return {
      atMs: this.now,
      incident: ep.incident,
      level,
      destination,
      type: target.type,
      action: kind === 'resolve' ? 'resolve' : step > 0 || toldBefore ? 'escalate' : 'trigger',
      ...(kind === 'trigger' ? { step: Math.max(0, step) } : {}),
      minutesSinceBreach: Math.round((this.now - breachedAtMs) / MINUTE_MS),
      dedupKey: alertView(lead.snapshot, level, { ...this.config, incident })?.dedupKey ?? ep.incident,
    };
  }
}

/** Every ALARM and OK transition of the notifying alarms, in time order (INSUFFICIENT_DATA has no actions). */
function notifications(alarms: Map<string, SimAlarm>) {
  const out: { alarm: SimAlarm; transition: Transition; previous: AlarmState }[] = [];
  for (const alarm of alarms.values()) {
    let previous: AlarmState = 'INSUFFICIENT_DATA';
    for (const transition of alarm.timeline.transitions) {
      if (transition.state !== 'INSUFFICIENT_DATA') out.push({ alarm, transition, previous });
      previous = transition.state;
    }
  }
  return out.sort(
    (a, b) =>
      a.transition.atMs - b.transition.atMs ||
      compare(a.alarm.timeline.definition.key, b.alarm.timeline.definition.key),
  );
}

/**
 * Runs the deployed notifier on the simulation's transitions; undefined when the parameters
 * configure no destination (no notifier would be deployed to route anything).
 * @throws AlertSpecError for specs the deploy would refuse (parseStackParameters refuses them first).
 */
export async function previewRouting(
  result: SimulationResult,
  params: StackParameters,
  breaches: ReadonlyMap<string, number> = breachTimes(result, params),
): Promise<RoutingPreview | undefined> {
  if (params.alertTargets.trim() === '') return undefined;
  const config = parseNotifierConfig(JSON.stringify(notifierSettings(params, result.names, {})));
  const resources = alarmResources(result.definitions, {
    warning: topicArn(config.topics.warning),
    critical: topicArn(config.topics.critical),
  });
  const alarms = new Map<string, SimAlarm>();
  for (const timeline of result.timelines) {
    const def = timeline.definition;
    const properties = resources[logicalId('Alarm', def.key)]?.Properties as Json | undefined;
    if (timeline.simulated && def.level !== 'none' && properties)
      alarms.set(def.name, { timeline, properties, level: def.level });
  }
  const notifier = new SimulatedNotifier(config, alarms, result.fromMs);
  const queue = notifications(alarms);
  let next = 0;
  for (let minute = floorMinute(result.fromMs); minute <= result.toMs; minute += MINUTE_MS) {
    for (; next < queue.length && (queue[next]?.transition.atMs ?? 0) <= minute; next++) {
      const { alarm, transition, previous } = queue[next] as (typeof queue)[number];
      notifier.now = Math.max(notifier.now, transition.atMs);
      const def = alarm.timeline.definition;
      const breach = breaches.get(`${def.key}@${transition.atMs}`);
      if (transition.state === 'ALARM' && breach !== undefined) notifier.breach.set(def.name, breach);
      await notifier.notify(alarm, transition, previous);
    }
    notifier.now = minute;
    await notifier.tick();
  }
  for (const i of notifier.incidents) {
    i.messages.sort(byTime);
    i.alarms.sort((a, b) => a.alarmAtMs - b.alarmAtMs || compare(a.alarm, b.alarm));
  }
  const messages = notifier.incidents.flatMap((i) => i.messages).sort(byTime);
  return {
    destinations: config.targets.map((t) => ({ name: t.name, type: t.type })),
    policies: config.policies,
    incidents: notifier.incidents.sort(
      (a, b) => a.openedAtMs - b.openedAtMs || compare(a.incident, b.incident),
    ),
    messages,
    perDay: perDay(messages),
  };
}
