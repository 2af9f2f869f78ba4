/**
 * A generic JSON webhook: the whole alert view, versioned, with the action. For anything the other
 * destinations do not cover (an internal incident tool, a chat bot).
 */
import type { AlertView } from '../view';
import { type AlertAction, type HttpRequest, postJson } from './request';

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
