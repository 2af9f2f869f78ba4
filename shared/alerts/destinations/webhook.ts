/**
 * A generic JSON webhook: the whole alert view, versioned, with the action. For anything the other
 * destinations do not cover (an internal incident tool, a chat bot).
 */
import { isObject } from '../../json';
import type { SavingsReport } from '../savings-report';
import type { AlertView } from '../view';
import { type AlertAction, type Destination, type HttpRequest, postJson } from './request';
import { checkedUrl } from './url';

/** The payload's version: bumped on any change a receiver could notice. */
export const WEBHOOK_PAYLOAD_VERSION = '1';

/**
 * The POST for one alert or its resolution, with the secret's extra headers (an auth token).
 * @example webhookRequest(view, 'trigger', { url, headers: { authorization: 'Bearer …' } })
 */
export function webhookRequest(
  view: AlertView,
  action: AlertAction,
  secret: { url: string; headers: Record<string, string> },
): HttpRequest {
  return postJson(
    secret.url,
    { version: WEBHOOK_PAYLOAD_VERSION, source: 'bedrock-watch', action, alert: view },
    secret.headers,
  );
}

/**
 * The weekly savings report, whole (a webhook has no length limit): `action: "report"` and a
 * `report` object in place of `alert`, so a receiver tells the two apart by `action`.
 * @example webhookReportRequest(report, { url, headers: {} })
 */
export function webhookReportRequest(
  report: SavingsReport,
  secret: { url: string; headers: Record<string, string> },
): HttpRequest {
  return postJson(
    secret.url,
    {
      version: WEBHOOK_PAYLOAD_VERSION,
      source: 'bedrock-watch',
      action: 'report',
      report: { kind: 'savings', subject: report.subject, text: report.text, paragraphs: report.paragraphs },
    },
    secret.headers,
  );
}

const stringMap = (v: unknown): Record<string, string> =>
  isObject(v)
    ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};

export const WEBHOOK = {
  pages: false,
  idempotent: false,
  parseSecret: (raw, json, urls) => ({
    url: checkedUrl(json ? json.url : raw, 'the webhook URL', urls),
    headers: stringMap(json?.headers),
  }),
  request: webhookRequest,
  report: { request: webhookReportRequest },
} satisfies Destination<{ url: string; headers: Record<string, string> }>;
