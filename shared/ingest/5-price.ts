import { tupleKey } from '../keys';
import type { Invocation } from './2-parse';
import type { ServiceTier } from './2-parse-billing';
import { NO_PROFILES, resolveWithProfiles } from './4-resolve-model';

/** USD per 1,000 tokens, one rate per kind of token. */
export interface TokenRates {
  input: number;
  output: number;
  cacheRead?: number;
  /** Cache writes with the 5-minute TTL (and writes whose TTL the log does not say). */
  cacheWrite?: number;
  /** Cache writes with the 1-hour TTL. */
  cacheWrite1h?: number;
}

/** Rates for the whole request once its input (cache reads and writes included) exceeds a size. */
export interface LongContextRates extends TokenRates {
  /** More input tokens than this (input + cache read + cache write) bill every token at these rates. */
  aboveInputTokens: number;
}

/** USD per 1,000 tokens for one model in one region. */
export interface ModelPrice extends TokenRates {
  modelId: string;
  region: string;
  /** More regions that list exactly these rates (e.g. Claude in the EU and APAC regions). */
  alsoRegions?: string[];
  /** Factor for geographic profiles and in-region calls where only `global.` has the list rate. */
  nonGlobalMultiplier?: number;
  longContext?: LongContextRates;
  /** Rates of the non-standard service tiers AWS lists for this model; a tier not listed is unpriced. */
  tiers?: Partial<Record<ServiceTier, TokenRates>>;
  source?: string;
  /** When these rates took effect. */
  effectiveDate?: string;
  /** When the entry was last checked against its source (the age test reads it). */
  asOf?: string;
  note?: string;
}

/** The shape of `price-table.json` (and of a user's own price file). */
export interface PriceData {
  currency: string;
  source: string;
  effectiveDate: string;
  regionFallbacks?: Record<string, string>;
  prices: ModelPrice[];
}

/** Why a call has no price; each is counted and explained (docs/pricing.md). */
export type UnpricedReasonCode =
  | 'unknown-model'
  | 'unknown-region'
  | 'opaque-model'
  | 'prompt-router-unresolved'
  | 'no-cache-price'
  | 'no-tier-price';

export type PriceResult =
  | { kind: 'priced'; usd: number }
  | { kind: 'unpriced'; reason: UnpricedReasonCode }
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
    for (const region of [price.region, ...(price.alsoRegions ?? [])])
      byKey.set(tupleKey(region, price.modelId), price);
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
    priceRuleFor(billedModelIdOf(invocation), invocation.region, table, inferenceProfiles),
    invocation,
  );
}

/** The model id a call bills as: the model a prompt router chose when the log says, else the logged id. */
export const billedModelIdOf = (invocation: Invocation): string =>
  invocation.routedModelId ?? invocation.modelId;

const PROMPT_ROUTERS: ReadonlySet<string> = new Set(['prompt-router', 'default-prompt-router']);

/** How calls to one model id in one region are priced: the same for every call, so cacheable. */
export type PriceRule =
  | { kind: 'rate'; price: ModelPrice; multiplier: number }
  | {
      kind: 'unpriced';
      reason: 'unknown-model' | 'unknown-region' | 'opaque-model' | 'prompt-router-unresolved';
    };

export function priceRuleFor(
  modelId: string,
  region: string,
  table: PriceTable,
  inferenceProfiles: ReadonlyMap<string, string> = NO_PROFILES,
): PriceRule {
  const resolved = resolveWithProfiles(modelId, inferenceProfiles);
  if (resolved.kind === 'opaque')
    return {
      kind: 'unpriced',
      reason: PROMPT_ROUTERS.has(resolved.resource) ? 'prompt-router-unresolved' : 'opaque-model',
    };
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

/**
 * The rates one call bills at: its service tier's when it names one (unpriced when the entry lists
 * no such tier), else the long-context rates when its input exceeds their threshold, else the entry's.
 */
function ratesFor(price: ModelPrice, invocation: Invocation): TokenRates | undefined {
  if (invocation.serviceTier !== undefined) return price.tiers?.[invocation.serviceTier];
  const long = price.longContext;
  if (long) {
    const input =
      (invocation.inputTokens ?? 0) +
      (invocation.cacheReadInputTokens ?? 0) +
      (invocation.cacheWriteInputTokens ?? 0);
    if (input > long.aboveInputTokens) return long;
  }
  return price;
}

/** Applies a rule to one successful call's token counts. */
export function applyPriceRule(rule: PriceRule, invocation: Invocation): PriceResult {
  if (invocation.errorCode !== undefined) return { kind: 'not-billable' };
  if (rule.kind === 'unpriced') return { kind: 'unpriced', reason: rule.reason };
  const { multiplier } = rule;
  const rates = ratesFor(rule.price, invocation);
  if (!rates) return { kind: 'unpriced', reason: 'no-tier-price' };
  const cacheRead = invocation.cacheReadInputTokens ?? 0;
  const cacheWrite = invocation.cacheWriteInputTokens ?? 0;
  // The 1-hour part of the writes, as the body broke it down; never more than the logged total.
  const write1h = Math.min(invocation.cacheWrite1hInputTokens ?? 0, cacheWrite);
  const write5m = cacheWrite - write1h;
  if (
    (cacheRead > 0 && rates.cacheRead === undefined) ||
    (write5m > 0 && rates.cacheWrite === undefined) ||
    (write1h > 0 && rates.cacheWrite1h === undefined)
  ) {
    return { kind: 'unpriced', reason: 'no-cache-price' };
  }
  const per1k =
    (invocation.inputTokens ?? 0) * rates.input +
    (invocation.outputTokens ?? 0) * rates.output +
    cacheRead * (rates.cacheRead ?? 0) +
    write5m * (rates.cacheWrite ?? 0) +
    write1h * (rates.cacheWrite1h ?? 0);
  return { kind: 'priced', usd: (per1k / 1000) * multiplier };
}
