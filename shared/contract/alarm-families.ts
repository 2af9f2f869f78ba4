/**
 * The alarm families: one stable name per kind of alarm, what the alarm definitions
 * (shared/monitoring/alarms/) tag each alarm with and what the notifier (shared/alerts/) reads back
 * from an alarm's name. Every alarm key starts with its family. Both sides import this list, so a
 * family added here without a definition fails test/alarm-families.test.ts, and without a guide in
 * shared/alerts/families.ts fails the compiler.
 */
export const ALARM_FAMILIES = [
  'latency-p95',
  'error-rate',
  // The caller's own errors (validation, access denied): warn, do not page (rates.ts).
  'client-error-rate',
  'throttle-rate',
  'output-tokens-anomaly',
  'cost-anomaly',
  'latency-anomaly',
  'latency-and-errors',
  'quota-tpm',
  'quota-rpm',
  // Answer quality and capacity (quality.ts, concurrency.ts, quota-estimated.ts).
  'truncation-rate',
  'guardrail-rate',
  'concurrency',
  'estimated-tpm-quota',
  // Pipeline health: one alarm each, on the monitor's own health (pipeline.ts).
  'pipeline-ingest-errors',
  'pipeline-failure-queue-depth',
  'pipeline-rejected-records',
  'pipeline-unpriced-invocations',
  'pipeline-emf-rejected',
  'pipeline-bedrock-log-delivery',
  'pipeline-bedrock-large-data-delivery',
  'pipeline-delivery-lag',
  // Budgets, token spikes, top contributors and the notifier's own health (alerts.ts), the bill (bill-drift.ts).
  'budget',
  'budget-projection',
  'token-spike',
  'notifier-failures',
  'top-contributor-cost',
  'top-contributor-tokens',
  'bill-drift',
  // The scheduled functions' own runs: a failed run, no run at all (scheduled.ts).
  'scheduled-errors',
  'scheduled-not-running',
] as const;

export type AlarmFamily = (typeof ALARM_FAMILIES)[number];

/** Pipeline-health families: the alarm's key is its family. */
export type PipelineFamily = Extract<AlarmFamily, `pipeline-${string}`>;
