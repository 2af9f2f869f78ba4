/**
 * Remediation events: for every transition of an alarm a machine can act on (budget crossed,
 * projected overrun, throttle storm, critical latency), one EventBridge event with a versioned,
 * documented `detail` (docs/alerts.md, Remediation events). Rules match on it to throttle a team,
 * fail over to another model or region, or page a person.
 */
import type { AlarmEvent } from './alarm-event';
import { type AlarmFamily, FAMILY_GUIDES } from './families';
import type { AlertView } from './view';

export const REMEDIATION_SOURCE = 'bedrock-watch';
export const REMEDIATION_DETAIL_TYPE = 'Bedrock Watch Alarm State Change';
/** Bumped on any change a rule or consumer could notice; fields are only ever added within a version. */
export const REMEDIATION_SCHEMA_VERSION = '1';

/** The `detail` of a remediation event, version 1. */
export interface RemediationDetailV1 {
  version: '1';
  alarm: string;
  /** The alarm's family (`budget`, `budget-projection`, `throttle-rate`, `latency-p95`). */
  family: string;
  /** The alarm's key within the stack, e.g. `budget-90-all`. */
  key: string;
  level: 'warning' | 'critical';
  state: 'ALARM' | 'OK';
  /** `all`, the model id as logged, or `<dimension>=<value>` for an attribution value. */
  scope: string;
  model?: string;
  team?: { dimension: string; value: string };
  value?: number;
  threshold?: number;
  comparison?: string;
  window?: { periodSeconds: number; evaluationPeriods: number; datapointsToAlarm: number };
  /** When the alarm changed to `state`. */
  since: string;
  region?: string;
  account?: string;
}

/**
 * Whether the transitions of this alarm are published: its family says a machine may act on it,
 * always or only at critical.
 * @example isRemediable('latency-p95', 'warning') // false
 */
export function isRemediable(family: AlarmFamily, level: 'warning' | 'critical'): boolean {
  const when = FAMILY_GUIDES[family].remediable;
  return when === 'always' || (when === 'critical' && level === 'critical');
}

/** The detail of one transition (the view's figures, the event's window). */
export function remediationDetail(view: AlertView, event: AlarmEvent): RemediationDetailV1 {
  const scope =
    view.scope.kind === 'model'
      ? (view.scope.model as string)
      : view.scope.kind === 'team' && view.scope.team
        ? `${view.scope.team.dimension}=${view.scope.team.value}`
        : 'all';
  return {
    version: REMEDIATION_SCHEMA_VERSION,
    alarm: view.alarm,
    family: view.family,
    key: view.key,
    level: view.level,
    state: event.state === 'ALARM' ? 'ALARM' : 'OK',
    scope,
    ...(view.scope.model ? { model: view.scope.model } : {}),
    ...(view.scope.team ? { team: view.scope.team } : {}),
    ...(event.value !== undefined ? { value: event.value } : {}),
    ...(event.threshold !== undefined ? { threshold: event.threshold } : {}),
    ...(event.comparison ? { comparison: event.comparison } : {}),
    ...(event.periodSeconds && event.evaluationPeriods
      ? {
          window: {
            periodSeconds: event.periodSeconds,
            evaluationPeriods: event.evaluationPeriods,
            datapointsToAlarm: event.datapointsToAlarm ?? event.evaluationPeriods,
          },
        }
      : {}),
    since: new Date(event.atMs).toISOString(),
    ...(view.region ? { region: view.region } : {}),
    ...(view.account ? { account: view.account } : {}),
  };
}

/** The PutEvents entry of one transition. */
export function remediationEntry(detail: RemediationDetailV1, eventBusName: string, alarmArn?: string) {
  return {
    Source: REMEDIATION_SOURCE,
    DetailType: REMEDIATION_DETAIL_TYPE,
    Detail: JSON.stringify(detail),
    EventBusName: eventBusName,
    Time: new Date(detail.since),
    ...(alarmArn ? { Resources: [alarmArn] } : {}),
  };
}
