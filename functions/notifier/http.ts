/**
 * Sends a destination request over HTTPS with a timeout. Redirects are not followed: a webhook that
 * redirects would receive the alert (and a key in a header) at an address nobody configured. The
 * host's addresses are looked up first and an internal one is refused (a public name can point at
 * 169.254.169.254 or the VPC as well as an IP literal can; the secret check refuses the literals).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HttpSender } from '../../shared/alerts/delivery';
import { isInternalAddress, isLoopback } from '../../shared/alerts/destinations/url';

export const HTTP_TIMEOUT_MS = 5000;

/** The host resolves to an internal address: never retried (DeliveryResult permanent). */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
  readonly code = 'EREFUSEDADDRESS';
  readonly permanent = true;
}

export interface HttpSenderOptions {
  timeoutMs?: number;
  send?: typeof fetch;
  lookup?: (host: string) => Promise<{ address: string }[]>;
  /** Tests only: their receivers listen on 127.0.0.1. */
  allowLoopback?: boolean;
}

/** The notifier's HTTP sender, on fetch. */
export function createHttpSender(options: HttpSenderOptions = {}): HttpSender {
  const timeoutMs = options.timeoutMs ?? HTTP_TIMEOUT_MS;
  const send = options.send ?? fetch;
  const lookup = options.lookup ?? ((host: string) => dnsLookup(host, { all: true }));
  return async (request) => {
    const host = new URL(request.url).hostname.replace(/^\[|\]$/g, '');
    if (!(options.allowLoopback && isLoopback(host))) {
      const addresses = isIP(host) ? [{ address: host }] : await lookup(host);
      if (addresses.some((a) => isInternalAddress(a.address)))
        throw new RefusedAddressError('the destination resolves to an internal address');
    }
    const response = await send(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read the body so the connection can be reused; its content is not needed (or logged).
    await response.arrayBuffer().catch(() => undefined);
    const retryAfter = response.headers.get('retry-after');
    return { status: response.status, ...(retryAfter ? { retryAfter } : {}) };
  };
}
