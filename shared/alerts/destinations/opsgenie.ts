/**
 * Opsgenie Alert API: create with the alarm's stable alias (Opsgenie keeps one open alert per alias),
 * close by that alias. Message at most 130 characters, description 15000, alias 512.
 */
import { type AlertView, contributorLines } from '../view';
import { type AlertAction, clip, type HttpRequest, postJson } from './request';

/**
 * The create or close request for one alert.
 * @example opsgenieRequest(view, 'trigger', { apiKey, apiUrl: OPSGENIE_API })
 */
export function opsgenieRequest(
  view: AlertView,
  action: AlertAction,
  secret: { apiKey: string; apiUrl: string },
): HttpRequest {
  const auth = { authorization: `GenieKey ${secret.apiKey}` };
  const alias = clip(view.dedupKey, 512);
  if (action === 'resolve') {
    return postJson(
      `${secret.apiUrl}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      { source: 'bedrock-watch', note: `Back to OK since ${view.since}` },
      auth,
    );
  }
  const description = [
    view.meaning,
    view.description,
    `Value vs threshold: ${view.summary}`,
    `Since: ${view.since}`,
    `Reason: ${view.reason}`,
    ...(view.contributors
      ? [
          `Top by ${view.contributors.metric} ${view.contributors.window}:`,
          ...contributorLines(view.contributors),
        ]
      : []),
    'Runbook:',
    ...view.runbook.map((s, i) => `${i + 1}. ${s}`),
    `Why this alarm is set so: ${view.rationale}`,
    ...(view.dashboardUrl ? [`Dashboard: ${view.dashboardUrl}`] : []),
    ...(view.alarmUrl ? [`Alarm: ${view.alarmUrl}`] : []),
  ].join('\n');
  return postJson(
    `${secret.apiUrl}/v2/alerts`,
    {
      message: clip(view.headline, 130),
      alias,
      description: clip(description, 15_000),
      tags: ['bedrock-watch', view.family, view.level],
      details: {
        alarm: view.alarm,
        scope: view.scope.label,
        value_vs_threshold: view.summary,
        since: view.since,
      },
      entity: view.scope.label,
      source: 'bedrock-watch',
      priority: view.level === 'critical' ? 'P1' : 'P3',
    },
    auth,
  );
}
