/**
 * Sends a destination request over HTTPS with a timeout. Redirects are not followed: a webhook that
 * redirects would receive the alert (and a key in a header) at an address nobody configured.
 */
import type { HttpSender } from '../../shared/alerts/delivery';

export const HTTP_TIMEOUT_MS = 5000;

/** The notifier's HTTP sender, on fetch. */
export function createHttpSender(timeoutMs = HTTP_TIMEOUT_MS, send: typeof fetch = fetch): HttpSender {
  return async (request) => {
    const response = await send(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read the body so the connection can be reused; its content is not needed (or logged).
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status };
  };
}
