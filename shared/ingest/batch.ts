import { tupleKey } from '../keys';
import type { SubscriptionPayload } from './1-decode';
import { type Feedback, readFeedback } from './2-feedback';
import {
  type Invocation,
  isOutsideTimeWindow,
  parseLogLine,
  type Rejection,
  readInvocation,
  rejectionOf,
} from './2-parse';
import { dedupeInvocations } from './3-dedupe';
import {
  applyPriceRule,
  billedModelIdOf,
  type PriceResult,
  type PriceRule,
  type PriceTable,
  priceRuleFor,
} from './5-price';
import { type AttributionResolver, dimensionNameOf, type ModelIdLimiter } from './6-attribute';
import {
  type AttributionMinuteBucket,
  aggregateAccounts,
  aggregateAttribution,
  aggregateByMinute,
  type ModelMinuteBucket,
} from './7-aggregate';
import {
  type EmfOptions,
  toAccountEmfDocuments,
  toAttributionLines,
  toBudgetEmfDocuments,
  toEmfDocuments,
} from './8-emf';

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
  /**
   * Attribution values a budget names (dimension name → values): the only ones with a metric
   * series (`CostUSD` under `[service, <Dim>]`); every other value is in the attribution lines only.
   */
  budgetedValues?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Accounts with their own series (`[service, Account]`); none when absent. */
  accounts?: ReadonlySet<string>;
}

export interface RecordCounts {
  /** Log events in the batch (a CONTROL_MESSAGE has none). */
  received: number;
  /** Unique invocations counted. accepted + duplicates + rejected (+ filtered) = received. */
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Records outside replay's --since/--until; present only when a time filter is set. */
  filtered?: number;
  /**
   * Feedback records counted (docs/quality.md, User feedback); present only when there were some.
   * accepted + duplicates + rejected + feedback (+ filtered) = received.
   */
  feedback?: number;
}

/** Which record times a batch takes: the function uses the defaults, replay sets them from its flags. */
export interface RecordTimeOptions {
  /** Reject records outside CloudWatch's acceptance window around the clock (default true). */
  window?: boolean;
  /** Only records at or after this time are processed; the others are counted as `filtered`. */
  sinceMs?: number;
  /** Only records before this time are processed; the others are counted as `filtered`. */
  untilMs?: number;
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
  /** Why: one entry per model id, region and reason, in the order first met. */
  unpricedReasons: UnpricedReason[];
  /** Model ids this batch was the first to fold into `Other` (the cap was reached), for a warning. */
  newlyFoldedModelIds: string[];
  /** Every accepted invocation with its price, in record order (replay's `--by` groups them). */
  priced: ReadonlyMap<Invocation, PriceResult>;
}

/** Why the successful calls to one model id in one region could not be priced. */
export interface UnpricedReason {
  modelId: string;
  region: string;
  reason: Extract<PriceResult, { kind: 'unpriced' }>['reason'];
}

/** A batch after parsing and deduplication, before pricing and EMF. */
export interface ParsedBatch {
  received: number;
  invocations: Invocation[];
  duplicates: number;
  rejections: Rejection[];
  rejectedByReason: Record<string, number>;
  /** Set only when a time filter is: records outside it, neither counted nor rejected. */
  filtered?: number;
  /** User-feedback records of the batch (they are not invocations). */
  feedback?: Feedback[];
}

/** One log event read: a rejection, or an invocation or a feedback record with its time. */
type ReadEvent =
  | { ok: false; rejection: Rejection }
  | { ok: true; timeMs: number; requestId: string; invocation: Invocation }
  | { ok: true; timeMs: number; requestId: string; feedback: Feedback };

function readEvent(
  event: SubscriptionPayload['logEvents'][number],
  nowMs: number,
  timeWindow: boolean,
): ReadEvent {
  const options = { nowMs, logEventId: event.id, timeWindow };
  const line = parseLogLine(event.message, options);
  if (!line.ok) return line;
  // Invocations first: nearly every line is one, and a feedback record is told apart only when
  // the line is no invocation record (the two schema types exclude each other).
  const result = readInvocation(line.record, options);
  if (result.ok) {
    const { invocation } = result;
    return { ok: true, timeMs: invocation.timeMs, requestId: invocation.requestId, invocation };
  }
  if (result.rejection.reason !== 'not-invocation-record') return result;
  const fed = readFeedback(line.record, options);
  if (!fed) return result;
  if (!fed.ok) return fed;
  return { ok: true, timeMs: fed.feedback.timeMs, requestId: fed.feedback.requestId, feedback: fed.feedback };
}

/**
 * What a record's time decides, the one place --since/--until is applied. Without a filter the
 * parse stage applies the acceptance window itself; with one, records outside the filter are set
 * apart first (the user asked not to see them), then the window applies.
 */
function recordTimeRule(times: RecordTimeOptions, nowMs: number) {
  const window = times.window !== false;
  const filtering = times.sinceMs !== undefined || times.untilMs !== undefined;
  const since = times.sinceMs ?? Number.NEGATIVE_INFINITY;
  const until = times.untilMs ?? Number.POSITIVE_INFINITY;
  return {
    filtering,
    /** Whether the parse stage applies the acceptance window. */
    parseWindow: window && !filtering,
    verdict(timeMs: number): 'keep' | 'filtered' | 'outside-window' {
      if (!filtering) return 'keep';
      if (timeMs < since || timeMs >= until) return 'filtered';
      return window && isOutsideTimeWindow(timeMs, nowMs) ? 'outside-window' : 'keep';
    },
  };
}

/**
 * Parse and deduplicate: the part of a batch that needs nothing but the clock, and the record times
 * to take (`times`; the function uses the defaults).
 */
export function parseBatch(
  payload: SubscriptionPayload,
  nowMs: number,
  times: RecordTimeOptions = {},
): ParsedBatch {
  const parsed: Invocation[] = [];
  const rejections: Rejection[] = [];
  const rejectedByReason: Record<string, number> = {};
  const reject = (rejection: Rejection) => {
    rejections.push(rejection);
    rejectedByReason[rejection.reason] = (rejectedByReason[rejection.reason] ?? 0) + 1;
  };
  const rule = recordTimeRule(times, nowMs);
  let filtered = 0;
  const feedback: Feedback[] = [];
  for (const event of payload.logEvents) {
    const read = readEvent(event, nowMs, rule.parseWindow);
    if (!read.ok) {
      reject(read.rejection);
      continue;
    }
    const verdict = rule.verdict(read.timeMs);
    if (verdict === 'filtered') filtered++;
    else if (verdict === 'outside-window')
      reject(rejectionOf('outside-time-window', event.id, read.requestId));
    else if ('feedback' in read) feedback.push(read.feedback);
    else parsed.push(read.invocation);
  }
  const { invocations, duplicates } = dedupeInvocations(parsed);
  return {
    received: payload.logEvents.length,
    invocations,
    duplicates,
    rejections,
    rejectedByReason,
    ...(rule.filtering ? { filtered } : {}),
    ...(feedback.length > 0 ? { feedback } : {}),
  };
}

/** The per-account series' documents, when accounts are named (watchedAccounts, accountBudgets). */
function accountDocuments(
  invocations: readonly Invocation[],
  priceOf: (invocation: Invocation) => PriceResult,
  deps: BatchDependencies,
): string[] {
  return deps.accounts
    ? toAccountEmfDocuments(aggregateAccounts(invocations, priceOf, deps.accounts), deps.emf)
    : [];
}

/** The price rule of a model id in a region, made once per batch (model, then region: no key string per call). */
function ruleOf(
  rules: Map<string, Map<string, PriceRule>>,
  billedAs: string,
  region: string,
  deps: BatchDependencies,
): PriceRule {
  let byRegion = rules.get(billedAs);
  if (!byRegion) {
    byRegion = new Map();
    rules.set(billedAs, byRegion);
  }
  let rule = byRegion.get(region);
  if (!rule) {
    rule = priceRuleFor(billedAs, region, deps.priceTable, deps.inferenceProfiles);
    byRegion.set(region, rule);
  }
  return rule;
}

/** Price, aggregate and write the EMF of a parsed batch. Prints nothing. */
export function completeBatch(batch: ParsedBatch, deps: BatchDependencies): BatchResult {
  const { invocations } = batch;
  // Priced once per invocation (model and attribution series must agree to the cent), with one
  // rule per model id and region: a batch holds thousands of calls to a handful of models.
  const rules = new Map<string, Map<string, PriceRule>>();
  const prices = new Map<Invocation, PriceResult>();
  const unpriced = new Map<string, UnpricedReason>();
  for (const invocation of invocations) {
    // A prompt router's call bills as the model it chose (when the trace says so).
    const price = applyPriceRule(
      ruleOf(rules, billedModelIdOf(invocation), invocation.region, deps),
      invocation,
    );
    if (price.kind === 'unpriced') {
      const { modelId, region } = invocation;
      const reasonKey = tupleKey(modelId, region, price.reason);
      if (!unpriced.has(reasonKey)) unpriced.set(reasonKey, { modelId, region, reason: price.reason });
    }
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
  // Feedback names models as the application logged them: the same cap applies.
  const feedbackModelIdOf = (f: Feedback) =>
    reported.get(f.modelId) ?? (limiter ? limiter.reported(f.modelId) : f.modelId);
  const feedback = batch.feedback ?? [];
  const buckets = aggregateByMinute(invocations, priceOf, modelIdOf, feedback, feedbackModelIdOf);
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
      ...(batch.filtered !== undefined ? { filtered: batch.filtered } : {}),
      ...(feedback.length > 0 ? { feedback: feedback.length } : {}),
    },
    rejections: batch.rejections,
    buckets,
    attributionBuckets,
    documents: [
      ...toEmfDocuments(buckets, deps.emf),
      ...toBudgetEmfDocuments(attributionBuckets, deps.budgetedValues ?? new Map(), deps.emf),
      ...toAttributionLines(attributionBuckets, deps.emf),
      ...accountDocuments(invocations, priceOf, deps),
    ],
    ...(invocations.length > 0 ? { maxDeliveryLagMs: Math.max(0, deps.nowMs - oldest) } : {}),
    unpricedModels: [...new Set([...unpriced.values()].map((u) => u.modelId))].sort(),
    unpricedReasons: [...unpriced.values()],
    newlyFoldedModelIds: newlyFolded,
    priced: prices,
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
