/**
 * Sending one request with retries: a 2xx is done; a 429, a 5xx or a network error is retried with
 * a growing pause (or the pause the destination asks for in Retry-After, when it is short); any
 * other status will not get better by retrying (a revoked key, a bad payload). A timeout is
 * ambiguous (the destination may have acted on the request): it is retried at once only where the
 * destination deduplicates by our key. No attempt starts that could not finish before the deadline.
 * The outcome names the status or the network error's code, never the URL or the body (secrets).
 */
import type { HttpRequest } from './destinations/request';

/** Sends a request; throws on network errors (DNS, refused, timeout). */
export type HttpSender = (request: HttpRequest) => Promise<{ status: number; retryAfter?: string }>;

export type DeliveryResult =
  | { ok: true; status: number; attempts: number }
  | {
      ok: false;
      permanent: boolean;
      status?: number;
      attempts: number;
      error: string;
      /** The destination asked to wait this long (Retry-After, bounded). */
      retryAfterMs?: number;
      /** The last attempt timed out: it may have been delivered. */
      timedOut?: boolean;
    };

export interface RetryOptions {
  attempts: number;
  /** Pause before retry n (1-based) is backoffMs × 2^(n-1). */
  backoffMs: number;
  sleep: (ms: number) => Promise<void>;
  /** The destination deduplicates by key: a timed-out request may be resent. */
  idempotent?: boolean;
  /** The sender's timeout, and when this delivery must be over (by `now`). */
  timeoutMs?: number;
  deadlineMs?: number;
  now?: () => number;
}

export const DEFAULT_RETRY: Omit<RetryOptions, 'sleep'> = { attempts: 3, backoffMs: 500 };
/** A Retry-After up to this is waited for within the run; a longer one is left to a later run. */
export const MAX_RETRY_AFTER_WAIT_MS = 5000;
/** What a Retry-After is believed up to. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

const retryable = (status: number) => status === 429 || status >= 500;

/** Retry-After in seconds or as an HTTP date, bounded; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - nowMs;
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_MS) : undefined;
}

/** A network error by its cause's code (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT), else its name. */
export function networkErrorCode(error: unknown): string {
  if (!(error instanceof Error)) return 'error';
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}

const TIMEOUTS = new Set([
  'TimeoutError',
  'AbortError',
  'ETIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

function failure(error: unknown, attempt: number): DeliveryResult & { ok: false } {
  const code = networkErrorCode(error);
  // A refusal by our own address check (RefusedAddressError) will not get better by retrying.
  const permanent = error instanceof Error && (error as { permanent?: unknown }).permanent === true;
  return {
    ok: false,
    permanent,
    attempts: attempt,
    error: code,
    ...(TIMEOUTS.has(code) ? { timedOut: true } : {}),
  };
}

/** A non-2xx answer: retryable (429, 5xx) or not, with the pause it asked for. */
function refusal(status: number, wait: number | undefined, attempt: number): DeliveryResult & { ok: false } {
  return {
    ok: false,
    permanent: !retryable(status),
    status,
    attempts: attempt,
    error: `HTTP ${status}`,
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  };
}

/** Whether an attempt after `pauseMs` could still finish before the deadline. */
const fits = (options: RetryOptions, pauseMs: number) =>
  options.deadlineMs === undefined ||
  (options.now?.() ?? Date.now()) + pauseMs + (options.timeoutMs ?? 0) <= options.deadlineMs;

/**
 * Sends `request`, retrying what may succeed later.
 * @example await deliver(fetchSender, request, { ...DEFAULT_RETRY, sleep })
 */
export async function deliver(
  send: HttpSender,
  request: HttpRequest,
  options: RetryOptions,
): Promise<DeliveryResult> {
  let last: DeliveryResult & { ok: false } = { ok: false, permanent: false, attempts: 0, error: 'deadline' };
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) {
      const asked = last.retryAfterMs ?? 0;
      if (asked > MAX_RETRY_AFTER_WAIT_MS) return last;
      const pause = Math.max(options.backoffMs * 2 ** (attempt - 2), asked);
      if (!fits(options, pause)) return last;
      await options.sleep(pause);
    } else if (!fits(options, 0)) return last;
    try {
      const { status, retryAfter } = await send(request);
      if (status >= 200 && status < 300) return { ok: true, status, attempts: attempt };
      last = refusal(status, retryAfterMs(retryAfter, options.now?.() ?? Date.now()), attempt);
      if (last.permanent) return last;
    } catch (error) {
      last = failure(error, attempt);
      if (last.permanent || (last.timedOut && !options.idempotent)) return last;
    }
  }
  return last;
}
