import {
  type AttributionMinuteBucket,
  aggregateAttribution,
  aggregateByMinute,
  type ModelMinuteBucket,
} from './aggregate';
import { type AttributionResolver, dimensionNameOf } from './attribution';
import { dedupeInvocations } from './dedupe';
import { type EmfOptions, toAttributionEmfDocuments, toEmfDocuments } from './emf';
import { type Invocation, parseInvocationRecord, type Rejection } from './invocation-record';
import { type PriceResult, type PriceTable, priceInvocation } from './pricing';
import type { SubscriptionPayload } from './subscription';

export interface BatchDependencies {
  /** The injected clock (epoch ms). */
  nowMs: number;
  priceTable: PriceTable;
  emf: EmfOptions;
  /** Application inference profile (ARN or id) → model id; configured and looked up. */
  inferenceProfiles?: ReadonlyMap<string, string>;
  /** Attribution by caller and requestMetadata keys; none when absent. */
  attribution?: AttributionResolver;
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
  attributionBuckets: AttributionMinuteBucket[];
  documents: string[];
  /** processing time − the oldest accepted record's time; undefined when nothing was accepted. */
  maxDeliveryLagMs?: number;
  /** Models with at least one successful call we could not price, for a warning. */
  unpricedModels: string[];
}

/**
 * Runs one decoded batch through parse → dedupe → aggregate → price → EMF. Pure apart from the
 * attribution resolver's bounded memory of values seen: it prints nothing, so the caller can emit
 * only once the whole batch is done.
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
  // Priced once per invocation: model and attribution series must agree to the cent.
  const prices = new Map<Invocation, PriceResult>();
  const unpriced = new Set<string>();
  for (const invocation of invocations) {
    const price = priceInvocation(invocation, deps.priceTable, deps.inferenceProfiles);
    if (price.kind === 'unpriced') unpriced.add(invocation.modelId);
    prices.set(invocation, price);
  }
  const priceOf = (invocation: Invocation) => prices.get(invocation) ?? { kind: 'not-billable' as const };
  const buckets = aggregateByMinute(invocations, priceOf);
  const attribution = deps.attribution;
  const attributionBuckets = attribution
    ? aggregateAttribution(invocations, priceOf, (invocation) => {
        const values: Record<string, string> = {};
        for (const [key, value] of Object.entries(attribution.resolve(invocation)))
          values[dimensionNameOf(key)] = value;
        return values;
      })
    : [];
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
    attributionBuckets,
    documents: [
      ...toEmfDocuments(buckets, deps.emf),
      ...toAttributionEmfDocuments(attributionBuckets, deps.emf),
    ],
    ...(invocations.length > 0 ? { maxDeliveryLagMs: Math.max(0, deps.nowMs - oldest) } : {}),
    unpricedModels: [...unpriced].sort(),
  };
}
