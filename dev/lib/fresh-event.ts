/**
 * A subscription event whose invocation records were made just now. The bundled fixture
 * (events/fixtures/subscription-lambda-event.json) is from 2025, and the ingest function rejects
 * records CloudWatch would not accept a datapoint for (older than 14 days, or 2 hours ahead:
 * shared/contract/limits.ts) as `outside-time-window`, so `serverless invoke local` on it writes
 * no per-model metric. A static file cannot stay inside that window; this moves every record by
 * one offset so the newest was made a minute before `nowMs`, keeping their spacing.
 */
import {
  decodeLambdaEvent,
  encodeSubscriptionEvent,
  type SubscriptionPayload,
} from '../../shared/ingest/1-decode';

/** How long before `nowMs` the newest record was made: inside the window, and a complete minute. */
export const FRESH_EVENT_LAG_MS = 60_000;

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/** The record a log event carries, when it is a JSON object with a parseable `timestamp`. */
function timedRecord(message: unknown): { record: Record<string, unknown>; timeMs: number } | undefined {
  if (typeof message !== 'string') return undefined;
  let record: unknown;
  try {
    record = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const stamp = (record as { timestamp?: unknown }).timestamp;
  const timeMs = typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
  return Number.isFinite(timeMs) ? { record: record as Record<string, unknown>, timeMs } : undefined;
}

/**
 * The payload with every timestamped record (and its log event) moved by one whole number of
 * seconds, so the newest record is `FRESH_EVENT_LAG_MS` before `nowMs`; other lines are kept as
 * they are. Nothing but the times changes.
 * @example shiftedPayload(decodeLambdaEvent(fixture), Date.now()).logEvents.length // 3
 */
export function shiftedPayload(payload: SubscriptionPayload, nowMs: number): SubscriptionPayload {
  const timed = payload.logEvents.map((e) => timedRecord(e.message));
  const newest = Math.max(...timed.map((t) => t?.timeMs ?? Number.NEGATIVE_INFINITY));
  if (!Number.isFinite(newest)) return payload;
  const shiftMs = Math.floor((nowMs - FRESH_EVENT_LAG_MS - newest) / 1000) * 1000;
  return {
    ...payload,
    logEvents: payload.logEvents.map((e, i) => {
      const t = timed[i];
      if (!t) return e;
      const message = JSON.stringify({ ...t.record, timestamp: isoSeconds(t.timeMs + shiftMs) });
      return { ...e, timestamp: e.timestamp + shiftMs, message };
    }),
  };
}

/**
 * A subscription event (either shape the function takes) as a direct subscription event whose
 * records were made just before `nowMs`.
 * @throws SubscriptionDecodeError when the event is not a subscription event.
 */
export function freshEvent(event: unknown, nowMs: number): { awslogs: { data: string } } {
  return encodeSubscriptionEvent(shiftedPayload(decodeLambdaEvent(event), nowMs));
}
