/**
 * The notifier's work, apart from its wiring (handler.ts): an SNS alarm notification or the minute
 * tick in, deliveries to the configured destinations and remediation events out, through the
 * escalation state. Every dependency is passed in (store, secrets, HTTP, EventBridge, CloudWatch,
 * clock), so tests run it against real HTTP receivers and a fake clock.
 */
import {
  type AlarmEvent,
  type AlarmState,
  alarmEventFromDescription,
  parseAlarmNotification,
  parseAlarmTime,
} from '../../shared/alerts/alarm-event';
import { contributorQuery, rankContributors } from '../../shared/alerts/contributors';
import { DEFAULT_RETRY, type DeliveryResult, deliver, networkErrorCode } from '../../shared/alerts/delivery';
import { type AlertAction, DESTINATIONS, destinationRequest } from '../../shared/alerts/destinations/index';
import {
  alarmsBehind,
  type Episode,
  type EscalationDeps,
  incidentKeyOf,
  type Outcome,
  onAlarm,
  onResolved,
  onTick,
} from '../../shared/alerts/escalation';
import { levelOfTopic, type NotifierConfig } from '../../shared/alerts/notifier-config';
import { isRemediable, remediationDetail, remediationEntry } from '../../shared/alerts/remediation';
import { isAdviceRecord, parseSavingsReport } from '../../shared/alerts/savings-report';
import { type AlertLevel, type AlertView, alertView, type Contributors } from '../../shared/alerts/view';
import type { Json } from '../../shared/json';
import { HTTP_TIMEOUT_MS } from './http';
import type { NotifierDeps } from './notifier-deps';
import { deliverSavingsReport, destinationSecretOf, type ReportOutcome } from './reports';

export type { NotifierDeps } from './notifier-deps';

/** When this run must be done (by `deps.now`): the function's timeout less a margin. */
export interface RunOptions {
  deadlineMs?: number;
}

/** Without a deadline from Lambda: within the notifier's 30 s timeout, with room to record results. */
export const DEFAULT_RUN_MS = 25_000;

export interface NotifierReport {
  outcomes: Outcome[];
  rejected: { reason: string; messageId?: string }[];
  /** The weekly savings report's deliveries, when the invocation carried one (reports.ts). */
  reports?: ReportOutcome[];
}

/** One SNS record as the handler passes it on: the message, its subject and its string attributes. */
export interface NotificationRecord {
  messageId?: string;
  topicArn: string;
  message: string;
  subject?: string;
  attributes?: Readonly<Record<string, string>>;
}

/** Some deliveries failed: thrown after all were tried, so Lambda retries and the failure queue keeps the event. */
export class DeliveryFailedError extends Error {
  override readonly name = 'DeliveryFailedError';
}

/** The contributors of an alarm, once per run; a failed lookup leaves them out rather than the message. */
function contributorsOf(deps: NotifierDeps) {
  const cache = new Map<string, Promise<Contributors | undefined>>();
  return (view: AlertView): Promise<Contributors | undefined> => {
    const q = deps.search ? contributorQuery(view, deps.config, deps.now()) : undefined;
    if (!q || !deps.search) return Promise.resolve(undefined);
    const search = deps.search;
    const cached =
      cache.get(view.alarm) ??
      search(q).then(
        (r) => rankContributors(q, r),
        (error: unknown) => {
          deps.log('warn', 'Contributors unavailable', {
            alarm: view.alarm,
            error: error instanceof Error ? error.name : 'error',
          });
          return undefined;
        },
      );
    cache.set(view.alarm, cached);
    return cached;
  };
}

/** A failed delivery that never reached the network. */
const notSent = (permanent: boolean, error: string): DeliveryResult => ({
  ok: false,
  permanent,
  attempts: 0,
  error,
});

function escalationDeps(deps: NotifierDeps, deadlineMs: number): EscalationDeps {
  const { config } = deps;
  const contributors = contributorsOf(deps);
  const viewOf = async (ep: Episode, event: AlarmEvent, action: AlertAction) => {
    const incident = { key: ep.incident, alarms: alarmsBehind(ep) };
    const plain = alertView(event, ep.level, { ...config, incident });
    if (!plain || action === 'resolve') return plain;
    const top = await contributors(plain);
    return top ? { ...plain, ...(top.top.length > 0 ? { contributors: top } : {}) } : plain;
  };
  const send = async (
    name: string,
    action: AlertAction,
    ep: Episode,
    event: AlarmEvent,
  ): Promise<DeliveryResult> => {
    const target = config.targets.find((t) => t.name === name);
    const view = await viewOf(ep, event, action);
    if (!target || !view) return notSent(true, `no target or view for ${name}`);
    const read = await destinationSecretOf(deps, target);
    if ('failed' in read) return read.failed;
    const { secret } = read;
    return deliver(deps.http, destinationRequest(view, action, secret), {
      ...DEFAULT_RETRY,
      sleep: deps.sleep,
      idempotent: DESTINATIONS[target.type].idempotent,
      timeoutMs: HTTP_TIMEOUT_MS,
      deadlineMs,
      now: deps.now,
    });
  };
  const putEvents = deps.putEvents;
  const publish = async (_ep: Episode, event: AlarmEvent, level: AlertLevel): Promise<DeliveryResult> => {
    const view = alertView(event, level, config);
    if (!view || !putEvents || !config.eventBus || !isRemediable(view.family, level))
      return { ok: true, status: 0, attempts: 0 };
    try {
      const { failed } = await putEvents([
        remediationEntry(remediationDetail(view, event), config.eventBus, event.arn),
      ]);
      return failed === 0
        ? { ok: true, status: 200, attempts: 1 }
        : { ok: false, permanent: false, attempts: 1, error: 'PutEvents entry failed' };
    } catch (error) {
      return { ok: false, permanent: false, attempts: 1, error: networkErrorCode(error) };
    }
  };
  return {
    store: deps.store,
    now: deps.now,
    runId: deps.runId(),
    namePrefix: config.namePrefix,
    policy: (level) => config.policies[level],
    resolveAfterMinutes: config.resolveAfterMinutes,
    send,
    ...(config.eventBus && deps.putEvents ? { publish } : {}),
  };
}

/** Logs and counts the outcomes; the failures that should fail the invocation. */
function account(deps: NotifierDeps, outcomes: Outcome[], failBefore: boolean): Outcome[] {
  for (const o of outcomes) {
    if (o.result === 'sent') deps.count('delivered');
    if (o.result === 'failed' || o.result === 'error') deps.count('failed');
    deps.log(o.result === 'failed' || o.result === 'error' ? 'error' : 'info', 'Alert delivery', { ...o });
  }
  return outcomes.filter((o) => o.result === 'failed' || (failBefore && o.result === 'failed-before'));
}

/** Why a notification is not acted on: unreadable, from another topic, or an alarm we do not know. */
function rejectionOf(
  event: ReturnType<typeof parseAlarmNotification>,
  level: AlertLevel | undefined,
  namePrefix: string,
): string | undefined {
  if ('rejected' in event) return event.rejected;
  if (!level) return 'unknown-topic';
  // Another stack's alarm on the topic, or a family this notifier has no guide for.
  return incidentKeyOf(event, namePrefix) ? undefined : 'unknown-alarm';
}

/** The report an advice record holds: from one of our topics, in the advisor's words for this stack. */
function adviceOf(record: NotificationRecord, config: NotifierConfig) {
  if (!levelOfTopic(record.topicArn, config.topics)) return { rejected: 'unknown-topic' } as const;
  return parseSavingsReport(record.subject, record.message, config.namePrefix);
}

/**
 * Handles the SNS records of one invocation: each alarm change goes through escalation; the weekly
 * savings report goes once to the warning destinations (reports.ts).
 * @throws DeliveryFailedError when a delivery failed (after trying every other one).
 */
export async function handleNotifications(
  deps: NotifierDeps,
  records: readonly NotificationRecord[],
  options: RunOptions = {},
): Promise<NotifierReport> {
  const deadlineMs = options.deadlineMs ?? deps.now() + DEFAULT_RUN_MS;
  const escalation = escalationDeps(deps, deadlineMs);
  const report: NotifierReport = { outcomes: [], rejected: [] };
  const reject = (reason: string, messageId: string | undefined) => {
    deps.count('rejected', reason);
    deps.log('warn', 'Notification rejected', { reason, messageId });
    report.rejected.push({ reason, ...(messageId ? { messageId } : {}) });
  };
  for (const record of records) {
    // The weekly savings report, known by its attribute: delivered once, never escalated.
    if (isAdviceRecord(record.attributes)) {
      const advice = adviceOf(record, deps.config);
      if ('rejected' in advice) reject(advice.rejected, record.messageId);
      else {
        const sent = await deliverSavingsReport(deps, advice, record.messageId, deadlineMs);
        report.reports = [...(report.reports ?? []), ...sent];
      }
      continue;
    }
    const event = parseAlarmNotification(record.message);
    const level = levelOfTopic(record.topicArn, deps.config.topics);
    const reason = rejectionOf(event, level, deps.config.namePrefix);
    if (reason || 'rejected' in event || !level) {
      reject(reason ?? 'rejected', record.messageId);
      continue;
    }
    if (event.state === 'ALARM') report.outcomes.push(...(await onAlarm(escalation, event, level)));
    else report.outcomes.push(...(await onResolved(escalation, event)));
  }
  const failed = account(deps, report.outcomes, true);
  if (failed.length > 0)
    throw new DeliveryFailedError(
      `${failed.length} deliveries failed: ${failed.map((f) => `${f.alarm} ${f.delivery}`).join(', ')}`,
    );
  return report;
}

/** The level of a described alarm: which of our topics its ALARM actions notify. */
function levelOfActions(alarm: Json, config: NotifierConfig): AlertLevel | undefined {
  const actions = Array.isArray(alarm.AlarmActions)
    ? alarm.AlarmActions.filter((a): a is string => typeof a === 'string')
    : [];
  for (const arn of actions) {
    const level = levelOfTopic(arn, config.topics);
    if (level) return level;
  }
  return undefined;
}

/** The current state of described alarms, and since when (the change, not our clock). */
function statesOf(names: string[], found: Json[]) {
  const states = new Map<string, { state: AlarmState; atMs: number } | undefined>(
    names.map((n) => [n, undefined]),
  );
  for (const a of found) {
    const atMs = parseAlarmTime(a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp);
    if (typeof a.AlarmName === 'string' && typeof a.StateValue === 'string' && atMs !== undefined)
      states.set(a.AlarmName, { state: a.StateValue as AlarmState, atMs });
  }
  return states;
}

/**
 * The minute tick: escalates what is due, closes what left ALARM unseen, finishes resolves.
 * @throws DeliveryFailedError when a delivery made in this run failed.
 */
export async function handleTick(deps: NotifierDeps, options: RunOptions = {}): Promise<NotifierReport> {
  const rejected: NotifierReport['rejected'] = [];
  const inAlarm = (await deps.alarms.inAlarm()).flatMap((alarm) => {
    const event = alarmEventFromDescription(alarm);
    const level = levelOfActions(alarm, deps.config);
    if ('rejected' in event || !level) return [];
    if (!incidentKeyOf(event, deps.config.namePrefix)) {
      deps.count('rejected', 'unknown-alarm');
      rejected.push({ reason: 'unknown-alarm' });
      return [];
    }
    return [{ event, level }];
  });
  const outcomes = await onTick(escalationDeps(deps, options.deadlineMs ?? deps.now() + DEFAULT_RUN_MS), {
    inAlarm,
    stateOf: async (names) => statesOf(names, await deps.alarms.byName(names)),
  });
  const failed = account(deps, outcomes, false);
  if (failed.some((f) => f.result === 'failed'))
    throw new DeliveryFailedError(
      `${failed.length} deliveries failed: ${failed.map((f) => `${f.alarm} ${f.delivery}`).join(', ')}`,
    );
  return { outcomes, rejected };
}
