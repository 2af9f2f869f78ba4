import { tupleKey } from '../keys';
import type { SubscriptionPayload } from './1-decode';
import { type Invocation, parseInvocationRecord, type Rejection } from './2-parse';
import { dedupeInvocations } from './3-dedupe';
import { applyPriceRule, type PriceResult, type PriceRule, type PriceTable, priceRuleFor } from './5-price';
import { type AttributionResolver, dimensionNameOf, type ModelIdLimiter } from './6-attribute';
import {
  type AttributionMinuteBucket,
  aggregateAttribution,
  aggregateByMinute,
  type ModelMinuteBucket,
} from './7-aggregate';
import { type EmfOptions, toAttributionEmfDocuments, toEmfDocuments } from './8-emf';

export interface BatchDependencies {
  /** The injected clock (epoch ms). */
  nowMs: number;
  priceTable: PriceTable;
  emf: EmfOptions;
  /** Application inference profile (ARN or id) → model id; configured and looked up. */
  inferenceProfiles?: ReadonlyMap<string, string>;
  /** Attribution by caller and requestMetadata keys; none when absent. */
  attribution?: AttributionResolver;
  /** The cap on distinct ModelId values; every id is reported when absent. */
  modelIds?: ModelIdLimiter;
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
  /** Model ids this batch was the first to fold into `Other` (the cap was reached), for a warning. */
  newlyFoldedModelIds: string[];
}

/** A batch after parsing and deduplication, before pricing and EMF. */
export interface ParsedBatch {
  received: number;
  invocations: Invocation[];
  duplicates: number;
  rejections: Rejection[];
  rejectedByReason: Record<string, number>;
}

/** Parse and deduplicate: the part of a batch that needs nothing but the clock. */
export function parseBatch(payload: SubscriptionPayload, nowMs: number): ParsedBatch {
  const parsed: Invocation[] = [];
  const rejections: Rejection[] = [];
  const rejectedByReason: Record<string, number> = {};
  for (const event of payload.logEvents) {
    const result = parseInvocationRecord(event.message, { nowMs, logEventId: event.id });
    if (result.ok) {
      parsed.push(result.invocation);
    } else {
      rejections.push(result.rejection);
      rejectedByReason[result.rejection.reason] = (rejectedByReason[result.rejection.reason] ?? 0) + 1;
    }
  }
  const { invocations, duplicates } = dedupeInvocations(parsed);
  return { received: payload.logEvents.length, invocations, duplicates, rejections, rejectedByReason };
}

/** Price, aggregate and write the EMF of a parsed batch. Prints nothing. */
export function completeBatch(batch: ParsedBatch, deps: BatchDependencies): BatchResult {
  const { invocations } = batch;
  // Priced once per invocation (model and attribution series must agree to the cent), with one
  // rule per model id and region: a batch holds thousands of calls to a handful of models.
  const rules = new Map<string, PriceRule>();
  const prices = new Map<Invocation, PriceResult>();
  const unpriced = new Set<string>();
  for (const invocation of invocations) {
    const key = tupleKey(invocation.modelId, invocation.region);
    let rule = rules.get(key);
    if (!rule) {
      rule = priceRuleFor(invocation.modelId, invocation.region, deps.priceTable, deps.inferenceProfiles);
      rules.set(key, rule);
    }
    const price = applyPriceRule(rule, invocation);
    if (price.kind === 'unpriced') unpriced.add(invocation.modelId);
    prices.set(invocation, price);
  }
  const priceOf = (invocation: Invocation) => prices.get(invocation) ?? { kind: 'not-billable' as const };
  // The cap decides each id once, in record order, before the buckets read it.
  const limiter = deps.modelIds;
  const reported = new Map<string, string>();
  const newlyFolded: string[] = [];
  if (limiter) {
    for (const { modelId } of invocations) {
      if (reported.has(modelId)) continue;
      const wasFolded = limiter.isFolded(modelId);
      const value = limiter.reported(modelId);
      if (value !== modelId && !wasFolded) newlyFolded.push(modelId);
      reported.set(modelId, value);
    }
  }
  const modelIdOf = (invocation: Invocation) => reported.get(invocation.modelId) ?? invocation.modelId;
  const buckets = aggregateByMinute(invocations, priceOf, modelIdOf);
  const attribution = deps.attribution;
  const attributionBuckets = attribution
    ? aggregateAttribution(
        invocations,
        priceOf,
        (invocation) => {
          const values: Record<string, string> = {};
          for (const [key, value] of Object.entries(attribution.resolve(invocation)))
            values[dimensionNameOf(key)] = value;
          return values;
        },
        modelIdOf,
      )
    : [];
  let oldest = Number.POSITIVE_INFINITY;
  for (const inv of invocations) oldest = Math.min(oldest, inv.timeMs);
  return {
    counts: {
      received: batch.received,
      accepted: invocations.length,
      duplicates: batch.duplicates,
      rejected: batch.rejections.length,
      rejectedByReason: batch.rejectedByReason,
    },
    rejections: batch.rejections,
    buckets,
    attributionBuckets,
    documents: [
      ...toEmfDocuments(buckets, deps.emf),
      ...toAttributionEmfDocuments(attributionBuckets, deps.emf),
    ],
    ...(invocations.length > 0 ? { maxDeliveryLagMs: Math.max(0, deps.nowMs - oldest) } : {}),
    unpricedModels: [...unpriced].sort(),
    newlyFoldedModelIds: newlyFolded,
  };
}

/**
 * Runs one decoded batch through parse → dedupe → price → aggregate → EMF. Pure apart from the
 * attribution resolver's bounded memory of values seen: it prints nothing, so the caller can emit
 * only once the whole batch is done.
 */
export function ingestBatch(payload: SubscriptionPayload, deps: BatchDependencies): BatchResult {
  return completeBatch(parseBatch(payload, deps.nowMs), deps);
}
