/**
 * Limits the pipeline must respect, named so every stage and test uses the same figures.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

/** EMF: at most 100 metric definitions per directive. */
export const EMF_MAX_METRICS_PER_DIRECTIVE = 100;
/** EMF: at most 30 dimensions per dimension set. */
export const EMF_MAX_DIMENSIONS_PER_SET = 30;
/** EMF: a metric value may be an array of at most 100 numbers. */
export const EMF_MAX_VALUES_PER_METRIC = 100;
/** EMF: one log event may be 1 MB since 2025; 256 KB is accepted everywhere, so we stay under it. */
export const EMF_MAX_DOCUMENT_BYTES = 256 * 1024;
/** CloudWatch: a dimension value is 1 to 1024 ASCII characters. */
export const DIMENSION_VALUE_MAX_LENGTH = 1024;

/**
 * CloudWatch rejects a metric value whose magnitude is outside 8.515920e-109 to 1.174271e+108
 * (2^-360 to 2^360 in base 2; 0 is fine) and drops the whole EMF document that carries it, with
 * every other metric of that model and minute. PutMetricData's documentation states the range.
 */
export const CLOUDWATCH_MAX_VALUE = 1.174271e108;
export const CLOUDWATCH_MIN_MAGNITUDE = 8.51592e-109;

/** Whether CloudWatch accepts `value` as a metric value: finite, 0, or within its magnitude range. */
export function isCloudWatchValue(value: number): boolean {
  const magnitude = Math.abs(value);
  return (
    Number.isFinite(value) &&
    (value === 0 || (magnitude >= CLOUDWATCH_MIN_MAGNITUDE && magnitude <= CLOUDWATCH_MAX_VALUE))
  );
}

/** CloudWatch accepts data points up to 14 days old ... */
export const MAX_RECORD_AGE_MS = 14 * 24 * 60 * 60 * 1000;
/** ... and up to 2 hours in the future. */
export const MAX_RECORD_FUTURE_MS = 2 * 60 * 60 * 1000;

export const MINUTE_MS = 60_000;

/**
 * Default cap on a decompressed subscription payload. Lambda delivers at most 1 MB compressed;
 * JSON logs compress roughly 10-20x, so 32 MiB leaves room for real batches while a gzip bomb
 * fails fast instead of exhausting the function's memory.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024;
