/**
 * Why replay could not price a model, in words, with what to do about it: the pipeline knows the
 * reason (no price for the model, none in that region, an application inference profile it could
 * not resolve, provisioned throughput, a cache rate missing), and the report passes it on.
 */
import type { UnpricedReasonSummary } from '../../shared/analysis/summary';
import { resolveModelId } from '../../shared/ingest/4-resolve-model';
import type { UnpricedReason } from '../../shared/ingest/batch';

const PRICING = 'docs/pricing.md';

/** The reason code, detail and fix for one pipeline reason about one model id. */
function explain(modelId: string, reason: UnpricedReason['reason']): Omit<UnpricedReasonSummary, 'regions'> {
  switch (reason) {
    case 'unknown-model':
      return {
        reason,
        detail: 'no price for this model in the bundled table',
        fix: `add its price under "prices" in the configuration document (--config; see ${PRICING})`,
      };
    case 'unknown-region':
      return {
        reason,
        detail: 'the model has prices, but none for the region the calls were made in',
        fix: 'add a price for the region under "prices", or map the region to a priced one with "regionFallbacks"',
      };
    case 'no-cache-price':
      return {
        reason,
        detail: 'calls read or wrote the prompt cache, and the price has no cache rate',
        fix: 'add "cacheRead" and "cacheWrite" to its price entry under "prices"',
      };
    case 'no-tier-price':
      return {
        reason,
        detail: 'calls named a service tier (Flex, Priority or latency-optimized) the price has no rates for',
        fix: 'add the tier\'s rates under "tiers" in its price entry (npm run prices -- update lists them)',
      };
    case 'prompt-router-unresolved':
      return {
        reason,
        detail:
          'a prompt router whose chosen model the log does not say (no response body, or no trace in it)',
        fix: 'turn on text data delivery in model invocation logging so the response trace names the routed model',
      };
    case 'opaque-model': {
      const resolved = resolveModelId(modelId);
      if (resolved.kind === 'opaque' && resolved.resource === 'application-inference-profile') {
        return {
          reason: 'application-profile-not-resolved',
          detail: 'an application inference profile whose model is not known',
          fix: 'map it to its model under "inferenceProfiles" (--config); deployed, the function can look it up (BEDROCK_WATCH_RESOLVE_INFERENCE_PROFILES=true)',
        };
      }
      return {
        reason: 'provisioned-or-custom',
        detail: 'provisioned throughput or a custom or imported model, billed by the hour, not per token',
        fix: 'set its "hourlyUsd" under "provisionedModels" (--config) to see the hourly cost beside the token cost',
      };
    }
  }
}

/**
 * Groups the batches' unpriced reasons per reported model id (`reportedAs` maps a folded id to
 * `Other`), one entry per reason with the regions it was seen in.
 */
export function unpricedReasonsOf(
  reasons: readonly UnpricedReason[],
  reportedAs: (modelId: string) => string,
): Map<string, UnpricedReasonSummary[]> {
  const out = new Map<string, UnpricedReasonSummary[]>();
  for (const { modelId, region, reason } of reasons) {
    const explained = explain(modelId, reason);
    const model = reportedAs(modelId);
    const list = out.get(model) ?? [];
    let entry = list.find((e) => e.reason === explained.reason);
    if (!entry) {
      // Key order as documented: reason, detail, regions, fix.
      entry = { reason: explained.reason, detail: explained.detail, regions: [], fix: explained.fix };
      list.push(entry);
      out.set(model, list);
    }
    if (!entry.regions.includes(region)) entry.regions.push(region);
  }
  for (const list of out.values()) for (const entry of list) entry.regions.sort();
  return out;
}
