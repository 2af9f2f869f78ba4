/**
 * PagerDuty Events API v2: `trigger` with the alert as payload and custom details, `resolve` with
 * the same `dedup_key`, one per alarm (not per episode): after a resolve, PagerDuty opens a new
 * incident for the next trigger. Summary at most 1024 characters, dedup_key at most 255.
 */
import { type AlertView, contributorLines } from '../view';
import { type AlertAction, clip, type HttpRequest, postJson } from './request';

/**
 * The Events API request for one alert or its resolution.
 * @example pagerDutyRequest(view, 'resolve', { routingKey, endpoint: PAGERDUTY_ENDPOINT })
 */
export function pagerDutyRequest(
  view: AlertView,
  action: AlertAction,
  secret: { routingKey: string; endpoint: string },
): HttpRequest {
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
      },
    },
    client: 'bedrock-watch',
    ...(view.dashboardUrl ? { client_url: view.dashboardUrl } : {}),
    links,
  });
}
