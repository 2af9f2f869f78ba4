/**
 * The facts the savings advisor (shared/advice/) needs beyond the token rates of the price table:
 * model lifecycle (extended access, end of life) with a successor, the smaller sibling of a model,
 * batch eligibility, the minimum cacheable prefix, and the sources they were read from. Rates stay
 * in the price table (shared/ingest/price-table.json: global/geo multiplier, long-context
 * thresholds, cache and tier rates); this file never repeats a rate. A model missing here makes a
 * check say so rather than guess. Dates are ISO days; `asOf` is when the source was read.
 */

export interface SourcedFact {
  /** Where the fact was read (a URL, and whose transcription when it is not AWS's own page). */
  source: string;
  /** The day the source was read. */
  asOf: string;
}

export interface LifecycleFact extends SourcedFact {
  /** When public extended access (higher provider-set prices) began, when known. */
  extendedAccessSince?: string;
  /** End of life on Amazon Bedrock; absent when the sources searched give none. */
  eol?: string;
  /** The model AWS or the provider names as the replacement (a base model id of the price table). */
  successor: string;
}

export interface CacheFact extends SourcedFact {
  /** Fewer tokens than this before a cache checkpoint cache nothing. */
  minimumPrefixTokens: number;
}

const LIFECYCLE_PAGE = 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html';
const READ = '2026-12-07';

/** Models on Bedrock's Legacy list (extended access or an end-of-life date), by base model id. */
export const LIFECYCLE: Readonly<Record<string, LifecycleFact>> = {
  'anthropic.claude-3-5-sonnet-20240620-v1:0': {
    extendedAccessSince: '2025-12-01',
    eol: '2026-03-01',
    successor: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    source: `${LIFECYCLE_PAGE}; dates as quoted from the AWS release notes by https://www.educative.io/newsletter/cloud/the-final-countdown-for-claude-sonnet-35 ("public extended access on December 1, 2025 … end of life on March 1, 2026"); successor as in the AWS Machine Learning blog's model-lifecycle post (update claude-3-5-sonnet-20240620-v1:0 to claude-sonnet-4-5-20250929-v1:0), summarised at https://aipulseintel.com/items/amazon-bedrock-model-lifecycle-e9bae1.html`,
    asOf: READ,
  },
  'anthropic.claude-3-5-sonnet-20241022-v2:0': {
    extendedAccessSince: '2025-12-01',
    successor: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    source: `${LIFECYCLE_PAGE}; "Claude 3.5 Sonnet v2 (Public Extended Access, Effective 1 Dec 2025)" as the Amazon Bedrock pricing page names it (quoted in a public pricing-page parser's fixture); no end-of-life date found in the sources searched`,
    asOf: READ,
  },
  'anthropic.claude-3-haiku-20240307-v1:0': {
    extendedAccessSince: '2026-06-10',
    eol: '2026-09-10',
    successor: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    source: `${LIFECYCLE_PAGE}, legacy table as transcribed in public repositories (legacy 2026-03-10, public extended access 2026-06-10, EOL 2026-09-10; replacement claude-haiku-4-5); the bundled price table still lists the pre-extended-access rate`,
    asOf: READ,
  },
  'anthropic.claude-sonnet-4-20250514-v1:0': {
    extendedAccessSince: '2026-07-14',
    eol: '2026-10-14',
    successor: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    source: `${LIFECYCLE_PAGE}, legacy table as transcribed in public repositories (legacy 2026-04-14, public extended access 2026-07-14, EOL 2026-10-14; replacement claude-sonnet-4-5); the bundled price table lists the standard rate`,
    asOf: READ,
  },
  'anthropic.claude-3-sonnet-20240229-v1:0': {
    eol: '2026-07-30',
    successor: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    source: `${LIFECYCLE_PAGE}, legacy table as transcribed in public repositories (legacy 2026-01-30, EOL 2026-07-30; replacement claude-sonnet-4-5)`,
    asOf: READ,
  },
  'anthropic.claude-3-7-sonnet-20250219-v1:0': {
    eol: '2026-04-28',
    successor: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    source: `${LIFECYCLE_PAGE}; EOL 2026-04-28 as reported by https://www.bitslovers.com/bedrock-model-lifecycle, which names Claude Sonnet 4 as the move; Sonnet 4 is itself Legacy (above), so its replacement is named`,
    asOf: READ,
  },
};

/**
 * The smaller model of the same family and generation, for `cheaper-sibling` (an evaluation, never a
 * recommendation to switch). Family membership is the providers' naming; the rates are the table's.
 */
export const SIBLINGS: Readonly<Record<string, string>> = {
  'anthropic.claude-opus-4-5-20251101-v1:0': 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'anthropic.claude-opus-4-1-20250805-v1:0': 'anthropic.claude-sonnet-4-20250514-v1:0',
  'anthropic.claude-opus-4-20250514-v1:0': 'anthropic.claude-sonnet-4-20250514-v1:0',
  'anthropic.claude-sonnet-4-5-20250929-v1:0': 'anthropic.claude-haiku-4-5-20251001-v1:0',
  'anthropic.claude-3-5-sonnet-20240620-v1:0': 'anthropic.claude-3-5-haiku-20241022-v1:0',
  'anthropic.claude-3-5-sonnet-20241022-v2:0': 'anthropic.claude-3-5-haiku-20241022-v1:0',
  'anthropic.claude-3-opus-20240229-v1:0': 'anthropic.claude-3-sonnet-20240229-v1:0',
  'anthropic.claude-3-sonnet-20240229-v1:0': 'anthropic.claude-3-haiku-20240307-v1:0',
  'amazon.nova-premier-v1:0': 'amazon.nova-pro-v1:0',
  'amazon.nova-pro-v1:0': 'amazon.nova-lite-v1:0',
  'amazon.nova-lite-v1:0': 'amazon.nova-micro-v1:0',
  'meta.llama3-1-405b-instruct-v1:0': 'meta.llama3-1-70b-instruct-v1:0',
  'meta.llama3-1-70b-instruct-v1:0': 'meta.llama3-1-8b-instruct-v1:0',
  'mistral.mistral-large-2407-v1:0': 'mistral.mistral-small-2402-v1:0',
};

/** Batch inference bills this share of the on-demand price for every model that supports it. */
export const BATCH_PRICE_SHARE: SourcedFact & { share: number } = {
  share: 0.5,
  source:
    'https://docs.aws.amazon.com/bedrock/latest/userguide/capacity-limits-cost-optimization.html ("Batch … 50% cost savings vs on-demand")',
  asOf: READ,
};

const BATCH_SUPPORTED_PAGE =
  'https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html';

/** Base model ids that batch inference supports (in some region; the region is not checked). */
export const BATCH_MODELS: SourcedFact & { models: readonly string[] } = {
  models: [
    'anthropic.claude-3-haiku-20240307-v1:0',
    'anthropic.claude-3-sonnet-20240229-v1:0',
    'anthropic.claude-3-opus-20240229-v1:0',
    'anthropic.claude-3-5-sonnet-20240620-v1:0',
    'anthropic.claude-3-5-haiku-20241022-v1:0',
    'anthropic.claude-3-5-sonnet-20241022-v2:0',
    'anthropic.claude-3-7-sonnet-20250219-v1:0',
    'anthropic.claude-sonnet-4-5-20250929-v1:0',
    'anthropic.claude-haiku-4-5-20251001-v1:0',
    'anthropic.claude-opus-4-5-20251101-v1:0',
    'amazon.nova-micro-v1:0',
    'amazon.nova-lite-v1:0',
    'amazon.nova-pro-v1:0',
    'meta.llama3-1-8b-instruct-v1:0',
    'meta.llama3-1-70b-instruct-v1:0',
    'meta.llama3-1-405b-instruct-v1:0',
    'meta.llama3-2-1b-instruct-v1:0',
    'meta.llama3-2-3b-instruct-v1:0',
    'meta.llama3-2-11b-instruct-v1:0',
    'meta.llama3-2-90b-instruct-v1:0',
    'meta.llama3-3-70b-instruct-v1:0',
    'mistral.mistral-small-2402-v1:0',
    'mistral.mistral-large-2407-v1:0',
  ],
  source: `${BATCH_SUPPORTED_PAGE}, as transcribed by baladithyab/curator (docs: AWS Bedrock Batch Inference - Model Availability); the Claude 4.5 models from https://aws.amazon.com/blogs/machine-learning/global-cross-region-inference-for-latest-anthropic-claude-opus-sonnet-and-haiku-models-on-amazon-bedrock-in-thailand-malaysia-singapore-indonesia-and-taiwan (global cross-Region inference "supports … batch inference")`,
  asOf: READ,
};

/**
 * Models with the Flex tier. None is listed: the sources searched name the tier and its discount
 * ("discounted standard model rate") but no model list or rate, so `service-tier` reports the gap.
 */
export const FLEX_MODELS: SourcedFact & { models: readonly string[] } = {
  models: [],
  source:
    'https://docs.aws.amazon.com/bedrock/latest/userguide/service-tiers-inference.html and https://aws.amazon.com/bedrock/service-tiers (model list not in the stored copies)',
  asOf: READ,
};

const CACHE_PAGE = 'https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html';
const ANTHROPIC_MINIMUMS =
  'Anthropic prompt-caching minimums (4,096 Opus 4.5 and Haiku 4.5; 1,024 Sonnet 4.5, Sonnet 4, Opus 4.1, Opus 4, Sonnet 3.7; 2,048 Haiku 3.5) as quoted in anthropics/anthropic-sdk-python issue 1194 and https://docs.orq.ai/docs/proxy/prompt-caching';

/** The minimum cacheable prefix of the models that support prompt caching, by base model id. */
export const CACHE_MINIMUMS: Readonly<Record<string, CacheFact>> = {
  'anthropic.claude-3-7-sonnet-20250219-v1:0': {
    minimumPrefixTokens: 1024,
    source: `${CACHE_PAGE} ("Claude 3.7 Sonnet … at least 1,024 tokens per cache checkpoint")`,
    asOf: READ,
  },
  'anthropic.claude-3-5-haiku-20241022-v1:0': {
    minimumPrefixTokens: 2048,
    source: `${CACHE_PAGE} (supported); ${ANTHROPIC_MINIMUMS}`,
    asOf: READ,
  },
  'anthropic.claude-sonnet-4-20250514-v1:0': {
    minimumPrefixTokens: 1024,
    source: ANTHROPIC_MINIMUMS,
    asOf: READ,
  },
  'anthropic.claude-sonnet-4-5-20250929-v1:0': {
    minimumPrefixTokens: 1024,
    source: ANTHROPIC_MINIMUMS,
    asOf: READ,
  },
  'anthropic.claude-haiku-4-5-20251001-v1:0': {
    minimumPrefixTokens: 4096,
    source: ANTHROPIC_MINIMUMS,
    asOf: READ,
  },
  'anthropic.claude-opus-4-20250514-v1:0': {
    minimumPrefixTokens: 1024,
    source: ANTHROPIC_MINIMUMS,
    asOf: READ,
  },
  'anthropic.claude-opus-4-1-20250805-v1:0': {
    minimumPrefixTokens: 1024,
    source: ANTHROPIC_MINIMUMS,
    asOf: READ,
  },
  'anthropic.claude-opus-4-5-20251101-v1:0': {
    minimumPrefixTokens: 4096,
    source: ANTHROPIC_MINIMUMS,
    asOf: READ,
  },
};

/** The cache time-to-live a write buys by default: a call later than this after the last one misses. */
export const CACHE_TTL_MS: SourcedFact & { ms: number } = {
  ms: 5 * 60_000,
  source: `${CACHE_PAGE} (the default cache TTL is 5 minutes, reset by each hit)`,
  asOf: READ,
};

/** The global profile's saving, for the report's caveat (the rate itself is the table's multiplier). */
export const GLOBAL_PROFILE_SOURCE: SourcedFact = {
  source:
    'https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html ("approximately 10% savings on both input and output token pricing compared to geographic cross-Region inference")',
  asOf: READ,
};

/** Every fact the advisor reads, passed in (tests give their own). */
export interface AdviceFacts {
  lifecycle: Readonly<Record<string, LifecycleFact>>;
  siblings: Readonly<Record<string, string>>;
  batchShare: number;
  batchModels: ReadonlySet<string>;
  flexModels: ReadonlySet<string>;
  cacheMinimums: Readonly<Record<string, CacheFact>>;
  cacheTtlMs: number;
  /** The day these facts were read. */
  asOf: string;
}

export const ADVICE_FACTS: AdviceFacts = {
  lifecycle: LIFECYCLE,
  siblings: SIBLINGS,
  batchShare: BATCH_PRICE_SHARE.share,
  batchModels: new Set(BATCH_MODELS.models),
  flexModels: new Set(FLEX_MODELS.models),
  cacheMinimums: CACHE_MINIMUMS,
  cacheTtlMs: CACHE_TTL_MS.ms,
  asOf: READ,
};
