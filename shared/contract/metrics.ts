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

/** Per-model series; the `[service]` set is the all-models series of the same values. */
export const MODEL_DIMENSION_SETS = [[DIM_SERVICE, DIM_MODEL_ID], [DIM_SERVICE]] as const;

export type EmfUnit = 'Count' | 'Milliseconds' | 'None';

export interface MetricSpec {
  readonly name: string;
  readonly unit: EmfUnit;
}

/** Every metric the ingest function writes per model and minute (and per attribution value). */
export const METRIC = {
  invocations: { name: 'Invocations', unit: 'Count' },
  inputTokens: { name: 'InputTokens', unit: 'Count' },
  outputTokens: { name: 'OutputTokens', unit: 'Count' },
  cacheReadInputTokens: { name: 'CacheReadInputTokens', unit: 'Count' },
  cacheWriteInputTokens: { name: 'CacheWriteInputTokens', unit: 'Count' },
  latencyUnavailable: { name: 'LatencyUnavailable', unit: 'Count' },
  unpricedInvocations: { name: 'UnpricedInvocations', unit: 'Count' },
  cost: { name: 'CostUSD', unit: 'None' },
  /** Attribution series only: failed calls of every class together. */
  errors: { name: 'Errors', unit: 'Count' },
  latency: { name: 'Latency', unit: 'Milliseconds' },
  timeToFirstToken: { name: 'TimeToFirstToken', unit: 'Milliseconds' },
  /** Answers cut off by the output limit (stop reason max_tokens, length, …); the truncation-rate alarm reads it. */
  truncatedAnswers: { name: 'TruncatedAnswers', unit: 'Count' },
  /** Calls where a guardrail intervened; the guardrail-rate alarm reads it. */
  guardrailInterventions: { name: 'GuardrailInterventions', unit: 'Count' },
  /**
   * Every user-feedback score (0–1) of the minute, as raw values: SampleCount is the number of
   * feedback records, Average the mean score (one series per model that receives feedback).
   */
  feedbackScore: { name: 'FeedbackScore', unit: 'None' },
} as const satisfies Record<string, MetricSpec>;

/** One counter per error class, e.g. `ThrottlingErrors`. */
export const ERROR_METRICS = Object.fromEntries(
  ERROR_CLASSES.map((c) => [c, { name: errorMetricName(c), unit: 'Count' }]),
) as Record<ErrorClass, { name: `${ErrorClass}Errors`; unit: 'Count' }>;

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
export type ModelCounter = MetricSpec &
  ({ readonly field: CounterField } | { readonly errorClass: ErrorClass });

/** The per-model counters in EMF document order. */
export const MODEL_COUNTERS: readonly ModelCounter[] = [
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

/** Published by the notifier under `[service]` (unit Count): alert deliveries made, failed, and notifications it could not read. */
export const NOTIFIER_METRICS = {
  delivered: 'AlertDeliveries',
  failed: 'AlertDeliveryFailures',
  rejected: 'AlarmNotificationsRejected',
} as const;
