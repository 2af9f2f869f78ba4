import { tupleKey } from '../keys';
import type { Invocation } from './2-parse';
import { NO_PROFILES, resolveWithProfiles } from './4-resolve-model';

/** USD per 1,000 tokens for one model in one region. */
export interface ModelPrice {
  modelId: string;
  region: string;
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  /** Factor for geographic profiles and in-region calls where only `global.` has the list rate. */
  nonGlobalMultiplier?: number;
  note?: string;
}

/** The shape of `pricing-data.json` (and of a user's own price file). */
export interface PriceData {
  currency: string;
  source: string;
  effectiveDate: string;
  regionFallbacks?: Record<string, string>;
  prices: ModelPrice[];
}

export type PriceResult =
  | { kind: 'priced'; usd: number }
  | { kind: 'unpriced'; reason: 'unknown-model' | 'unknown-region' | 'opaque-model' | 'no-cache-price' }
  /** Failed calls are not billed. */
  | { kind: 'not-billable' };

export interface PriceTable {
  lookup(baseModelId: string, region: string): ModelPrice | undefined;
  /** Whether any region prices this model (tells an unknown model from an unpriced region). */
  hasModel(baseModelId: string): boolean;
}

/**
 * Indexes price data by region and model, following the region fallbacks. An overlay (the user's
 * own prices) replaces entries for the same model and region and adds new ones.
 */
export function createPriceTable(
  data: Pick<PriceData, 'prices' | 'regionFallbacks'>,
  overlay?: Pick<PriceData, 'prices' | 'regionFallbacks'>,
): PriceTable {
  const byKey = new Map<string, ModelPrice>();
  const models = new Set<string>();
  for (const price of [...data.prices, ...(overlay?.prices ?? [])]) {
    byKey.set(tupleKey(price.region, price.modelId), price);
    models.add(price.modelId);
  }
  const fallbacks = { ...data.regionFallbacks, ...overlay?.regionFallbacks };
  return {
    lookup(baseModelId, region) {
      const direct = byKey.get(tupleKey(region, baseModelId));
      if (direct) return direct;
      const fallback = Object.hasOwn(fallbacks, region) ? fallbacks[region] : undefined;
      return fallback === undefined ? undefined : byKey.get(tupleKey(fallback, baseModelId));
    },
    hasModel: (baseModelId) => models.has(baseModelId),
  };
}

/**
 * Prices one invocation in its source region (AWS bills cross-region inference at the price of
 * the region the request was made in). Returns `unpriced` rather than a silent zero.
 */
export function priceInvocation(
  invocation: Invocation,
  table: PriceTable,
  inferenceProfiles: ReadonlyMap<string, string> = NO_PROFILES,
): PriceResult {
  if (invocation.errorCode !== undefined) return { kind: 'not-billable' };
  return applyPriceRule(
    priceRuleFor(invocation.modelId, invocation.region, table, inferenceProfiles),
    invocation,
  );
}

/** How calls to one model id in one region are priced: the same for every call, so cacheable. */
export type PriceRule =
  | { kind: 'rate'; price: ModelPrice; multiplier: number }
  | { kind: 'unpriced'; reason: 'unknown-model' | 'unknown-region' | 'opaque-model' };

export function priceRuleFor(
  modelId: string,
  region: string,
  table: PriceTable,
  inferenceProfiles: ReadonlyMap<string, string> = NO_PROFILES,
): PriceRule {
  const resolved = resolveWithProfiles(modelId, inferenceProfiles);
  if (resolved.kind === 'opaque') return { kind: 'unpriced', reason: 'opaque-model' };
  const price = table.lookup(resolved.baseModelId, region);
  if (!price)
    return {
      kind: 'unpriced',
      reason: table.hasModel(resolved.baseModelId) ? 'unknown-region' : 'unknown-model',
    };
  return {
    kind: 'rate',
    price,
    multiplier: resolved.routing === 'global' ? 1 : (price.nonGlobalMultiplier ?? 1),
  };
}

/** Applies a rule to one successful call's token counts. */
export function applyPriceRule(rule: PriceRule, invocation: Invocation): PriceResult {
  if (invocation.errorCode !== undefined) return { kind: 'not-billable' };
  if (rule.kind === 'unpriced') return { kind: 'unpriced', reason: rule.reason };
  const { price, multiplier } = rule;
  const cacheRead = invocation.cacheReadInputTokens ?? 0;
  const cacheWrite = invocation.cacheWriteInputTokens ?? 0;
  if (
    (cacheRead > 0 && price.cacheRead === undefined) ||
    (cacheWrite > 0 && price.cacheWrite === undefined)
  ) {
    return { kind: 'unpriced', reason: 'no-cache-price' };
  }
  const per1k =
    (invocation.inputTokens ?? 0) * price.input +
    (invocation.outputTokens ?? 0) * price.output +
    cacheRead * (price.cacheRead ?? 0) +
    cacheWrite * (price.cacheWrite ?? 0);
  return { kind: 'priced', usd: (per1k / 1000) * multiplier };
}
