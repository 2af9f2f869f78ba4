/**
 * Sending one request with retries: a 2xx is done; a 429, a 5xx or a network error is retried with
 * a growing pause; any other status will not get better by retrying (a revoked key, a bad payload).
 * The outcome names the status, never the URL or the body (they carry secrets).
 */
import type { HttpRequest } from './destinations/request';

/** Sends a request; throws on network errors (DNS, refused, timeout). */
export type HttpSender = (request: HttpRequest) => Promise<{ status: number }>;

export type DeliveryResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; permanent: boolean; status?: number; attempts: number; error: string };

export interface RetryOptions {
  attempts: number;
  /** Pause before retry n (1-based) is backoffMs × 2^(n-1). */
  backoffMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: Omit<RetryOptions, 'sleep'> = { attempts: 3, backoffMs: 500 };

const retryable = (status: number) => status === 429 || status >= 500;

/**
 * Sends `request`, retrying what may succeed later.
 * @example await deliver(fetchSender, request, { ...DEFAULT_RETRY, sleep })
 */
export async function deliver(
  send: HttpSender,
  request: HttpRequest,
  options: RetryOptions,
): Promise<DeliveryResult> {
  let last: DeliveryResult = { ok: false, permanent: false, attempts: 0, error: 'not sent' };
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) await options.sleep(options.backoffMs * 2 ** (attempt - 2));
    try {
      const { status } = await send(request);
      if (status >= 200 && status < 300) return { ok: true, status, attempts: attempt };
      last = { ok: false, permanent: !retryable(status), status, attempts: attempt, error: `HTTP ${status}` };
      if (last.permanent) return last;
    } catch (error) {
      // The error's message may quote the URL; keep its name only.
      last = {
        ok: false,
        permanent: false,
        attempts: attempt,
        error: error instanceof Error ? error.name : 'error',
      };
    }
  }
  return last;
}
