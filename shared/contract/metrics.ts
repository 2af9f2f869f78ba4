import { ERROR_CLASSES, type ErrorClass, errorMetricName } from './error-classes';

/**
 * The metric contract: names, units and dimensions that the ingest function writes and that alarms,
 * dashboards, replay and the bill estimator read. Every name is spelled here once; everything else
 * imports it. To add a per-model counter: add it to `METRIC` and `MODEL_COUNTERS` (and the field to
 * `ModelCounterValues`); EMF, the replay summary and the tests' contract checks follow from them.
 */
export const DEFAULT_NAMESPACE = 'BedrockWatch';
export const DEFAULT_SERVICE = 'bedrock-watch';

export const DIM_SERVICE = 'service';
export const DIM_MODEL_ID = 'ModelId';
export const DIM_REASON = 'Reason';

/** The per-model dimension set and the all-models one. */
export const MODEL_DIMENSIONS = [DIM_SERVICE, DIM_MODEL_ID] as const;
export const ALL_MODELS_DIMENSIONS = [DIM_SERVICE] as const;
/** Per-model series; the `[service]` set is the all-models series of the same values. */
export const MODEL_DIMENSION_SETS = [MODEL_DIMENSIONS, ALL_MODELS_DIMENSIONS] as const;

/**
 * Which metrics the function publishes (the stack parameter `metricSet`, docs/metrics.md):
 * `complete` is every per-model and all-models series an alarm, widget or documented query reads;
 * `essential` publishes only what the free `AWS/Bedrock` namespace lacks (cost, unpriced calls,
 * error classes, latency coverage, the all-models totals alarms need) and points the per-model
 * alarms and widgets at `AWS/Bedrock`.
 */
export const METRIC_SETS = ['complete', 'essential'] as const;
export type MetricSet = (typeof METRIC_SETS)[number];
export const DEFAULT_METRIC_SET: MetricSet = 'complete';

/** Where a per-model metric is published in one metric set: per model and/or all models together. */
export type Scopes = readonly ('model' | 'all')[];
const BOTH: Scopes = ['model', 'all'];
const ALL: Scopes = ['all'];
const MODEL: Scopes = ['model'];
const NONE: Scopes = [];

export type EmfUnit = 'Count' | 'Milliseconds' | 'None';

export interface MetricSpec {
  readonly name: string;
  readonly unit: EmfUnit;
}

/** A per-model metric with the scopes it is published under in each metric set. */
export interface PublishedMetric extends MetricSpec {
  readonly sets: Readonly<Record<MetricSet, Scopes>>;
}

/**
 * Every metric the ingest function writes per model and minute, and the scopes each metric set
 * publishes it under: the one table EMF, replay, the contract tests and the bill estimator read.
 */
export const METRIC = {
  invocations: { name: 'Invocations', unit: 'Count', sets: { complete: BOTH, essential: ALL } },
  /** All models in `essential` too: the token-spike alarms and the token ratio read the total. */
  inputTokens: { name: 'InputTokens', unit: 'Count', sets: { complete: BOTH, essential: ALL } },
  outputTokens: { name: 'OutputTokens', unit: 'Count', sets: { complete: BOTH, essential: ALL } },
  /** Charted for all models only (the tokens widget); no alarm reads it per model. */
  cacheReadInputTokens: {
    name: 'CacheReadInputTokens',
    unit: 'Count',
    sets: { complete: ALL, essential: NONE },
  },
  cacheWriteInputTokens: {
    name: 'CacheWriteInputTokens',
    unit: 'Count',
    sets: { complete: BOTH, essential: ALL },
  },
  /**
   * Latency coverage and unpriced calls: read for all models (pipeline alarm, dashboards); the
   * per-model figures stay in the model's document, which replay and Logs Insights read.
   */
  latencyUnavailable: { name: 'LatencyUnavailable', unit: 'Count', sets: { complete: ALL, essential: ALL } },
  unpricedInvocations: {
    name: 'UnpricedInvocations',
    unit: 'Count',
    sets: { complete: ALL, essential: ALL },
  },
  cost: { name: 'CostUSD', unit: 'None', sets: { complete: BOTH, essential: BOTH } },
  /** Attribution data only: failed calls of every class together. */
  errors: { name: 'Errors', unit: 'Count', sets: { complete: NONE, essential: NONE } },
  latency: { name: 'Latency', unit: 'Milliseconds', sets: { complete: BOTH, essential: ALL } },
  /** Charted per model only; `essential` reads AWS/Bedrock's TimeToFirstToken. */
  timeToFirstToken: {
    name: 'TimeToFirstToken',
    unit: 'Milliseconds',
    sets: { complete: MODEL, essential: NONE },
  },
  /**
   * Answers cut off by the output limit (stop reason max_tokens, length, …); the truncation-rate
   * alarms read it. AWS/Bedrock has no equivalent, so `essential` keeps the all-models series (its
   * alarm) and leaves the per-model figure to the model's document (replay, Logs Insights).
   */
  truncatedAnswers: { name: 'TruncatedAnswers', unit: 'Count', sets: { complete: BOTH, essential: ALL } },
  /** Calls where a guardrail intervened; the guardrail-rate alarms read it. Published as truncations. */
  guardrailInterventions: {
    name: 'GuardrailInterventions',
    unit: 'Count',
    sets: { complete: BOTH, essential: ALL },
  },
  /**
   * Every user-feedback score (0–1) of the minute, as raw values: SampleCount is the number of
   * feedback records, Average the mean score (series only for models that receive feedback).
   */
  feedbackScore: { name: 'FeedbackScore', unit: 'None', sets: { complete: BOTH, essential: BOTH } },
} as const satisfies Record<string, PublishedMetric>;

/**
 * Our per-model metric → the AWS/Bedrock metric (per `ModelId`) that a per-model alarm or widget
 * reads instead when the metric set does not publish ours per model. Error classes have no
 * equivalent but throttling: the error rate then reads InvocationClientErrors + InvocationServerErrors.
 */
export const AWS_BEDROCK_EQUIVALENT: Readonly<Record<string, string>> = {
  Invocations: 'Invocations',
  InputTokens: 'InputTokenCount',
  OutputTokens: 'OutputTokenCount',
  CacheReadInputTokens: 'CacheReadInputTokenCount',
  CacheWriteInputTokens: 'CacheWriteInputTokenCount',
  Latency: 'InvocationLatency',
  TimeToFirstToken: 'TimeToFirstToken',
  ThrottlingErrors: 'InvocationThrottles',
};

/** One counter per error class, e.g. `ThrottlingErrors`: AWS/Bedrock has no classes, so both sets keep them (essential all models only). */
export const ERROR_METRICS = Object.fromEntries(
  ERROR_CLASSES.map((c) => [
    c,
    { name: errorMetricName(c), unit: 'Count', sets: { complete: BOTH, essential: ALL } },
  ]),
) as Record<ErrorClass, { name: `${ErrorClass}Errors`; unit: 'Count'; sets: Record<MetricSet, Scopes> }>;

const DIMENSION_SETS = new WeakMap<Scopes, readonly (readonly string[])[]>();

/**
 * The dimension sets a metric is written under in a metric set (EMF `Dimensions`): one shared list
 * per scope list, so metrics published alike land in one EMF directive.
 */
export function dimensionSetsOf(metric: PublishedMetric, set: MetricSet): readonly (readonly string[])[] {
  const scopes = metric.sets[set];
  let sets = DIMENSION_SETS.get(scopes);
  if (!sets) {
    sets = scopes.map((scope) => (scope === 'model' ? MODEL_DIMENSIONS : ALL_MODELS_DIMENSIONS));
    DIMENSION_SETS.set(scopes, sets);
  }
  return sets;
}

/** Whether a metric set publishes a per-model metric per model (`model`) or all models together (`all`). */
export const isPublished = (metric: PublishedMetric, set: MetricSet, scope: 'model' | 'all'): boolean =>
  metric.sets[set].includes(scope);

/** The namespace and dimension of the metrics Amazon Bedrock publishes for free (Bedrock user guide, runtime metrics). */
export const AWS_BEDROCK_NAMESPACE = 'AWS/Bedrock';
export const AWS_BEDROCK_DIMENSION = 'ModelId';

/**
 * AWS/Bedrock's runtime metrics, per `ModelId` (names checked against the Bedrock user guide's
 * "Monitor bedrock-runtime inference using CloudWatch metrics", 2026-11). Differences from ours:
 * AWS measures latency in the service and stamps a data point at request time; `Invocations`
 * excludes throttled requests, which `InvocationThrottles` counts.
 */
export const AWS_BEDROCK_METRIC = {
  invocations: 'Invocations',
  latency: 'InvocationLatency',
  clientErrors: 'InvocationClientErrors',
  serverErrors: 'InvocationServerErrors',
  throttles: 'InvocationThrottles',
  inputTokens: 'InputTokenCount',
  outputTokens: 'OutputTokenCount',
  timeToFirstToken: 'TimeToFirstToken',
  cacheReadInputTokens: 'CacheReadInputTokenCount',
  cacheWriteInputTokens: 'CacheWriteInputTokenCount',
  estimatedTpmQuotaUsage: 'EstimatedTPMQuotaUsage',
} as const;

type CounterField =
  | 'invocations'
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheReadInputTokens'
  | 'cacheWriteInputTokens'
  | 'latencyUnavailable'
  | 'unpricedInvocations'
  | 'truncatedAnswers'
  | 'guardrailInterventions';

/** The per-model counters of one minute, as the aggregate stage keeps them and replay rebuilds them. */
export type ModelCounterValues = Record<CounterField, number> & { errors: Record<ErrorClass, number> };

/** A per-model counter: its metric and where its value lives in `ModelCounterValues`. */
export type ModelCounter = PublishedMetric &
  ({ readonly field: CounterField } | { readonly errorClass: ErrorClass });

/** The per-model counters in EMF document order. */
export const MODEL_COUNTERS: readonly (ModelCounter & PublishedMetric)[] = [
  { ...METRIC.invocations, field: 'invocations' },
  { ...METRIC.inputTokens, field: 'inputTokens' },
  { ...METRIC.outputTokens, field: 'outputTokens' },
  { ...METRIC.cacheReadInputTokens, field: 'cacheReadInputTokens' },
  { ...METRIC.cacheWriteInputTokens, field: 'cacheWriteInputTokens' },
  ...ERROR_CLASSES.map((c) => ({ ...ERROR_METRICS[c], errorClass: c })),
  { ...METRIC.latencyUnavailable, field: 'latencyUnavailable' },
  { ...METRIC.unpricedInvocations, field: 'unpricedInvocations' },
  { ...METRIC.truncatedAnswers, field: 'truncatedAnswers' },
  { ...METRIC.guardrailInterventions, field: 'guardrailInterventions' },
];

/**
 * Per-model quality counts that no alarm reads: written into the same EMF documents as plain
 * properties (not under `CloudWatchMetrics`), so they cost no metric series; Logs Insights and
 * replay read them (docs/quality.md). Zero counts are left out, like counters.
 */
export const QUALITY_PROPERTIES = {
  contentFilteredAnswers: 'ContentFilteredAnswers',
  emptyAnswers: 'EmptyAnswers',
} as const;

export type QualityPropertyField = keyof typeof QUALITY_PROPERTIES;

/** A counter's value in a bucket; typed, so no counter can go unmapped. */
export function counterValue(counter: ModelCounter, values: ModelCounterValues): number {
  return 'field' in counter ? values[counter.field] : values.errors[counter.errorClass];
}

/**
 * Rebuilds the counters from per-metric totals (what CloudWatch holds), the inverse of
 * `counterValue` over `MODEL_COUNTERS`.
 * @example modelCountersFrom((name) => sums.get(name) ?? 0).invocations
 */
export function modelCountersFrom(total: (metricName: string) => number): ModelCounterValues {
  const values = { errors: {} } as ModelCounterValues;
  for (const counter of MODEL_COUNTERS) {
    if ('field' in counter) values[counter.field] = total(counter.name);
    else values.errors[counter.errorClass] = total(counter.name);
  }
  return values;
}

/** The counters of one attribution value on one model in one minute. */
export interface AttributionCounterValues {
  invocations: number;
  inputTokens: number;
  outputTokens: number;
  /** Failed calls of every class. */
  errors: number;
}

/** The attribution counters in EMF document order. */
export const ATTRIBUTION_COUNTERS: readonly (MetricSpec & {
  readonly field: keyof AttributionCounterValues;
})[] = [
  { ...METRIC.invocations, field: 'invocations' },
  { ...METRIC.inputTokens, field: 'inputTokens' },
  { ...METRIC.outputTokens, field: 'outputTokens' },
  { ...METRIC.errors, field: 'errors' },
];

/**
 * Attribution data: one JSON line per minute × attribution value × model in the ingest function's
 * log group (not EMF, so CloudWatch bills no metric per value): `{"bedrockWatch":"attribution",
 * "Timestamp":…,"service":…,"<Dim>":<value>,"ModelId":…,"Invocations":…,"InputTokens":…,
 * "OutputTokens":…,"Errors":…,"Tokens":…,"CostUSD":…,"LatencyP50":…,"LatencyP95":…,"LatencyMax":…,
 * "Latency":[…]}`. Contributor Insights rules, Logs Insights
 * queries and replay read it. Never prompt or response text: counts, cost, latency and names only.
 */
export const ATTRIBUTION_RECORD = 'attribution';
export const ATTRIBUTION_RECORD_FIELD = 'bedrockWatch';
/** The attribution line's own fields beyond the metric names: an attribution key may not take one. */
export const ATTRIBUTION_LINE_FIELDS: readonly string[] = [
  ATTRIBUTION_RECORD_FIELD,
  'Timestamp',
  'Tokens',
  'LatencyP50',
  'LatencyP95',
  'LatencyMax',
];
/** Raw latency values per attribution line; more go into further lines of the same minute. */
export const ATTRIBUTION_LATENCY_PER_LINE = 1000;

/** Pipeline health, emitted once per batch under `[service]` (and `[service, Reason]`). */
export const HEALTH = {
  recordsReceived: 'RecordsReceived',
  recordsAccepted: 'RecordsAccepted',
  duplicateRecords: 'DuplicateRecords',
  rejectedRecords: 'RejectedRecords',
  /** Time from the oldest accepted record in the batch to its processing. */
  deliveryLag: 'DeliveryLag',
  batchDecodeFailures: 'BatchDecodeFailures',
} as const;

/** Metrics made by Logs metric filters on the invocation log group (dimension ModelId). */
export const FILTER_METRICS = {
  highOutputTokenRequests: 'HighOutputTokenRequests',
  accessDeniedCalls: 'AccessDeniedCalls',
} as const;

/** Published hourly by the month-to-date function under `[service]` (unit None, USD). */
export const MONTH_TO_DATE = {
  cost: 'MonthToDateCostUSD',
  projected: 'ProjectedMonthCostUSD',
  /** The configured hourly cost of provisioned-throughput and custom models, month so far (included above). */
  provisioned: 'MonthToDateProvisionedUSD',
} as const;

/**
 * Published once a day by the reconcile function under `[service]` (unit None): bedrock-watch's cost
 * of the closed day two days back (its own CostUSD) against Cost Explorer's Amazon Bedrock cost for
 * the same day and region, and the estimate as a percentage of the bill (100 = exact, 92 = 8 % short,
 * 110 = 10 % over; kept non-negative as every series here is). Stamped when published, not with the
 * day it describes.
 */
export const RECONCILIATION = {
  estimateToBillPct: 'EstimateToBillPct',
  estimatedUsd: 'ReconciledEstimateUSD',
  billedUsd: 'BilledCostUSD',
} as const;

/**
 * Published once a week by the weekly advisor under `[service, Basis]` (unit None): the monthly
 * saving its findings of one basis add up to (never summed across bases) and how many findings.
 */
export const SAVINGS = {
  monthlyUsd: 'SavingsMonthlyUSD',
  findings: 'SavingsFindings',
  basisDimension: 'Basis',
} as const;

/** Every metric name the ingest function and its metric filters write (attribution dimensions may not take one). */
export const INGEST_METRIC_NAMES: readonly string[] = [
  ...Object.values(METRIC).map((m) => m.name),
  ...Object.values(ERROR_METRICS).map((m) => m.name),
  ...Object.values(HEALTH),
  ...Object.values(FILTER_METRICS),
];

/**
 * Money is summed in floating point; rounding keeps figures free of 0.30000000000000004 noise while
 * staying far below a cent. EMF values keep 10 decimals; the replay report prints 9 (its `--json`
 * shape, which other tools read, has always had 9).
 * @example roundUsd(0.1 + 0.2) // 0.3
 */
export const roundUsd = (usd: number, decimals: 9 | 10 = 10): number => {
  const scale = 10 ** decimals;
  return Math.round(usd * scale) / scale;
};

/**
 * Published hourly by the month-to-date function for the token-spike alarms, under `[service]` and
 * `[service, ModelId]` (unit Count): the tokens (input + cache write + output) of the last settled
 * hour, and the mean of the same hour on the previous days that had traffic (the trailing baseline
 * CloudWatch metric math cannot compute, as it cannot shift time).
 */
export const HOURLY_TOKENS = {
  lastHour: 'TokensLastHour',
  baseline: 'TokensBaseline',
} as const;

/**
 * Published by the notifier under `[service]` (unit Count): alert deliveries made, failed, skipped
 * (a weekly savings report not sent to a paging destination), and notifications it could not read.
 */
export const NOTIFIER_METRICS = {
  delivered: 'AlertDeliveries',
  failed: 'AlertDeliveryFailures',
  skipped: 'AlertDeliveriesSkipped',
  rejected: 'AlarmNotificationsRejected',
} as const;
