/**
 * Stage 2, billing facts: what an invocation record says about how the call is billed, beyond its
 * token counts. Read from the request and response bodies when Bedrock logged them (text delivery
 * on, not offloaded to S3); absent bodies leave every fact unknown, and the call is priced as a
 * standard on-demand call (see docs/pricing.md, "What the log can tell").
 *
 * - 1-hour cache writes: Converse's `usage.cacheDetails[{ttl: '1h', inputTokens}]`; Anthropic's
 *   native `usage.cache_creation.ephemeral_1h_input_tokens` (InvokeModel, and the `message_start`
 *   chunk of InvokeModelWithResponseStream).
 * - Service tier: Converse's `serviceTier.type` (`priority`, `flex`, `reserved`; `default` is
 *   standard; API reference, ServiceTier: "the processing tier type used for serving the request")
 *   and `performanceConfig.latency` (`optimized`), the response's (ConverseResponse carries
 *   performanceConfig) before the request's. InvokeModel passes both as HTTP headers, which the log
 *   does not record.
 * - Prompt routers: the model a router chose, from `trace.promptRouter.invokedModelId` (Converse) or
 *   `amazon-bedrock-trace.promptRouter.invokedModelId` (InvokeModel bodies).
 *
 * Only these fields are read; the bodies' text is never copied.
 */
import { isObject, type Json } from '../json';

/** `reserved` calls are paid for by the reservation, not per token: no tier rate prices them. */
export type ServiceTier = 'priority' | 'flex' | 'reserved' | 'latency-optimized';

export interface BillingFacts {
  /** Tokens written to the cache with the 1-hour TTL: a part of `cacheWriteInputTokenCount`. */
  cacheWrite1hInputTokens?: number;
  /** Set only for a non-standard tier the body names. */
  serviceTier?: ServiceTier;
  /** The model a prompt router invoked, as the trace names it (id or ARN). */
  routedModelId?: string;
}

const MODEL_REF = /^[A-Za-z0-9:./_-]{1,2048}$/;
const STREAM_HEAD_CHUNKS = 4;

const objectAt = (value: unknown, key: string): Json | undefined => {
  if (!isObject(value)) return undefined;
  const inner = value[key];
  return isObject(inner) ? inner : undefined;
};

const countOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;

/** The 1-hour cache-write count in one usage block, in Converse's or Anthropic's shape. */
function oneHourWrites(usage: Json | undefined): number | undefined {
  if (!usage) return undefined;
  const details = usage.cacheDetails;
  if (Array.isArray(details)) {
    let sum: number | undefined;
    for (const detail of details) {
      if (!isObject(detail) || detail.ttl !== '1h') continue;
      const n = countOf(detail.inputTokens);
      if (n !== undefined) sum = (sum ?? 0) + n;
    }
    if (sum !== undefined) return sum;
  }
  return countOf(objectAt(usage, 'cache_creation')?.ephemeral_1h_input_tokens);
}

/** The tier a body states: a non-standard tier, `standard` when it names the default, else unknown. */
function tierOf(body: Json | undefined): ServiceTier | 'standard' | undefined {
  if (!body) return undefined;
  const tier = objectAt(body, 'serviceTier')?.type ?? body.service_tier;
  if (tier === 'priority' || tier === 'flex' || tier === 'reserved') return tier;
  const latency = objectAt(body, 'performanceConfig')?.latency;
  if (latency === 'optimized') return 'latency-optimized';
  return tier === 'default' || latency === 'standard' ? 'standard' : undefined;
}

function routedModelOf(body: Json | undefined): string | undefined {
  const trace = objectAt(body, 'trace') ?? objectAt(body, 'amazon-bedrock-trace');
  const id = objectAt(trace, 'promptRouter')?.invokedModelId;
  return typeof id === 'string' && MODEL_REF.test(id) ? id : undefined;
}

/** The usage block of a response body, for each operation's shape. */
function usageOf(body: unknown): Json | undefined {
  if (Array.isArray(body)) {
    // Streamed chunks: Anthropic's `message_start`, the first chunk, carries the cache-creation
    // breakdown. Only the first few are looked at: a long answer has thousands of delta chunks.
    const head = Math.min(body.length, STREAM_HEAD_CHUNKS);
    for (let i = 0; i < head; i++) {
      const chunk: unknown = body[i];
      const usage = objectAt(objectAt(chunk, 'message'), 'usage') ?? objectAt(chunk, 'usage');
      if (usage && (usage.cache_creation !== undefined || usage.cacheDetails !== undefined)) return usage;
    }
    return undefined;
  }
  return objectAt(body, 'usage');
}

/** What most records have: no billing fact beyond their token counts (shared, never written to). */
const NO_FACTS: BillingFacts = Object.freeze({});

/** Reads the billing facts of one record's bodies; never throws on odd shapes (facts stay unknown). */
export function readBillingFacts(input: Json | undefined, output: Json | undefined): BillingFacts {
  const request = isObject(input?.inputBodyJson) ? input.inputBodyJson : undefined;
  const responseBody = output?.outputBodyJson;
  const response = isObject(responseBody) ? responseBody : undefined;
  const oneHour = oneHourWrites(usageOf(responseBody));
  const tier = tierOf(response) ?? tierOf(request);
  const routed = routedModelOf(response);
  if ((oneHour === undefined || oneHour === 0) && (tier === undefined || tier === 'standard') && !routed)
    return NO_FACTS;
  const facts: BillingFacts = {};
  if (oneHour !== undefined && oneHour > 0) facts.cacheWrite1hInputTokens = oneHour;
  if (tier !== undefined && tier !== 'standard') facts.serviceTier = tier;
  if (routed !== undefined) facts.routedModelId = routed;
  return facts;
}
