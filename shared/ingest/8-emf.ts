import { ERROR_CLASSES, ERROR_GROUP_OF } from '../contract/error-classes';
import { EMF_MAX_VALUES_PER_METRIC, isCloudWatchValue } from '../contract/limits';
import {
  ATTRIBUTION_COUNTERS,
  ATTRIBUTION_LATENCY_PER_LINE,
  ATTRIBUTION_RECORD,
  ATTRIBUTION_RECORD_FIELD,
  counterValue,
  DEFAULT_METRIC_SET,
  DIM_MODEL_ID,
  DIM_SERVICE,
  dimensionSetsOf,
  ERROR_METRICS,
  METRIC,
  type MetricSet,
  type MetricSpec,
  MODEL_COUNTERS,
  type PublishedMetric,
  QUALITY_PROPERTIES,
  roundUsd,
} from '../contract/metrics';
import { DIM_ACCOUNT } from './6-attribute';
import type { AccountMinuteBucket, AttributionMinuteBucket, ModelMinuteBucket } from './7-aggregate';

export interface EmfOptions {
  namespace: string;
  service: string;
  /** Which metrics to publish (default `complete`); see `METRIC` in the contract. */
  metricSet?: MetricSet;
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
/** `Dimensions` JSON per dimension-set list, by identity: the lists are the contract's, reused. */
const setsJson = new WeakMap<readonly (readonly string[])[], string>();
function jsonOfSets(sets: readonly (readonly string[])[]): string {
  let json = setsJson.get(sets);
  if (json === undefined) {
    json = JSON.stringify(sets);
    setsJson.set(sets, json);
  }
  return json;
}

class DocumentWriter {
  /** Per document: dimension-set list → its metric definitions and values, in first-use order. */
  private readonly docs: Map<readonly (readonly string[])[], { defs: string[]; values: string[] }>[] = [
    new Map(),
  ];

  /** Plain properties of the first document (`name:value` JSON fragments). */
  private readonly properties: string[] = [];

  /** `defaultSets`: the dimension sets of metrics written without their own. */
  constructor(private readonly defaultSets: readonly (readonly string[])[] = []) {}

  private add(i: number, sets: readonly (readonly string[])[], spec: MetricSpec, value: string): void {
    while (this.docs.length <= i) this.docs.push(new Map());
    const groups = this.docs[i] as Map<readonly (readonly string[])[], { defs: string[]; values: string[] }>;
    let group = groups.get(sets);
    if (!group) {
      group = { defs: [], values: [] };
      groups.set(sets, group);
    }
    group.defs.push(`{"Name":${jsonOf(spec.name)},"Unit":${jsonOf(spec.unit)}}`);
    group.values.push(`${jsonOf(spec.name)}:${value}`);
  }

  /** A counter; `keepZero` writes it even at 0 (CostUSD of calls priced at $0). */
  counter(
    spec: MetricSpec,
    value: number,
    keepZero = false,
    sets: readonly (readonly string[])[] = this.defaultSets,
  ): void {
    // The last guard: one value CloudWatch cannot store drops the whole document. The stages and
    // the configuration check keep such values out; anything that slips through is left out here.
    if (sets.length === 0 || (value === 0 && !keepZero) || !isCloudWatchValue(value)) return;
    // String(n) is JSON's spelling of a finite number (-0 included).
    this.add(0, sets, spec, String(value));
  }

  /** A plain property of the first document, not a metric (no series, no bill); zero is left out. */
  property(name: string, value: number): void {
    if (value === 0 || !Number.isFinite(value)) return;
    this.properties.push(`${jsonOf(name)}:${value}`);
  }

  /** Every raw value, 100 to a document. */
  raw(
    spec: MetricSpec,
    all: readonly number[],
    sets: readonly (readonly string[])[] = this.defaultSets,
  ): void {
    if (sets.length === 0) return;
    const values = all.every(isCloudWatchValue) ? all : all.filter(isCloudWatchValue);
    for (let i = 0; i * EMF_MAX_VALUES_PER_METRIC < values.length; i++) {
      const slice = values.slice(i * EMF_MAX_VALUES_PER_METRIC, (i + 1) * EMF_MAX_VALUES_PER_METRIC);
      this.add(i, sets, spec, `[${slice.join(',')}]`);
    }
  }

  /** Appends the documents to `out`: one directive per group of dimension sets. */
  finish(options: EmfOptions, timestamp: number, dimensions: Record<string, string>, out: string[]): void {
    let dims = '';
    for (const name in dimensions) dims += `,${jsonOf(name)}:${JSON.stringify(dimensions[name])}`;
    const namespace = jsonOf(options.namespace);
    for (const [i, groups] of this.docs.entries()) {
      if (groups.size === 0) continue;
      const directives: string[] = [];
      // The properties ride on the first document, after its metric values.
      const values: string[] = [];
      for (const [sets, group] of groups) {
        directives.push(
          `{"Namespace":${namespace},"Dimensions":${jsonOfSets(sets)},"Metrics":[${group.defs.join(',')}]}`,
        );
        values.push(group.values.join(','));
      }
      if (i === 0 && this.properties.length > 0) values.push(this.properties.join(','));
      out.push(
        `{"_aws":{"Timestamp":${timestamp},"CloudWatchMetrics":[${directives.join(',')}]}${dims},${values.join(',')}}`,
      );
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
  const set = options.metricSet ?? DEFAULT_METRIC_SET;
  const setsOf = new Map<PublishedMetric, readonly (readonly string[])[]>();
  const sets = (metric: PublishedMetric) => {
    let found = setsOf.get(metric);
    if (!found) {
      found = dimensionSetsOf(metric, set);
      setsOf.set(metric, found);
    }
    return found;
  };
  for (const bucket of buckets) {
    const writer = new DocumentWriter();
    for (const counter of MODEL_COUNTERS)
      writer.counter(counter, counterValue(counter, bucket), false, sets(counter));
    // Cost of the calls we could price, written whenever one was (even at $0, say a call of zero
    // tokens); a model we cannot price reports no cost, never a silent zero.
    if (bucket.pricedInvocations > 0)
      writer.counter(METRIC.cost, roundUsd(bucket.costUsd), true, sets(METRIC.cost));
    for (const field of Object.keys(QUALITY_PROPERTIES) as (keyof typeof QUALITY_PROPERTIES)[]) {
      writer.property(QUALITY_PROPERTIES[field], bucket[field]);
    }
    writer.raw(METRIC.latency, bucket.latencyMs, sets(METRIC.latency));
    writer.raw(METRIC.timeToFirstToken, bucket.timeToFirstTokenMs, sets(METRIC.timeToFirstToken));
    writer.raw(METRIC.feedbackScore, bucket.feedbackScores, sets(METRIC.feedbackScore));
    writer.finish(
      options,
      bucket.minuteStartMs,
      { [DIM_SERVICE]: options.service, [DIM_MODEL_ID]: bucket.modelId },
      documents,
    );
  }
  return documents;
}

/**
 * Attribution data (the contract's `ATTRIBUTION_RECORD`): one compact JSON line per minute,
 * attribution value and model, in the function's log group, with `Tokens` (input + output) and the
 * minute's latency p50, p95 and maximum beside the raw values. Not EMF: CloudWatch bills no metric per
 * value; Contributor Insights rules and Logs Insights queries read the lines. Zero counters are left
 * out; raw latency values beyond `ATTRIBUTION_LATENCY_PER_LINE` go into further lines.
 */
export function toAttributionLines(
  buckets: readonly AttributionMinuteBucket[],
  options: EmfOptions,
): string[] {
  const lines: string[] = [];
  for (const bucket of buckets) {
    const latency = bucket.latencyMs.filter(isCloudWatchValue);
    pushAttributionLines(
      lines,
      attributionHead(bucket, options),
      attributionFields(bucket, latency),
      latency,
    );
  }
  return lines;
}

/** The line's opening: record type, timestamp, service, attribution value and model (none on an all-models line). */
function attributionHead(bucket: AttributionMinuteBucket, options: EmfOptions): string {
  return `{${jsonOf(ATTRIBUTION_RECORD_FIELD)}:${jsonOf(ATTRIBUTION_RECORD)},"Timestamp":${bucket.minuteStartMs},${jsonOf(DIM_SERVICE)}:${JSON.stringify(options.service)},${JSON.stringify(bucket.dimension)}:${JSON.stringify(bucket.value)}${bucket.modelId === '' ? '' : `,${jsonOf(DIM_MODEL_ID)}:${JSON.stringify(bucket.modelId)}`}`;
}

/** The first line's `"name":value` fields: non-zero counters, tokens, cost and latency percentiles. */
function attributionFields(bucket: AttributionMinuteBucket, latency: readonly number[]): string[] {
  const fields: string[] = [];
  for (const counter of ATTRIBUTION_COUNTERS) {
    const value = bucket[counter.field];
    if (value !== 0 && isCloudWatchValue(value)) fields.push(`${jsonOf(counter.name)}:${value}`);
  }
  const tokens = bucket.inputTokens + bucket.outputTokens;
  if (tokens !== 0 && isCloudWatchValue(tokens)) fields.push(`"Tokens":${tokens}`);
  const cost = roundUsd(bucket.costUsd);
  if (bucket.pricedInvocations > 0 && isCloudWatchValue(cost))
    fields.push(`${jsonOf(METRIC.cost.name)}:${cost}`);
  // The minute's own percentiles, for Logs Insights (which cannot read inside the array).
  if (latency.length > 0) {
    const sorted = [...latency].sort((a, b) => a - b);
    const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
    fields.push(`"LatencyP50":${rank(50)}`, `"LatencyP95":${rank(95)}`, `"LatencyMax":${sorted.at(-1)}`);
  }
  return fields;
}

/**
 * The first line carries the fields and up to `ATTRIBUTION_LATENCY_PER_LINE` latency values;
 * further lines carry only the rest of the values. A bucket always writes its first line.
 */
function pushAttributionLines(
  lines: string[],
  head: string,
  fields: readonly string[],
  latency: readonly number[],
): void {
  for (let i = 0; i === 0 || i * ATTRIBUTION_LATENCY_PER_LINE < latency.length; i++) {
    const slice = latency.slice(i * ATTRIBUTION_LATENCY_PER_LINE, (i + 1) * ATTRIBUTION_LATENCY_PER_LINE);
    const parts = i === 0 ? [...fields] : [];
    if (slice.length > 0) parts.push(`${jsonOf(METRIC.latency.name)}:[${slice.join(',')}]`);
    if (parts.length > 0 || i === 0) lines.push(`${head}${parts.map((p) => `,${p}`).join('')}}`);
  }
}

/**
 * The bounded attribution series budgets need: `CostUSD` under `[service, <Dim>]`, only for the
 * values a budget names (`budgeted`: dimension name → values), summed per minute.
 */
export function toBudgetEmfDocuments(
  buckets: readonly AttributionMinuteBucket[],
  budgeted: ReadonlyMap<string, ReadonlySet<string>>,
  options: EmfOptions,
): string[] {
  if (budgeted.size === 0) return [];
  const sums = new Map<string, { minute: number; dimension: string; value: string; usd: number }>();
  for (const b of buckets) {
    if (b.pricedInvocations === 0 || !budgeted.get(b.dimension)?.has(b.value)) continue;
    const key = JSON.stringify([b.minuteStartMs, b.dimension, b.value]);
    const sum = sums.get(key) ?? { minute: b.minuteStartMs, dimension: b.dimension, value: b.value, usd: 0 };
    sum.usd += b.costUsd;
    sums.set(key, sum);
  }
  const documents: string[] = [];
  for (const sum of sums.values()) {
    const writer = new DocumentWriter([[DIM_SERVICE, sum.dimension]]);
    writer.counter(METRIC.cost, roundUsd(sum.usd), true);
    writer.finish(
      options,
      sum.minute,
      { [DIM_SERVICE]: options.service, [sum.dimension]: sum.value },
      documents,
    );
  }
  return documents;
}

/** The error classes the error-rate alarm counts: the per-account series carry only these. */
const SERVICE_CLASSES = ERROR_CLASSES.filter((c) => ERROR_GROUP_OF[c] === 'server');
const ACCOUNT_SETS = [[DIM_SERVICE, DIM_ACCOUNT]] as const;

/**
 * One document per named account and minute under `[service, Account]`: calls, cost (when a call
 * could be priced) and the service error classes. That is what an account's error-rate and budget
 * alarms read, five series an account at most; tokens and latency per account stay in the
 * attribution lines, ranked by Contributor Insights, where more accounts add no series.
 */
export function toAccountEmfDocuments(
  buckets: readonly AccountMinuteBucket[],
  options: EmfOptions,
): string[] {
  const documents: string[] = [];
  for (const b of buckets) {
    const writer = new DocumentWriter(ACCOUNT_SETS);
    writer.counter(METRIC.invocations, b.invocations);
    if (b.pricedInvocations > 0) writer.counter(METRIC.cost, roundUsd(b.costUsd), true);
    for (const c of SERVICE_CLASSES) writer.counter(ERROR_METRICS[c], b.errors[c]);
    writer.finish(
      options,
      b.minuteStartMs,
      { [DIM_SERVICE]: options.service, [DIM_ACCOUNT]: b.account },
      documents,
    );
  }
  return documents;
}
