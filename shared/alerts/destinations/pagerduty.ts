/**
 * PagerDuty Events API v2: `trigger` with the alert as payload and custom details, `resolve` with
 * the same `dedup_key`, one per incident (not per episode): a second trigger with it while the
 * incident is open adds to that incident, and after a resolve PagerDuty opens a new incident for
 * the next trigger. Summary at most 1024 characters, dedup_key at most 255.
 */
import { AlertSpecError } from '../spec-error';
import { type AlertView, contributorLines } from '../view';
import { type AlertAction, clip, type Destination, type HttpRequest, postJson } from './request';
import { checkedUrl } from './url';

export const PAGERDUTY_ENDPOINT = 'https://events.pagerduty.com/v2/enqueue';
/** The Events API's documented hosts (US and EU service regions): the routing key goes nowhere else. */
export const PAGERDUTY_HOSTS = ['events.pagerduty.com', 'events.eu.pagerduty.com'] as const;

type PagerDutySecret = { routingKey: string; endpoint: string };

/**
 * The Events API request for one alert or its resolution.
 * @example pagerDutyRequest(view, 'resolve', { routingKey, endpoint: PAGERDUTY_ENDPOINT })
 */
export function pagerDutyRequest(view: AlertView, action: AlertAction, secret: PagerDutySecret): HttpRequest {
  if (action === 'resolve') {
    return postJson(secret.endpoint, {
      routing_key: secret.routingKey,
      event_action: 'resolve',
      dedup_key: view.dedupKey,
    });
  }
  const links = [
    ...(view.dashboardUrl ? [{ href: view.dashboardUrl, text: 'Dashboard' }] : []),
    ...(view.alarmUrl ? [{ href: view.alarmUrl, text: 'CloudWatch alarm' }] : []),
  ];
  return postJson(secret.endpoint, {
    routing_key: secret.routingKey,
    event_action: 'trigger',
    dedup_key: view.dedupKey,
    payload: {
      summary: clip(`${view.headline}: ${view.summary}`, 1024),
      source: `bedrock-watch ${view.account ?? ''} ${view.region ?? ''}`.trim(),
      severity: view.level === 'critical' ? 'critical' : 'warning',
      timestamp: view.since,
      component: view.scope.label,
      group: 'bedrock-watch',
      class: view.family,
      custom_details: {
        alarm: view.alarm,
        level: view.level,
        scope: view.scope.label,
        ...(view.scope.model ? { model: view.scope.model } : {}),
        ...(view.scope.team ? { team: `${view.scope.team.dimension}=${view.scope.team.value}` } : {}),
        value_vs_threshold: view.summary,
        since: view.since,
        meaning: view.meaning,
        reason: view.reason,
        why_this_alarm: view.rationale,
        runbook: view.runbook,
        ...(view.contributors ? { top_contributors: contributorLines(view.contributors) } : {}),
        ...(view.incident ? { incident: view.incident.key, incident_alarms: view.incident.alarms } : {}),
      },
    },
    client: 'bedrock-watch',
    ...(view.dashboardUrl ? { client_url: view.dashboardUrl } : {}),
    links,
  });
}

export const PAGERDUTY = {
  pages: true,
  idempotent: true,
  parseSecret: (raw, json, urls) => {
    const routingKey = json ? json.routingKey : raw.trim();
    if (typeof routingKey !== 'string' || !/^[A-Za-z0-9]{32}$/.test(routingKey))
      throw new AlertSpecError('the PagerDuty routing key must be the 32-character integration key');
    const endpoint =
      json?.endpoint === undefined
        ? PAGERDUTY_ENDPOINT
        : checkedUrl(json.endpoint, 'endpoint', urls, PAGERDUTY_HOSTS);
    return { routingKey, endpoint };
  },
  request: pagerDutyRequest,
  // A weekly FinOps report is not an incident: it must not page anyone or open an alert.
  report: { skip: 'paging destination: a weekly savings report must not open an incident' },
} satisfies Destination<PagerDutySecret>;
