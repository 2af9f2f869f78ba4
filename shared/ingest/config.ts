import { readFileSync } from 'node:fs';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../contract/limits';
import {
  ATTRIBUTION_LINE_FIELDS,
  DEFAULT_METRIC_SET,
  DEFAULT_NAMESPACE,
  DEFAULT_SERVICE,
  DIM_MODEL_ID,
  DIM_REASON,
  DIM_SERVICE,
  INGEST_METRIC_NAMES,
  METRIC_SETS,
  type MetricSet,
} from '../contract/metrics';
import { isObject, type Json } from '../json';
import { closestName } from '../names';
import { implausibleRate } from '../pricing/plausibility';
import type { ModelPrice, PriceData } from './5-price';
import {
  type AttributionConfig,
  BUILT_IN_ALIASES,
  BUILT_IN_KEYS,
  DEFAULT_MAX_MODEL_IDS,
  dimensionNameOf,
  sanitiseValue,
} from './6-attribute';

export interface IngestConfig {
  namespace: string;
  service: string;
  maxDecompressedBytes: number;
  attribution: AttributionConfig;
  /** The user's own prices, layered over the bundled table (same model and region: theirs wins). */
  priceOverlay?: Pick<PriceData, 'prices' | 'regionFallbacks'>;
  /** Application inference profile (ARN or id) → the model id it invokes. */
  inferenceProfiles: Record<string, string>;
  /** Look unknown application inference profiles up with bedrock:GetInferenceProfile. */
  resolveInferenceProfiles: boolean;
  /** Provisioned-throughput and custom models: their hourly cost, reported beside the token cost. */
  provisionedModels: Record<string, { hourlyUsd: number }>;
  /** Distinct ModelId values one function instance reports before folding new ones into `Other`. */
  maxModelIds: number;
  /** Which metrics to publish (BEDROCK_WATCH_METRIC_SET: complete, the default, or essential). */
  metricSet: MetricSet;
  /**
   * Attribution values a budget names, dimension name → values (BEDROCK_WATCH_BUDGETED_VALUES,
   * a JSON array of `key/value`): the only values with a cost series.
   */
  budgetedValues: Map<string, Set<string>>;
  /**
   * Accounts with their own series (BEDROCK_WATCH_ACCOUNTS, comma-separated 12-digit ids: the
   * watched and budgeted accounts); absent when none is named.
   */
  accounts?: ReadonlySet<string>;
}

/** BEDROCK_WATCH_METRIC_SET and BEDROCK_WATCH_BUDGETED_VALUES. */
function parseMetricSettings(
  env: Readonly<Record<string, string | undefined>>,
  attribution: AttributionConfig,
): Pick<IngestConfig, 'metricSet' | 'budgetedValues'> {
  const rawSet = env.BEDROCK_WATCH_METRIC_SET || DEFAULT_METRIC_SET;
  if (!(METRIC_SETS as readonly string[]).includes(rawSet)) {
    throw new ConfigError(`BEDROCK_WATCH_METRIC_SET "${rawSet}" is not ${METRIC_SETS.join(' or ')}`);
  }
  const budgetedValues = new Map<string, Set<string>>();
  const raw = env.BEDROCK_WATCH_BUDGETED_VALUES;
  let entries: unknown = [];
  try {
    entries = raw ? JSON.parse(raw) : [];
  } catch {
    entries = undefined; // reported below
  }
  if (!Array.isArray(entries) || entries.some((e) => typeof e !== 'string')) {
    throw new ConfigError('BEDROCK_WATCH_BUDGETED_VALUES: expected a JSON array of "key/value" strings');
  }
  for (const entry of entries as string[]) {
    const slash = entry.indexOf('/');
    const key = entry.slice(0, slash);
    if (slash < 1 || slash === entry.length - 1 || !attribution.keys.includes(key)) {
      throw new ConfigError(
        `BEDROCK_WATCH_BUDGETED_VALUES "${entry}" is not key/value with an attributed key (${attribution.keys.join(', ') || 'none'})`,
      );
    }
    const dim = dimensionNameOf(key);
    const values = budgetedValues.get(dim) ?? new Set<string>();
    values.add(sanitiseValue(entry.slice(slash + 1)));
    budgetedValues.set(dim, values);
  }
  return { metricSet: rawSet as MetricSet, budgetedValues };
}

/** A setting is wrong; raised at start so a bad deploy fails loudly, not per record. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const NAMESPACE = /^[A-Za-z0-9 ._\-/#:]{1,255}$/;
const METADATA_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Names an attribution dimension may not take: they are dimensions or metrics already. */
const RESERVED = new Set<string>([
  DIM_SERVICE,
  DIM_MODEL_ID,
  DIM_REASON,
  ...Object.values(BUILT_IN_KEYS),
  ...INGEST_METRIC_NAMES,
  ...ATTRIBUTION_LINE_FIELDS,
  '_aws',
]);

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * Upper bounds on what a person can configure, keeping every cost the function sums far inside
 * CloudWatch's value range (a price of 1e306 once produced an infinite CostUSD that CloudWatch
 * dropped with the rest of the minute). Token rates must be plausible per 1,000 tokens
 * (shared/pricing/plausibility.ts: a figure copied from a per-million page is refused with the
 * fix); the largest routing premium is 1.1, the multiplier bound leaves room.
 */
export const MAX_PRICE_MULTIPLIER = 10;
/** USD per hour of one provisioned-throughput or custom model; far above any real commitment. */
export const MAX_HOURLY_USD = 100_000;

/** The keys each part of the configuration document may hold; anything else is a typo. */
const KNOWN_KEYS = {
  document: [
    'attribution',
    'prices',
    'inferenceProfiles',
    'provisionedModels',
    'resolveInferenceProfiles',
    'maxModelIds',
  ],
  attribution: ['keys', 'maxValues', 'allow'],
  priceFile: [
    'currency',
    'unit',
    'source',
    'effectiveDate',
    'regionFallbacks',
    'regionFallbacksNote',
    'note',
    'prices',
  ],
  price: [
    'modelId',
    'region',
    'input',
    'output',
    'cacheRead',
    'cacheWrite',
    'cacheWrite1h',
    'nonGlobalMultiplier',
    'alsoRegions',
    'longContext',
    'tiers',
    'source',
    'effectiveDate',
    'asOf',
    'note',
  ],
  rates: ['input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h'],
  longContext: ['aboveInputTokens', 'input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h'],
  tiers: ['priority', 'flex', 'latency-optimized'],
  provisionedModel: ['hourlyUsd', 'note'],
} as const;

/**
 * Refuses keys outside `known`: the documentation promises every setting is checked, and a
 * misspelt key (`attributon`, `cacheReed`) would otherwise be ignored without a word.
 */
function checkKeys(section: Json, known: readonly string[], where: string): void {
  for (const key of Object.keys(section)) {
    if (known.includes(key)) continue;
    const near = closestName(key, known);
    throw new ConfigError(
      `${where ? `${where}: ` : ''}unknown setting "${key}"${near ? ` (did you mean "${near}"?)` : ` (known: ${known.join(', ')})`}`,
    );
  }
}

/** A required or optional bounded non-negative number; the error names the entry and the bound. */
function checkBounded(value: unknown, max: number, at: string, what: string): void {
  if (!isNumber(value)) throw new ConfigError(`${at}: ${what}`);
  if (value > max) throw new ConfigError(`${at}: ${value} is out of range (at most ${max})`);
}

/** A non-negative rate, plausible per 1,000 tokens; the error says when it looks per million. */
function checkRate(value: unknown, at: string, what: string): void {
  if (!isNumber(value)) throw new ConfigError(`${at}: ${what}`);
  const implausible = implausibleRate(value);
  if (implausible !== undefined) throw new ConfigError(`${at}: ${implausible}`);
}

/** Checks one set of token rates (an entry's, its long-context or a tier's). */
function checkRates(entry: Json, at: string): void {
  for (const key of ['input', 'output'] as const) {
    checkRate(entry[key], `${at}.${key}`, 'required non-negative number (USD per 1,000 tokens)');
  }
  for (const key of ['cacheRead', 'cacheWrite', 'cacheWrite1h'] as const) {
    if (entry[key] !== undefined) checkRate(entry[key], `${at}.${key}`, 'must be a non-negative number');
  }
}

/** Checks the optional parts of a price entry: more regions, long-context and tier rates. */
function checkPriceExtras(entry: Json, at: string): void {
  const regions = entry.alsoRegions;
  if (
    regions !== undefined &&
    (!Array.isArray(regions) || regions.some((r) => typeof r !== 'string' || r === ''))
  ) {
    throw new ConfigError(`${at}.alsoRegions: expected a list of region names`);
  }
  const long = entry.longContext;
  if (long !== undefined) {
    if (!isObject(long)) throw new ConfigError(`${at}.longContext: not an object`);
    checkKeys(long, KNOWN_KEYS.longContext, `${at}.longContext`);
    if (
      typeof long.aboveInputTokens !== 'number' ||
      !Number.isSafeInteger(long.aboveInputTokens) ||
      long.aboveInputTokens < 0
    )
      throw new ConfigError(
        `${at}.longContext.aboveInputTokens: required non-negative whole number of tokens`,
      );
    checkRates(long, `${at}.longContext`);
  }
  const tiers = entry.tiers;
  if (tiers !== undefined) {
    if (!isObject(tiers)) throw new ConfigError(`${at}.tiers: not an object`);
    checkKeys(tiers, KNOWN_KEYS.tiers, `${at}.tiers`);
    for (const [tier, rates] of Object.entries(tiers)) {
      if (!isObject(rates)) throw new ConfigError(`${at}.tiers.${tier}: not an object`);
      checkKeys(rates, KNOWN_KEYS.rates, `${at}.tiers.${tier}`);
      checkRates(rates, `${at}.tiers.${tier}`);
    }
  }
}

/** Checks a price file (the bundled one or a user's); errors name the entry and field. */
export function validatePriceData(
  value: unknown,
  where: string,
): Pick<PriceData, 'prices' | 'regionFallbacks'> {
  if (!isObject(value)) throw new ConfigError(`${where}: expected {"prices": [...]}`);
  checkKeys(value, KNOWN_KEYS.priceFile, where);
  if (!Array.isArray(value.prices)) throw new ConfigError(`${where}: expected {"prices": [...]}`);
  const prices = value.prices.map((entry, i): ModelPrice => {
    const at = `${where}.prices[${i}]`;
    if (!isObject(entry)) throw new ConfigError(`${at}: not an object`);
    checkKeys(entry, KNOWN_KEYS.price, at);
    for (const key of ['modelId', 'region'] as const) {
      if (typeof entry[key] !== 'string' || entry[key] === '')
        throw new ConfigError(`${at}.${key}: required string`);
    }
    checkRates(entry, at);
    checkPriceExtras(entry, at);
    if (entry.nonGlobalMultiplier !== undefined) {
      checkBounded(
        entry.nonGlobalMultiplier,
        MAX_PRICE_MULTIPLIER,
        `${at}.nonGlobalMultiplier`,
        'must be a non-negative number',
      );
    }
    return entry as unknown as ModelPrice;
  });
  const fallbacks = value.regionFallbacks;
  if (
    fallbacks !== undefined &&
    (!isObject(fallbacks) || Object.values(fallbacks).some((v) => typeof v !== 'string'))
  ) {
    throw new ConfigError(`${where}.regionFallbacks: expected {"region": "region priced like it"}`);
  }
  return { prices, ...(fallbacks ? { regionFallbacks: fallbacks as Record<string, string> } : {}) };
}

function parseAttribution(
  raw: unknown,
  keysOverride: string | undefined,
  maxValuesOverride: string | undefined,
): AttributionConfig {
  const section = raw === undefined ? {} : raw;
  if (!isObject(section)) throw new ConfigError('attribution: expected an object');
  checkKeys(section, KNOWN_KEYS.attribution, 'attribution');
  const keys =
    keysOverride !== undefined
      ? keysOverride
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
      : section.keys === undefined
        ? []
        : section.keys;
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string'))
    throw new ConfigError('attribution.keys: expected a list of keys');
  for (const key of keys as string[]) {
    if (Object.hasOwn(BUILT_IN_KEYS, key)) continue;
    if (Object.hasOwn(BUILT_IN_ALIASES, key)) {
      throw new ConfigError(
        `attribution key "${key}": the record's ${BUILT_IN_ALIASES[key]} is the built-in key "${BUILT_IN_ALIASES[key]}"; a requestMetadata key of this name would attribute every call to Unattributed`,
      );
    }
    if (!METADATA_KEY.test(key) || RESERVED.has(dimensionNameOf(key))) {
      throw new ConfigError(
        `attribution key "${key}": must be "caller", "account", "region" or a requestMetadata key (letter first, then letters, digits, _ . -; at most 64) that is not a metric or dimension name`,
      );
    }
  }
  if (new Set(keys).size !== keys.length) throw new ConfigError('attribution.keys: a key is listed twice');
  const maxValues = maxValuesOverride !== undefined ? Number(maxValuesOverride) : (section.maxValues ?? 25);
  if (!Number.isSafeInteger(maxValues) || (maxValues as number) < 1 || (maxValues as number) > 1000) {
    throw new ConfigError('attribution.maxValues: an integer from 1 to 1000');
  }
  const allow = section.allow ?? {};
  if (
    !isObject(allow) ||
    Object.values(allow).some((v) => !Array.isArray(v) || v.some((x) => typeof x !== 'string'))
  ) {
    throw new ConfigError('attribution.allow: expected {"key": ["value", ...]}');
  }
  return { keys: keys as string[], maxValues: maxValues as number, allow: allow as Record<string, string[]> };
}

/** Where a JSON document comes from, for errors that name the right setting. */
interface DocumentSource {
  /** The setting that names the document: `BEDROCK_WATCH_CONFIG`, or `prices` inside it. */
  setting: string;
  /** How the file is described, e.g. `file` or `the price file`. */
  fileWord: string;
}

/** Reads a JSON document given inline or as the path of a file (BEDROCK_WATCH_CONFIG, `prices`). */
function readJsonDocument(
  value: string | undefined,
  readFile: (path: string) => string,
  source: DocumentSource,
): Json {
  if (!value) return {};
  const inline = value.trimStart().startsWith('{');
  let parsed: unknown;
  try {
    parsed = JSON.parse(inline ? value : readFile(value));
  } catch (error) {
    const what = inline
      ? `${source.setting} (inline JSON)`
      : source.setting === 'BEDROCK_WATCH_CONFIG'
        ? `${source.setting} ${source.fileWord} ${value}`
        : `${source.setting}: ${source.fileWord} ${value}`;
    // A missing file says ENOENT first: the path is in the message already.
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${what} cannot be read: ${code ?? (error as Error).message}`);
  }
  if (!isObject(parsed)) throw new ConfigError(`${source.setting}: expected a JSON object`);
  return parsed;
}

/**
 * Reads the ingest settings from environment variables (Powertools' names for namespace and
 * service, so its own metrics land in the same place) and the optional BEDROCK_WATCH_CONFIG
 * document. Every problem is a ConfigError naming the setting; settings are checked in this order.
 */
export function loadIngestConfig(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): IngestConfig {
  const namespace = readNamespace(env);
  const service = readService(env);
  const maxDecompressedBytes = readMaxDecompressedBytes(env);
  const doc = readJsonDocument(env.BEDROCK_WATCH_CONFIG, readFile, {
    setting: 'BEDROCK_WATCH_CONFIG',
    fileWord: 'file',
  });
  checkKeys(doc, KNOWN_KEYS.document, '');
  const attribution = parseAttribution(
    doc.attribution,
    env.BEDROCK_WATCH_ATTRIBUTION,
    env.BEDROCK_WATCH_ATTRIBUTION_MAX_VALUES,
  );
  const priceOverlay = readPriceOverlay(doc, readFile);
  const profiles = readInferenceProfiles(doc);
  const provisioned = readProvisionedModels(doc);
  const resolveInferenceProfiles = readResolveInferenceProfiles(env, doc);
  const maxModelIds = readMaxModelIds(env, doc);
  return {
    namespace,
    service,
    maxDecompressedBytes,
    maxModelIds,
    attribution,
    ...(priceOverlay ? { priceOverlay } : {}),
    inferenceProfiles: profiles,
    resolveInferenceProfiles,
    provisionedModels: provisioned,
    ...parseMetricSettings(env, attribution),
    ...readAccounts(env),
  };
}

/** BEDROCK_WATCH_ACCOUNTS: the accounts with their own series, each a 12-digit id. */
function readAccounts(env: Env): Pick<IngestConfig, 'accounts'> {
  const ids = (env.BEDROCK_WATCH_ACCOUNTS ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const bad = ids.find((id) => !/^\d{12}$/.test(id));
  if (bad !== undefined)
    throw new ConfigError(`BEDROCK_WATCH_ACCOUNTS "${bad}" is not a 12-digit account id`);
  return ids.length > 0 ? { accounts: new Set(ids) } : {};
}

/** The environment the settings come from (`process.env` in Lambda). */
type Env = Readonly<Record<string, string | undefined>>;

function readNamespace(env: Env): string {
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_NAMESPACE;
  if (!NAMESPACE.test(namespace) || namespace.startsWith('AWS/')) {
    throw new ConfigError(
      `POWERTOOLS_METRICS_NAMESPACE "${namespace}" is not a valid custom namespace (1-255 of A-Z a-z 0-9 . - _ / # : space, not AWS/)`,
    );
  }
  return namespace;
}

function readService(env: Env): string {
  const service = env.POWERTOOLS_SERVICE_NAME || DEFAULT_SERVICE;
  if (!/^[\x21-\x7e]{1,1024}$/.test(service)) {
    throw new ConfigError(`POWERTOOLS_SERVICE_NAME "${service}" must be 1-1024 printable ASCII characters`);
  }
  return service;
}

function readMaxDecompressedBytes(env: Env): number {
  const rawMax = env.BEDROCK_WATCH_MAX_DECOMPRESSED_BYTES;
  const maxDecompressedBytes = rawMax ? Number(rawMax) : DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (!Number.isSafeInteger(maxDecompressedBytes) || maxDecompressedBytes < 1024) {
    throw new ConfigError(
      `BEDROCK_WATCH_MAX_DECOMPRESSED_BYTES "${rawMax}" must be an integer of at least 1024`,
    );
  }
  return maxDecompressedBytes;
}

/** `prices`: an overlay on the bundled price table, inline or a file path. */
function readPriceOverlay(doc: Json, readFile: (path: string) => string): IngestConfig['priceOverlay'] {
  if (doc.prices === undefined) return undefined;
  const prices =
    typeof doc.prices === 'string'
      ? readJsonDocument(doc.prices, readFile, { setting: 'prices', fileWord: 'the price file' })
      : doc.prices;
  return validatePriceData(prices, 'prices');
}

function readInferenceProfiles(doc: Json): Record<string, string> {
  const profiles = doc.inferenceProfiles ?? {};
  if (!isObject(profiles) || Object.values(profiles).some((v) => typeof v !== 'string')) {
    throw new ConfigError(
      'inferenceProfiles: expected {"application-inference-profile ARN or id": "model id"}',
    );
  }
  return profiles as Record<string, string>;
}

function readProvisionedModels(doc: Json): Record<string, { hourlyUsd: number }> {
  const provisioned = doc.provisionedModels ?? {};
  const shape = 'expected {"model ARN": {"hourlyUsd": number}}';
  if (!isObject(provisioned) || Object.values(provisioned).some((v) => !isObject(v))) {
    throw new ConfigError(`provisionedModels: ${shape}`);
  }
  for (const [arn, entry] of Object.entries(provisioned as Record<string, Json>)) {
    checkKeys(entry, KNOWN_KEYS.provisionedModel, `provisionedModels.${arn}`);
    checkBounded(entry.hourlyUsd, MAX_HOURLY_USD, `provisionedModels.${arn}.hourlyUsd`, shape);
  }
  return provisioned as Record<string, { hourlyUsd: number }>;
}

/** The environment variable overrides the document's `resolveInferenceProfiles`. */
function readResolveInferenceProfiles(env: Env, doc: Json): boolean {
  const resolveRaw = env.BEDROCK_WATCH_RESOLVE_INFERENCE_PROFILES ?? doc.resolveInferenceProfiles;
  if (resolveRaw !== undefined && ![true, false, 'true', 'false'].includes(resolveRaw as string | boolean)) {
    throw new ConfigError('BEDROCK_WATCH_RESOLVE_INFERENCE_PROFILES: true or false');
  }
  return resolveRaw === true || resolveRaw === 'true';
}

/** The environment variable overrides the document's `maxModelIds`. */
function readMaxModelIds(env: Env, doc: Json): number {
  const rawMaxModelIds = env.BEDROCK_WATCH_MAX_MODEL_IDS;
  const maxModelIds =
    rawMaxModelIds !== undefined ? Number(rawMaxModelIds) : (doc.maxModelIds ?? DEFAULT_MAX_MODEL_IDS);
  if (!Number.isSafeInteger(maxModelIds) || (maxModelIds as number) < 1 || (maxModelIds as number) > 1000) {
    throw new ConfigError(
      'maxModelIds: an integer from 1 to 1000 (BEDROCK_WATCH_MAX_MODEL_IDS overrides it)',
    );
  }
  return maxModelIds as number;
}
