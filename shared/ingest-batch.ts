import { aggregateByMinute, type ModelMinuteBucket } from './aggregate';
import { dedupeInvocations } from './dedupe';
import { type EmfOptions, toEmfDocuments } from './emf';
import { type Invocation, parseInvocationRecord, type Rejection } from './invocation-record';
import { type PriceTable, priceInvocation } from './pricing';
import type { SubscriptionPayload } from './subscription';

export interface BatchDependencies {
  /** The injected clock (epoch ms). */
  nowMs: number;
  priceTable: PriceTable;
  emf: EmfOptions;
}

export interface RecordCounts {
  /** Log events in the batch (a CONTROL_MESSAGE has none). */
  received: number;
  /** Unique invocations counted. accepted + duplicates + rejected = received. */
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
}

/** What one batch produced; `documents` is all the handler prints. */
export interface BatchResult {
  counts: RecordCounts;
  rejections: Rejection[];
  buckets: ModelMinuteBucket[];
  documents: string[];
  /** processing time − the oldest accepted record's time; undefined when nothing was accepted. */
  maxDeliveryLagMs?: number;
  /** Models with at least one successful call we could not price, for a warning. */
  unpricedModels: string[];
}

/**
 * Runs one decoded batch through parse → dedupe → aggregate → price → EMF. Pure: it prints
 * nothing, so the caller can emit only once the whole batch is done.
 */
export function ingestBatch(payload: SubscriptionPayload, deps: BatchDependencies): BatchResult {
  const parsed: Invocation[] = [];
  const rejections: Rejection[] = [];
  const rejectedByReason: Record<string, number> = {};
  for (const event of payload.logEvents) {
    const result = parseInvocationRecord(event.message, { nowMs: deps.nowMs, logEventId: event.id });
    if (result.ok) {
      parsed.push(result.invocation);
    } else {
      rejections.push(result.rejection);
      rejectedByReason[result.rejection.reason] = (rejectedByReason[result.rejection.reason] ?? 0) + 1;
    }
  }
  const { invocations, duplicates } = dedupeInvocations(parsed);
  const unpriced = new Set<string>();
  const buckets = aggregateByMinute(invocations, (invocation) => {
    const price = priceInvocation(invocation, deps.priceTable);
    if (price.kind === 'unpriced') unpriced.add(invocation.modelId);
    return price;
  });
  let oldest = Number.POSITIVE_INFINITY;
  for (const inv of invocations) oldest = Math.min(oldest, inv.timeMs);
  return {
    counts: {
      received: payload.logEvents.length,
      accepted: invocations.length,
      duplicates,
      rejected: rejections.length,
      rejectedByReason,
    },
    rejections,
    buckets,
    documents: toEmfDocuments(buckets, deps.emf),
    ...(invocations.length > 0 ? { maxDeliveryLagMs: Math.max(0, deps.nowMs - oldest) } : {}),
    unpricedModels: [...unpriced].sort(),
  };
}
