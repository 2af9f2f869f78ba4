import { EMF_MAX_VALUES_PER_METRIC, isCloudWatchValue } from '../contract/limits';
import {
  ATTRIBUTION_COUNTERS,
  counterValue,
  DIM_MODEL_ID,
  DIM_SERVICE,
  METRIC,
  type MetricSpec,
  MODEL_COUNTERS,
  MODEL_DIMENSION_SETS,
  QUALITY_PROPERTIES,
  roundUsd,
} from '../contract/metrics';
import type { AttributionMinuteBucket, ModelMinuteBucket } from './7-aggregate';

export interface EmfOptions {
  namespace: string;
  service: string;
}

/** `"text"` as JSON, cached: names, units and dimension names repeat in every document. */
const quoted = new Map<string, string>();
function jsonOf(text: string): string {
  let fragment = quoted.get(text);
  if (fragment === undefined) {
    fragment = JSON.stringify(text);
    // Bounded: dimension names are few, but nothing here should grow without end.
    if (quoted.size < 10_000) quoted.set(text, fragment);
  }
  return fragment;
}

/**
 * Writes the documents of one timestamp and one set of dimension values. Counters go into the
 * first document; raw-value arrays are cut at 100 values (EMF's limit) and the rest go into
 * further documents with the same timestamp and dimensions. Zero counters are left out: CloudWatch
 * bills every metric that receives data, and consumers FILL gaps with 0.
 *
 * The JSON is written by hand, byte for byte what JSON.stringify would write for
 * `{_aws, ...dimensions, ...values}` (no key can repeat: attribution names may not be dimension or
 * metric names, and none is integer-like), without building the objects: a month of replay writes
 * about one document for every four records, and the function one per model and minute.
 */
class DocumentWriter {
  private readonly defs: string[][] = [[]];
  private readonly values: string[][] = [[]];

  /** A counter; `keepZero` writes it even at 0 (CostUSD of calls priced at $0). */
  counter(spec: MetricSpec, value: number, keepZero = false): void {
    // The last guard: one value CloudWatch cannot store drops the whole document. The stages and
    // the configuration check keep such values out; anything that slips through is left out here.
    if ((value === 0 && !keepZero) || !isCloudWatchValue(value)) return;
    (this.defs[0] as string[]).push(`{"Name":${jsonOf(spec.name)},"Unit":${jsonOf(spec.unit)}}`);
    // String(n) is JSON's spelling of a finite number (-0 included).
    (this.values[0] as string[]).push(`${jsonOf(spec.name)}:${value}`);
  }

  /** A plain property of the first document, not a metric (no series, no bill); zero is left out. */
  property(name: string, value: number): void {
    if (value === 0 || !Number.isFinite(value)) return;
    (this.values[0] as string[]).push(`${jsonOf(name)}:${value}`);
  }

  /** Every raw value, 100 to a document. */
  raw(spec: MetricSpec, all: readonly number[]): void {
    const values = all.every(isCloudWatchValue) ? all : all.filter(isCloudWatchValue);
    for (let i = 0; i * EMF_MAX_VALUES_PER_METRIC < values.length; i++) {
      while (this.defs.length <= i) {
        this.defs.push([]);
        this.values.push([]);
      }
      const slice = values.slice(i * EMF_MAX_VALUES_PER_METRIC, (i + 1) * EMF_MAX_VALUES_PER_METRIC);
      (this.defs[i] as string[]).push(`{"Name":${jsonOf(spec.name)},"Unit":${jsonOf(spec.unit)}}`);
      (this.values[i] as string[]).push(`${jsonOf(spec.name)}:[${slice.join(',')}]`);
    }
  }

  /** Appends the documents to `out`. */
  finish(
    options: EmfOptions,
    timestamp: number,
    dimensionSets: readonly (readonly string[])[],
    dimensions: Record<string, string>,
    out: string[],
  ): void {
    let dims = '';
    for (const name in dimensions) dims += `,${jsonOf(name)}:${JSON.stringify(dimensions[name])}`;
    const head = `{"_aws":{"Timestamp":${timestamp},"CloudWatchMetrics":[{"Namespace":${jsonOf(options.namespace)},"Dimensions":${JSON.stringify(dimensionSets)},"Metrics":[`;
    for (let i = 0; i < this.defs.length; i++) {
      const defs = this.defs[i] as string[];
      if (defs.length === 0) continue;
      out.push(`${head}${defs.join(',')}]}]}${dims},${(this.values[i] as string[]).join(',')}}`);
    }
  }
}

/**
 * Turns model buckets into EMF documents (one JSON line each), timestamped at the bucket's minute,
 * under `[service, ModelId]` and `[service]`: each document also feeds the all-models series, so
 * no second copy is needed.
 */
export function toEmfDocuments(buckets: readonly ModelMinuteBucket[], options: EmfOptions): string[] {
  const documents: string[] = [];
  for (const bucket of buckets) {
    const writer = new DocumentWriter();
    for (const counter of MODEL_COUNTERS) writer.counter(counter, counterValue(counter, bucket));
    // Cost of the calls we could price, written whenever one was (even at $0, say a call of zero
    // tokens); a model we cannot price reports no cost, never a silent zero.
    if (bucket.pricedInvocations > 0) writer.counter(METRIC.cost, roundUsd(bucket.costUsd), true);
    for (const field of Object.keys(QUALITY_PROPERTIES) as (keyof typeof QUALITY_PROPERTIES)[]) {
      writer.property(QUALITY_PROPERTIES[field], bucket[field]);
    }
    writer.raw(METRIC.latency, bucket.latencyMs);
    writer.raw(METRIC.timeToFirstToken, bucket.timeToFirstTokenMs);
    writer.raw(METRIC.feedbackScore, bucket.feedbackScores);
    writer.finish(
      options,
      bucket.minuteStartMs,
      MODEL_DIMENSION_SETS,
      { [DIM_SERVICE]: options.service, [DIM_MODEL_ID]: bucket.modelId },
      documents,
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
    const writer = new DocumentWriter();
    for (const counter of ATTRIBUTION_COUNTERS) writer.counter(counter, bucket[counter.field]);
    if (bucket.pricedInvocations > 0) writer.counter(METRIC.cost, roundUsd(bucket.costUsd), true);
    writer.raw(METRIC.latency, bucket.latencyMs);
    writer.finish(
      options,
      bucket.minuteStartMs,
      [
        [DIM_SERVICE, bucket.dimension],
        [DIM_SERVICE, bucket.dimension, DIM_MODEL_ID],
      ],
      { [DIM_SERVICE]: options.service, [bucket.dimension]: bucket.value, [DIM_MODEL_ID]: bucket.modelId },
      documents,
    );
  }
  return documents;
}
