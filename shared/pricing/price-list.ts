/**
 * AWS Price List products → bedrock-watch price entries, per model and region. Pure: the CLI
 * (cli/prices/command.ts) fetches the products (GetProducts, or a saved offer file) and writes the result.
 *
 * What a product looks like (GetProducts returns each as a JSON string; the bulk offer file holds
 * the same parts as `products[sku]` and `terms.OnDemand[sku]`):
 *   product.attributes: usagetype (`USE1-Claude3Haiku-input-tokens`), regionCode (`us-east-1`),
 *     model (`Claude 3 Haiku`: a display name, not a model id), provider (`Anthropic`), sometimes
 *     modelId, servicename (model-ids.ts turns these into a model id);
 *   terms.OnDemand[…].priceDimensions[…]: unit (`1K tokens` or `1M tokens`), pricePerUnit.USD.
 * The usage type says what a row prices, after the region prefix (and the marketplace `MP:USE1_`
 * form's prefix and `-Units` suffix): a direction (`input-tokens`, `output-tokens`,
 * `cache-read-input-token-count`, `cache-write-…`, `CacheWrite1hInputTokenCount`), and qualifiers —
 * `long-context`, `cross-region-global` / `-geo`, a tier (`batch`, `flex`, `priority`,
 * `latency-optimized`). A row it cannot read is reported, never guessed.
 */

import type { ServiceTier } from '../ingest/2-parse-billing';
import type { ModelPrice, TokenRates } from '../ingest/5-price';
import { createModelIdResolver, type ModelIdResolver, type ModelIdSource } from './model-ids';

/** One Price List product with its on-demand terms, as GetProducts returns it (parsed). */
export interface PriceListProduct {
  product?: { sku?: string; attributes?: Record<string, string | undefined> };
  terms?: {
    OnDemand?: Record<
      string,
      {
        effectiveDate?: string;
        priceDimensions?: Record<
          string,
          { unit?: string; pricePerUnit?: { USD?: string }; description?: string }
        >;
      }
    >;
  };
}

/**
 * Display names the attributes cannot map on their own (model-ids.ts maps the rest): two ids read
 * alike (`Claude 3.5 Sonnet` is both 20240620-v1:0 and 20241022-v2:0 once date and version are set
 * aside), or the name and the id use different words (`Titan Text G1 - Express`,
 * `titan-text-express-v1`; `Mistral Large`, `mistral-large-2402-v1:0`). A test checks that every
 * name here is one the attributes alone get wrong or cannot resolve.
 */
export const PRICE_LIST_MODEL_IDS: Readonly<Record<string, string>> = {
  'Claude 3.5 Sonnet': 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'Claude 3.5 Sonnet v2': 'anthropic.claude-3-5-sonnet-20241022-v2:0',
  'Titan Text G1 - Express': 'amazon.titan-text-express-v1',
  'Titan Text G1 - Lite': 'amazon.titan-text-lite-v1',
  'Titan Text G1 - Premier': 'amazon.titan-text-premier-v1:0',
  'Titan Text Embeddings V2': 'amazon.titan-embed-text-v2:0',
  'Mistral Small': 'mistral.mistral-small-2402-v1:0',
  'Mistral Large': 'mistral.mistral-large-2402-v1:0',
  'Mistral Large 2 (24.07)': 'mistral.mistral-large-2407-v1:0',
};

/** Anthropic bills the whole request at the long-context rates above this many input tokens. */
export const LONG_CONTEXT_ABOVE_INPUT_TOKENS = 200_000;

type Direction = 'input' | 'output' | 'cacheRead' | 'cacheWrite' | 'cacheWrite1h';
type Tier = 'standard' | 'batch' | ServiceTier;

/** What one usage type prices. */
export interface UsageTypeMeaning {
  direction: Direction;
  tier: Tier;
  routing: 'global' | 'geo' | 'in-region';
  longContext: boolean;
}

const TIER_WORDS: Record<string, Tier> = {
  standard: 'standard',
  batch: 'batch',
  flex: 'flex',
  priority: 'priority',
  latencyoptimized: 'latency-optimized',
};
const NOISE = new Set(['tokens', 'token', 'count', 'tokencount', 'units', 'text', 'mantle']);

/** Splits a usage type into lower-case words, with multi-word markers folded into one. */
function wordsOf(usageType: string): string[] {
  let text = usageType
    .replace(/^[A-Z]{2,4}\d?-/, '') // the region prefix: USE1-, EUC1-, APN1-
    .replace(/^MP:[A-Z0-9]+_/, '') // the marketplace form's MP:USE1_
    .replace(/-Units$/, '');
  text = text
    .replace(/(?<=[a-z0-9])(?=[A-Z])/g, '-')
    .replace(/\b(read|write|Read|Write)(\d+[mh])\b/g, '$1-$2');
  const raw = text
    .toLowerCase()
    .split(/[-_]/)
    .filter((w) => w !== '');
  const words: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const pair = `${raw[i]} ${raw[i + 1] ?? ''}`;
    if (pair === 'long context' || pair === 'long ctx') words.push('longcontext');
    else if (pair === 'latency optimized') words.push('latencyoptimized');
    else if (pair === 'cross region') words.push('crossregion');
    else {
      words.push(raw[i] as string);
      continue;
    }
    i++;
  }
  return words;
}

const MODALITIES = new Set(['speech', 'audio', 'image', 'images', 'video']);
const anchorOf = (words: string[]) =>
  words.findIndex((w) => w === 'input' || w === 'output' || w === 'cache');

/** A token rate for speech, audio, images or video (Nova Sonic, Omni): billed, but not text tokens. */
export function isNonTextTokenRow(usageType: string): boolean {
  const words = wordsOf(usageType);
  const anchor = anchorOf(words);
  return anchor >= 0 && (MODALITIES.has(words[anchor - 1] ?? '') || MODALITIES.has(words[anchor + 1] ?? ''));
}

/** What a usage type prices, or undefined for a row that is not a text-token rate we model. */
export function meaningOf(usageType: string): UsageTypeMeaning | undefined {
  if (isNonTextTokenRow(usageType)) return undefined;
  const words = wordsOf(usageType);
  const anchor = anchorOf(words);
  if (anchor < 0) return undefined;
  const rest = words.slice(anchor + 1);
  const read =
    words[anchor] === 'cache'
      ? cacheDirectionOf(rest)
      : { direction: words[anchor] as 'input' | 'output', qualifiers: rest };
  if (read === undefined) return undefined;
  const meaning: UsageTypeMeaning = {
    direction: read.direction,
    tier: 'standard',
    routing: 'in-region',
    longContext: false,
  };
  return read.qualifiers.every((word) => applyQualifier(meaning, word)) ? meaning : undefined;
}

/** A cache row's direction (read, 5-minute or 1-hour write) and the words left to qualify it. */
function cacheDirectionOf(rest: string[]): { direction: Direction; qualifiers: string[] } | undefined {
  const kind = rest[0];
  if (kind !== 'read' && kind !== 'write') return undefined;
  const after = rest.slice(1);
  const ttl = after.find((w) => /^\d+[mh]$/.test(w));
  if (ttl !== undefined && ttl !== '5m' && ttl !== '1h') return undefined;
  const direction: Direction = kind === 'read' ? 'cacheRead' : ttl === '1h' ? 'cacheWrite1h' : 'cacheWrite';
  return { direction, qualifiers: after.filter((w) => w !== ttl && w !== 'input' && w !== 'output') };
}

/** Applies one qualifier word; false for an unknown one (reported, never guessed). */
function applyQualifier(meaning: UsageTypeMeaning, word: string): boolean {
  if (NOISE.has(word) || word === 'crossregion') return true;
  if (word === 'global') meaning.routing = 'global';
  else if (word === 'geo' || word === 'regional') meaning.routing = 'geo';
  else if (word === 'longcontext') meaning.longContext = true;
  else if (Object.hasOwn(TIER_WORDS, word)) meaning.tier = TIER_WORDS[word] as Tier;
  else return false;
  return true;
}

/** USD per 1,000 tokens from one price dimension, or undefined for a unit that is not tokens. */
export function per1kTokens(unit: string | undefined, usd: string | undefined): number | undefined {
  const value = Number(usd);
  if (usd === undefined || usd.trim() === '' || !Number.isFinite(value) || value < 0) return undefined;
  const u = (unit ?? '').trim().toLowerCase();
  if (u === '1k tokens' || u === 'k tokens') return value;
  if (u === '1m tokens' || u === 'million tokens') return Number((value / 1000).toPrecision(12));
  return undefined;
}

export interface PriceListReport {
  /** One entry per model and region, with source and dates. */
  prices: ModelPrice[];
  /** Token rows for a model no attribute maps to (no provider, no known id): add an entry by hand. */
  unmapped: { model: string; usageType: string; region: string }[];
  /** Names that read like two or more known ids: left out (add the name to PRICE_LIST_MODEL_IDS). */
  ambiguous: { model: string; candidates: string[] }[];
  /** Names mapped by their attributes rather than the hard-coded table, once each. */
  mapped: { model: string; modelId: string; source: Extract<ModelIdSource, 'known-id' | 'derived'> }[];
  /** Token rows whose usage type is not understood. */
  unreadable: { usageType: string; region: string }[];
  /** Rows read and deliberately not used: batch rates (batch jobs are not in the invocation log), non-text tokens. */
  ignored: { usageType: string; reason: 'batch' | 'non-text' }[];
}

interface Cell {
  rates: Partial<TokenRates>;
  effectiveDate?: string;
  usageTypes: string[];
}

/** The rows of one model in one region, by routing, tier and context. */
type ModelRegionRows = Map<string, Cell>;

const cellKey = (m: Pick<UsageTypeMeaning, 'routing' | 'tier' | 'longContext'>) =>
  `${m.routing}|${m.tier}|${m.longContext ? 'long' : 'std'}`;

/** The first token-unit on-demand price of a product, with its term's effective date. */
function priceOf(item: PriceListProduct): { per1k: number; effectiveDate?: string } | undefined {
  for (const term of Object.values(item.terms?.OnDemand ?? {})) {
    for (const dimension of Object.values(term.priceDimensions ?? {})) {
      const per1k = per1kTokens(dimension.unit, dimension.pricePerUnit?.USD);
      if (per1k !== undefined) return { per1k, effectiveDate: term.effectiveDate?.slice(0, 10) };
    }
  }
  return undefined;
}

const completeRates = (r: Partial<TokenRates>): r is TokenRates =>
  r.input !== undefined && r.output !== undefined;

const round = (x: number) => Number(x.toPrecision(10));

/** Builds one entry from a model's rows in a region: global rates with a premium factor, tiers, long context. */
function entryOf(
  modelId: string,
  region: string,
  rows: ModelRegionRows,
  asOf: string,
  source: string,
): ModelPrice | undefined {
  const get = (routing: UsageTypeMeaning['routing'], tier: Tier, longContext: boolean) =>
    rows.get(cellKey({ routing, tier, longContext }));
  const global = get('global', 'standard', false);
  const regional = get('geo', 'standard', false) ?? get('in-region', 'standard', false);
  const base = global ?? regional;
  if (!base) return undefined;
  // Embedding models list input rates only: they bill no output tokens.
  if (base.rates.output === undefined && [...rows.values()].every((c) => c.rates.output === undefined))
    base.rates.output = 0;
  if (!completeRates(base.rates)) return undefined;
  const routing: UsageTypeMeaning['routing'] = global
    ? 'global'
    : regional === get('geo', 'standard', false)
      ? 'geo'
      : 'in-region';
  const entry: ModelPrice = { modelId, region, ...base.rates };
  if (global && regional?.rates.input !== undefined && base.rates.input > 0) {
    const factor = round(regional.rates.input / base.rates.input);
    if (factor !== 1) entry.nonGlobalMultiplier = factor;
  }
  const long = get(routing, 'standard', true);
  if (long && completeRates(long.rates))
    entry.longContext = { aboveInputTokens: LONG_CONTEXT_ABOVE_INPUT_TOKENS, ...long.rates };
  for (const tier of ['priority', 'flex', 'latency-optimized'] as const) {
    const cell = get(routing, tier, false) ?? get('in-region', tier, false) ?? get('geo', tier, false);
    if (cell && completeRates(cell.rates)) entry.tiers = { ...entry.tiers, [tier]: cell.rates };
  }
  const usageTypes = [...rows.values()].flatMap((c) => c.usageTypes).sort();
  const dates = [...rows.values()].map((c) => c.effectiveDate).filter((d): d is string => d !== undefined);
  entry.source = `${source}; usage types ${usageTypes.join(', ')}`;
  if (dates.length > 0) entry.effectiveDate = dates.sort().at(-1) as string;
  entry.asOf = asOf;
  return entry;
}

type ModelRegionGroups = Map<
  string,
  { modelId: string; region: string; rows: ModelRegionRows; derivedFrom?: string }
>;

/** Notes which names were mapped by attributes or left out as ambiguous, once per name. */
function noteResolution(resolution: ReturnType<ModelIdResolver>, report: PriceListReport): void {
  if (resolution.source === 'ambiguous') {
    if (!report.ambiguous.some((a) => a.model === resolution.name))
      report.ambiguous.push({ model: resolution.name, candidates: resolution.candidates });
    return;
  }
  if (resolution.source !== 'known-id' && resolution.source !== 'derived') return;
  if (!report.mapped.some((m) => m.model === resolution.name))
    report.mapped.push({ model: resolution.name, modelId: resolution.id, source: resolution.source });
}

/** Files one Price List row under its model, region and cell, or in the report's lists of rows left out. */
function addProductRow(
  item: PriceListProduct,
  groups: ModelRegionGroups,
  report: PriceListReport,
  resolve: ModelIdResolver,
): void {
  const attributes = item.product?.attributes ?? {};
  const usageType = attributes.usagetype ?? '';
  const region = attributes.regionCode ?? '';
  const price = priceOf(item);
  if (price === undefined || region === '') return; // not a token rate (images, hours, …)
  if (isNonTextTokenRow(usageType)) {
    report.ignored.push({ usageType, reason: 'non-text' });
    return;
  }
  const meaning = meaningOf(usageType);
  if (!meaning) {
    report.unreadable.push({ usageType, region });
    return;
  }
  if (meaning.tier === 'batch') {
    report.ignored.push({ usageType, reason: 'batch' });
    return;
  }
  const resolution = resolve(attributes);
  noteResolution(resolution, report);
  const id = resolution.id;
  if (id === undefined) {
    if (resolution.source === 'unknown') report.unmapped.push({ model: resolution.name, usageType, region });
    return;
  }
  const key = `${id}|${region}`;
  let group = groups.get(key);
  if (!group) {
    group = { modelId: id, region, rows: new Map() };
    if (resolution.source === 'derived') group.derivedFrom = resolution.name;
    groups.set(key, group);
  }
  const ck = cellKey(meaning);
  const cell = group.rows.get(ck) ?? { rates: {}, usageTypes: [] };
  cell.rates[meaning.direction] = price.per1k;
  cell.usageTypes.push(usageType);
  if (price.effectiveDate && (!cell.effectiveDate || price.effectiveDate > cell.effectiveDate))
    cell.effectiveDate = price.effectiveDate;
  group.rows.set(ck, cell);
}

/** Says on an entry whose id was derived from a name that the id wants checking. */
const derivedNote = (name: string) =>
  `Model id derived from the Price List name "${name}" and its provider: check it against the modelId your invocation logs carry (Bedrock ids often end in a version such as -v1:0, which the Price List does not hold) and rename the entry if they differ; the next update then maps the name to the renamed id.`;

/**
 * Maps Price List products to price entries, one per model and region that has at least an input
 * and an output rate. `asOf` is the day the products were fetched (the caller's clock);
 * `knownModelIds` are the ids a display name may be matched to (the price file's own).
 */
export function priceEntriesFromProducts(
  products: readonly PriceListProduct[],
  options: { asOf: string; source?: string; knownModelIds?: Iterable<string> },
): PriceListReport {
  const source = options.source ?? 'AWS Price List API (AmazonBedrock), on-demand';
  const resolve = createModelIdResolver(PRICE_LIST_MODEL_IDS, options.knownModelIds ?? []);
  const byModelRegion: ModelRegionGroups = new Map();
  const report: PriceListReport = {
    prices: [],
    unmapped: [],
    ambiguous: [],
    mapped: [],
    unreadable: [],
    ignored: [],
  };
  for (const item of products) addProductRow(item, byModelRegion, report, resolve);
  for (const { modelId, region, rows, derivedFrom } of byModelRegion.values()) {
    const entry = entryOf(modelId, region, rows, options.asOf, source);
    if (entry && derivedFrom !== undefined) entry.note = derivedNote(derivedFrom);
    if (entry) report.prices.push(entry);
  }
  report.prices.sort((a, b) => a.modelId.localeCompare(b.modelId) || a.region.localeCompare(b.region));
  return report;
}

/** Reads a saved offer file (bulk API) or a list of GetProducts items (strings or objects). */
export function productsFromOffer(document: unknown): PriceListProduct[] {
  if (Array.isArray(document))
    return document.map((item) => (typeof item === 'string' ? JSON.parse(item) : item) as PriceListProduct);
  if (document !== null && typeof document === 'object') {
    const offer = document as {
      products?: Record<string, { sku?: string; attributes?: Record<string, string> }>;
      terms?: { OnDemand?: Record<string, NonNullable<PriceListProduct['terms']>['OnDemand']> };
      PriceList?: unknown[];
    };
    if (Array.isArray(offer.PriceList)) return productsFromOffer(offer.PriceList);
    if (offer.products) {
      return Object.entries(offer.products).map(([sku, product]) => ({
        product,
        terms: { OnDemand: offer.terms?.OnDemand?.[sku] ?? {} },
      }));
    }
  }
  throw new Error(
    'not an offer file: expected {"products": …, "terms": …}, {"PriceList": [...]} or a list of products',
  );
}
