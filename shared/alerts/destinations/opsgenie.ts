/**
 * Opsgenie Alert API: create with the incident's stable alias (Opsgenie keeps one open alert per alias),
 * close by that alias. Message at most 130 characters, description 15000, alias 512.
 */
import { AlertSpecError } from '../spec-error';
import { type AlertView, contributorLines, incidentLine, resolution } from '../view';
import { type AlertAction, clip, type Destination, type HttpRequest, postJson } from './request';
import { checkedUrl } from './url';

export const OPSGENIE_API = 'https://api.opsgenie.com';
/** The Alert API's documented hosts (US and EU instances): the API key goes nowhere else. */
export const OPSGENIE_HOSTS = ['api.opsgenie.com', 'api.eu.opsgenie.com'] as const;

type OpsgenieSecret = { apiKey: string; apiUrl: string };

/**
 * The create or close request for one alert.
 * @example opsgenieRequest(view, 'trigger', { apiKey, apiUrl: OPSGENIE_API })
 */
export function opsgenieRequest(view: AlertView, action: AlertAction, secret: OpsgenieSecret): HttpRequest {
  const auth = { authorization: `GenieKey ${secret.apiKey}` };
  const alias = clip(view.dedupKey, 512);
  if (action === 'resolve') {
    return postJson(
      `${secret.apiUrl}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      { source: 'bedrock-watch', note: resolution(view) },
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
    ...(incidentLine(view) ? [incidentLine(view) as string] : []),
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

export const OPSGENIE = {
  pages: true,
  idempotent: true,
  parseSecret: (raw, json, urls) => {
    const apiKey = json ? json.apiKey : raw.trim();
    if (typeof apiKey !== 'string' || !/^[A-Za-z0-9-]{8,128}$/.test(apiKey))
      throw new AlertSpecError('the Opsgenie API key is missing or malformed');
    const apiUrl =
      json?.apiUrl === undefined ? OPSGENIE_API : checkedUrl(json.apiUrl, 'apiUrl', urls, OPSGENIE_HOSTS);
    return { apiKey, apiUrl };
  },
  request: opsgenieRequest,
  // A weekly FinOps report is not an incident: it must not page anyone or open an alert.
  report: { skip: 'paging destination: a weekly savings report must not open an incident' },
} satisfies Destination<OpsgenieSecret>;
