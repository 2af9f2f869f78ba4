import { EMF_MAX_VALUES_PER_METRIC, isCloudWatchValue } from '../contract/limits';
import {
  ATTRIBUTION_COUNTERS,
  counterValue,
  DIM_MODEL_ID,
  DIM_SERVICE,
  type EmfUnit,
  METRIC,
  MODEL_COUNTERS,
  MODEL_DIMENSION_SETS,
  roundUsd,
} from '../contract/metrics';
import type { AttributionMinuteBucket, ModelMinuteBucket } from './7-aggregate';

export interface EmfOptions {
  namespace: string;
  service: string;
}

/**
 * One metric of a series group: a counter (one number) or raw values (any count). `keepZero`
 * writes a counter even at 0 (CostUSD of calls that were priced at $0).
 */
type Metric = { name: string; unit: EmfUnit } & (
  | { value: number; keepZero?: boolean }
  | { values: readonly number[] }
);

/**
 * The documents for one timestamp and one set of dimension values. Counters go into the first
 * document; raw-value arrays are cut at 100 values (EMF's limit) and the rest go into further
 * documents with the same timestamp and dimensions. Zero counters are left out: CloudWatch bills
 * every metric that receives data, and consumers FILL gaps with 0.
 */
function documentsFor(
  options: EmfOptions,
  timestamp: number,
  dimensionSets: readonly (readonly string[])[],
  dimensions: Record<string, string>,
  metrics: Metric[],
): string[] {
  const parts: { defs: { Name: string; Unit: EmfUnit }[]; values: Record<string, number | number[]> }[] = [];
  const part = (i: number) => {
    while (parts.length <= i) parts.push({ defs: [], values: {} });
    return parts[i] as (typeof parts)[number];
  };
  part(0);
  for (const metric of metrics) {
    // The last guard: one value CloudWatch cannot store drops the whole document. The stages and
    // the configuration check keep such values out; anything that slips through is left out here.
    if ('value' in metric) {
      if ((metric.value === 0 && !metric.keepZero) || !isCloudWatchValue(metric.value)) continue;
      const p = part(0);
      p.defs.push({ Name: metric.name, Unit: metric.unit });
      p.values[metric.name] = metric.value;
      continue;
    }
    const values = metric.values.every(isCloudWatchValue)
      ? metric.values
      : metric.values.filter(isCloudWatchValue);
    for (let i = 0; i * EMF_MAX_VALUES_PER_METRIC < values.length; i++) {
      const p = part(i);
      p.defs.push({ Name: metric.name, Unit: metric.unit });
      p.values[metric.name] = values.slice(
        i * EMF_MAX_VALUES_PER_METRIC,
        (i + 1) * EMF_MAX_VALUES_PER_METRIC,
      );
    }
  }
  return parts
    .filter((p) => p.defs.length > 0)
    .map((p) =>
      JSON.stringify({
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [{ Namespace: options.namespace, Dimensions: dimensionSets, Metrics: p.defs }],
        },
        ...dimensions,
        ...p.values,
      }),
    );
}

/**
 * Turns model buckets into EMF documents (one JSON line each), timestamped at the bucket's minute,
 * under `[service, ModelId]` and `[service]`: each document also feeds the all-models series, so
 * no second copy is needed.
 */
export function toEmfDocuments(buckets: readonly ModelMinuteBucket[], options: EmfOptions): string[] {
  const documents: string[] = [];
  for (const bucket of buckets) {
    const metrics: Metric[] = MODEL_COUNTERS.map((m) => ({
      name: m.name,
      unit: m.unit,
      value: counterValue(m, bucket),
    }));
    // Cost of the calls we could price, written whenever one was (even at $0, say a call of zero
    // tokens); a model we cannot price reports no cost, never a silent zero.
    if (bucket.pricedInvocations > 0)
      metrics.push({ ...METRIC.cost, value: roundUsd(bucket.costUsd), keepZero: true });
    metrics.push(
      { ...METRIC.latency, values: bucket.latencyMs },
      { ...METRIC.timeToFirstToken, values: bucket.timeToFirstTokenMs },
    );
    documents.push(
      ...documentsFor(
        options,
        bucket.minuteStartMs,
        MODEL_DIMENSION_SETS,
        { [DIM_SERVICE]: options.service, [DIM_MODEL_ID]: bucket.modelId },
        metrics,
      ),
    );
  }
  return documents;
}

/**
 * Attribution documents: per minute, attribution value and model, under `[service, <Dim>]` (the
 * team's total) and `[service, <Dim>, ModelId]` (the team on one model).
 */
export function toAttributionEmfDocuments(
  buckets: readonly AttributionMinuteBucket[],
  options: EmfOptions,
): string[] {
  const documents: string[] = [];
  for (const bucket of buckets) {
    const metrics: Metric[] = ATTRIBUTION_COUNTERS.map((m) => ({
      name: m.name,
      unit: m.unit,
      value: bucket[m.field],
    }));
    if (bucket.pricedInvocations > 0)
      metrics.push({ ...METRIC.cost, value: roundUsd(bucket.costUsd), keepZero: true });
    metrics.push({ ...METRIC.latency, values: bucket.latencyMs });
    documents.push(
      ...documentsFor(
        options,
        bucket.minuteStartMs,
        [
          [DIM_SERVICE, bucket.dimension],
          [DIM_SERVICE, bucket.dimension, DIM_MODEL_ID],
        ],
        { [DIM_SERVICE]: options.service, [bucket.dimension]: bucket.value, [DIM_MODEL_ID]: bucket.modelId },
        metrics,
      ),
    );
  }
  return documents;
}
