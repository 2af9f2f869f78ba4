import { ERROR_CLASSES, type ErrorClass } from '../contract/error-classes';
import { MINUTE_MS } from '../contract/limits';
import type { AttributionCounterValues, ModelCounterValues, QualityPropertyField } from '../contract/metrics';
import { tupleKey } from '../keys';
import type { Feedback } from './2-feedback';
import type { Invocation } from './2-parse';
import type { PriceResult } from './5-price';
import { MODEL_FREE_DIMENSIONS } from './6-attribute';
import { isEmptyAnswer } from './quality';

/** The call and token counters shared by buckets and summaries. */
export type UsageCounters = Omit<
  ModelCounterValues,
  'latencyUnavailable' | 'unpricedInvocations' | 'truncatedAnswers' | 'guardrailInterventions'
>;

/** Everything one model did in one UTC minute (by the records' own timestamps). */
export interface ModelMinuteBucket extends ModelCounterValues, Record<QualityPropertyField, number> {
  minuteStartMs: number;
  modelId: string;
  /** Every raw value, so CloudWatch can compute true percentiles. */
  latencyMs: number[];
  timeToFirstTokenMs: number[];
  costUsd: number;
  pricedInvocations: number;
  /** Every user-feedback score of the minute (docs/quality.md, User feedback). */
  feedbackScores: number[];
}

export const zeroErrors = (): Record<ErrorClass, number> =>
  Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0])) as Record<ErrorClass, number>;

function emptyBucket(minuteStartMs: number, modelId: string): ModelMinuteBucket {
  return {
    minuteStartMs,
    modelId,
    invocations: 0,
    errors: zeroErrors(),
    inputTokens: 0,
    outputTokens: 0,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    latencyMs: [],
    timeToFirstTokenMs: [],
    feedbackScores: [],
    latencyUnavailable: 0,
    costUsd: 0,
    pricedInvocations: 0,
    unpricedInvocations: 0,
    truncatedAnswers: 0,
    guardrailInterventions: 0,
    contentFilteredAnswers: 0,
    emptyAnswers: 0,
  };
}

/** The model id as logged: the default dimension value. */
const asLogged = (invocation: Invocation) => invocation.modelId;

/**
 * Groups invocations per UTC minute × model id (exactly as logged, or as `modelIdOf` reports it,
 * e.g. folded into `Other` beyond the cap) and prices each one with its own id.
 * Buckets come back ordered by minute, then model id, so output is deterministic.
 */
export function aggregateByMinute(
  invocations: readonly Invocation[],
  price: (invocation: Invocation) => PriceResult,
  modelIdOf: (invocation: Invocation) => string = asLogged,
  feedback: readonly Feedback[] = [],
  feedbackModelIdOf: (feedback: Feedback) => string = (f) => f.modelId,
): ModelMinuteBucket[] {
  // Minute, then model id: two lookups instead of a key string built for every call.
  const byMinute = new Map<number, Map<string, ModelMinuteBucket>>();
  const all: ModelMinuteBucket[] = [];
  const bucketOf = (minuteStartMs: number, modelId: string): ModelMinuteBucket => {
    let models = byMinute.get(minuteStartMs);
    if (!models) {
      models = new Map();
      byMinute.set(minuteStartMs, models);
    }
    let bucket = models.get(modelId);
    if (!bucket) {
      bucket = emptyBucket(minuteStartMs, modelId);
      models.set(modelId, bucket);
      all.push(bucket);
    }
    return bucket;
  };
  // Feedback joins the model's bucket of its own minute (one is made when no call was logged then).
  for (const f of feedback) {
    const minuteStartMs = Math.floor(f.timeMs / MINUTE_MS) * MINUTE_MS;
    bucketOf(minuteStartMs, feedbackModelIdOf(f)).feedbackScores.push(f.score);
  }
  for (const inv of invocations) {
    const bucket = bucketOf(Math.floor(inv.timeMs / MINUTE_MS) * MINUTE_MS, modelIdOf(inv));
    bucket.invocations++;
    if (inv.errorClass) bucket.errors[inv.errorClass]++;
    bucket.inputTokens += inv.inputTokens ?? 0;
    bucket.outputTokens += inv.outputTokens ?? 0;
    bucket.cacheReadInputTokens += inv.cacheReadInputTokens ?? 0;
    bucket.cacheWriteInputTokens += inv.cacheWriteInputTokens ?? 0;
    if (inv.latencyMs === undefined) bucket.latencyUnavailable++;
    else bucket.latencyMs.push(inv.latencyMs);
    if (inv.timeToFirstTokenMs !== undefined) bucket.timeToFirstTokenMs.push(inv.timeToFirstTokenMs);
    if (inv.stopClass === 'truncated') bucket.truncatedAnswers++;
    if (inv.guardrailIntervened) bucket.guardrailInterventions++;
    if (inv.stopClass === 'content-filtered') bucket.contentFilteredAnswers++;
    if (isEmptyAnswer(inv)) bucket.emptyAnswers++;
    const priced = price(inv);
    if (priced.kind === 'priced') {
      bucket.costUsd += priced.usd;
      bucket.pricedInvocations++;
    } else if (priced.kind === 'unpriced') {
      bucket.unpricedInvocations++;
    }
  }
  return all.sort(
    (a, b) =>
      a.minuteStartMs - b.minuteStartMs || (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0),
  );
}

/** What one attribution value (a team, a caller) did on one model in one minute. */
export interface AttributionMinuteBucket extends AttributionCounterValues {
  minuteStartMs: number;
  /** The dimension name (`Caller`, `team`, …) and its value. */
  dimension: string;
  value: string;
  /** The reported model id; '' on account and region lines, which sum every model. */
  modelId: string;
  costUsd: number;
  pricedInvocations: number;
  latencyMs: number[];
}

/**
 * Groups invocations per minute × attribution dimension × value × model. `attributes` gives each
 * invocation's value per dimension (already sanitised and capped); `modelIdOf` its reported model.
 */
export function aggregateAttribution(
  invocations: readonly Invocation[],
  price: (invocation: Invocation) => PriceResult,
  attributes: (invocation: Invocation) => Record<string, string>,
  modelIdOf: (invocation: Invocation) => string = asLogged,
): AttributionMinuteBucket[] {
  const buckets = new Map<string, AttributionMinuteBucket>();
  for (const inv of invocations) {
    const minuteStartMs = Math.floor(inv.timeMs / MINUTE_MS) * MINUTE_MS;
    const priced = price(inv);
    const modelId = modelIdOf(inv);
    for (const [dimension, value] of Object.entries(attributes(inv))) {
      // Account and region lines sum every model: '' stands for "all models" (no ModelId field).
      const lineModel = MODEL_FREE_DIMENSIONS.has(dimension) ? '' : modelId;
      const key = tupleKey(minuteStartMs, dimension, value, lineModel);
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = {
          minuteStartMs,
          dimension,
          value,
          modelId: lineModel,
          invocations: 0,
          errors: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          pricedInvocations: 0,
          latencyMs: [],
        };
        buckets.set(key, bucket);
      }
      bucket.invocations++;
      if (inv.errorClass) bucket.errors++;
      bucket.inputTokens += inv.inputTokens ?? 0;
      bucket.outputTokens += inv.outputTokens ?? 0;
      if (inv.latencyMs !== undefined) bucket.latencyMs.push(inv.latencyMs);
      if (priced.kind === 'priced') {
        bucket.costUsd += priced.usd;
        bucket.pricedInvocations++;
      }
    }
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...buckets.values()].sort(
    (a, b) =>
      a.minuteStartMs - b.minuteStartMs ||
      order(a.dimension, b.dimension) ||
      order(a.value, b.value) ||
      order(a.modelId, b.modelId),
  );
}

/** What one named account did in one UTC minute: the per-account series' figures. */
export interface AccountMinuteBucket {
  minuteStartMs: number;
  account: string;
  invocations: number;
  errors: Record<ErrorClass, number>;
  costUsd: number;
  pricedInvocations: number;
}

/**
 * Groups the calls of the named accounts (the record's `accountId`) per UTC minute × account;
 * every other account's calls are left out (they are in the all-models series and, with the
 * `account` attribution key, in the attribution lines). Ordered by minute, then account.
 */
export function aggregateAccounts(
  invocations: readonly Invocation[],
  price: (invocation: Invocation) => PriceResult,
  accounts: ReadonlySet<string>,
): AccountMinuteBucket[] {
  const buckets = new Map<string, AccountMinuteBucket>();
  for (const inv of invocations) {
    const account = inv.accountId;
    if (account === undefined || !accounts.has(account)) continue;
    const minuteStartMs = Math.floor(inv.timeMs / MINUTE_MS) * MINUTE_MS;
    const key = tupleKey(minuteStartMs, account);
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = {
        minuteStartMs,
        account,
        invocations: 0,
        errors: zeroErrors(),
        costUsd: 0,
        pricedInvocations: 0,
      };
      buckets.set(key, bucket);
    }
    bucket.invocations++;
    if (inv.errorClass) bucket.errors[inv.errorClass]++;
    const priced = price(inv);
    if (priced.kind === 'priced') {
      bucket.costUsd += priced.usd;
      bucket.pricedInvocations++;
    }
  }
  return [...buckets.values()].sort(
    (a, b) =>
      a.minuteStartMs - b.minuteStartMs || (a.account < b.account ? -1 : a.account > b.account ? 1 : 0),
  );
}
