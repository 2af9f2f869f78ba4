import type { ModelMinuteBucket } from './aggregate';
import { EMF_MAX_VALUES_PER_METRIC } from './limits';
import {
  COST_METRIC,
  DIM_MODEL_ID,
  DIM_SERVICE,
  type EmfUnit,
  LATENCY_METRIC,
  MODEL_COUNTERS,
  MODEL_DIMENSION_SETS,
  TTFT_METRIC,
} from './metric-contract';

export interface EmfOptions {
  namespace: string;
  service: string;
}

interface MetricDef {
  Name: string;
  Unit: EmfUnit;
}

/** Money is summed in floating point; rounding keeps documents free of 0.30000000000000004 noise. */
const roundUsd = (usd: number): number => Math.round(usd * 1e10) / 1e10;

function chunk(values: readonly number[]): number[][] {
  const chunks: number[][] = [];
  for (let i = 0; i < values.length; i += EMF_MAX_VALUES_PER_METRIC) {
    chunks.push(values.slice(i, i + EMF_MAX_VALUES_PER_METRIC));
  }
  return chunks;
}

function document(
  bucket: ModelMinuteBucket,
  options: EmfOptions,
  metrics: MetricDef[],
  values: Record<string, number | number[]>,
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: bucket.minuteStartMs,
      CloudWatchMetrics: [
        { Namespace: options.namespace, Dimensions: MODEL_DIMENSION_SETS, Metrics: metrics },
      ],
    },
    [DIM_SERVICE]: options.service,
    [DIM_MODEL_ID]: bucket.modelId,
    ...values,
  });
}

/**
 * Turns buckets into EMF documents (one JSON line each), timestamped at the bucket's minute.
 * The first document of a bucket carries the non-zero counters; latency and time-to-first-token values
 * beyond 100 go into further documents with the same timestamp and dimensions (EMF's array limit).
 * Each document also feeds the `[service]` all-models series, so no second copy is needed.
 */
export function toEmfDocuments(buckets: readonly ModelMinuteBucket[], options: EmfOptions): string[] {
  const documents: string[] = [];
  for (const bucket of buckets) {
    const counters: Record<string, number> = {
      Invocations: bucket.invocations,
      InputTokens: bucket.inputTokens,
      OutputTokens: bucket.outputTokens,
      CacheReadInputTokens: bucket.cacheReadInputTokens,
      CacheWriteInputTokens: bucket.cacheWriteInputTokens,
      ThrottlingErrors: bucket.errors.Throttling,
      TimeoutErrors: bucket.errors.Timeout,
      ValidationErrors: bucket.errors.Validation,
      AuthErrors: bucket.errors.Auth,
      ModelErrors: bucket.errors.Model,
      ServerErrors: bucket.errors.Server,
      LatencyUnavailable: bucket.latencyUnavailable,
      UnpricedInvocations: bucket.unpricedInvocations,
    };
    const metrics: MetricDef[] = [];
    const values: Record<string, number | number[]> = {};
    // Zero counters are left out: every metric that receives data is billed for that hour, and
    // alarms and dashboards FILL gaps with 0. Invocations is never zero in a bucket.
    for (const m of MODEL_COUNTERS) {
      const value = counters[m.name] ?? 0;
      if (value === 0) continue;
      metrics.push({ Name: m.name, Unit: m.unit });
      values[m.name] = value;
    }
    // Cost of the calls we could price; a model we cannot price reports no cost, never a silent zero.
    if (bucket.pricedInvocations > 0) {
      metrics.push({ Name: COST_METRIC.name, Unit: COST_METRIC.unit });
      values[COST_METRIC.name] = roundUsd(bucket.costUsd);
    }
    const latency = chunk(bucket.latencyMs);
    const ttft = chunk(bucket.timeToFirstTokenMs);
    const parts = Math.max(1, latency.length, ttft.length);
    for (let part = 0; part < parts; part++) {
      const partMetrics = part === 0 ? metrics : [];
      const partValues = part === 0 ? values : {};
      const lat = latency[part];
      const first = ttft[part];
      if (lat) {
        partMetrics.push({ Name: LATENCY_METRIC.name, Unit: LATENCY_METRIC.unit });
        partValues[LATENCY_METRIC.name] = lat;
      }
      if (first) {
        partMetrics.push({ Name: TTFT_METRIC.name, Unit: TTFT_METRIC.unit });
        partValues[TTFT_METRIC.name] = first;
      }
      documents.push(document(bucket, options, partMetrics, partValues));
    }
  }
  return documents;
}
