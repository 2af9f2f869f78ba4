import { ERROR_CLASSES, errorMetricName } from './error-class';

/**
 * The metric contract: names, units and dimensions that alarms, dashboards and tools rely on.
 * Every emitter and every consumer imports these constants; nothing spells a metric name twice.
 */
export const DEFAULT_NAMESPACE = 'BedrockWatch';
export const DEFAULT_SERVICE = 'bedrock-watch';

export const DIM_SERVICE = 'service';
export const DIM_MODEL_ID = 'ModelId';
export const DIM_REASON = 'Reason';

/** Per-model series; the `[service]` set is the all-models series of the same values. */
export const MODEL_DIMENSION_SETS = [[DIM_SERVICE, DIM_MODEL_ID], [DIM_SERVICE]] as const;

export type EmfUnit = 'Count' | 'Milliseconds' | 'None';

export const MODEL_COUNTERS = [
  { name: 'Invocations', unit: 'Count' },
  { name: 'InputTokens', unit: 'Count' },
  { name: 'OutputTokens', unit: 'Count' },
  { name: 'CacheReadInputTokens', unit: 'Count' },
  { name: 'CacheWriteInputTokens', unit: 'Count' },
  ...ERROR_CLASSES.map((c) => ({ name: errorMetricName(c), unit: 'Count' as const })),
  { name: 'LatencyUnavailable', unit: 'Count' },
  { name: 'UnpricedInvocations', unit: 'Count' },
] as const satisfies readonly { name: string; unit: EmfUnit }[];

export const COST_METRIC = { name: 'CostUSD', unit: 'None' } as const;
/** Attribution series only: failed calls of every class together. */
export const ERRORS_METRIC = { name: 'Errors', unit: 'Count' } as const;
export const LATENCY_METRIC = { name: 'Latency', unit: 'Milliseconds' } as const;
export const TTFT_METRIC = { name: 'TimeToFirstToken', unit: 'Milliseconds' } as const;

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
