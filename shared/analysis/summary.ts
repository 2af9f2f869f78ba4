import {
  ATTRIBUTION_COUNTERS,
  ATTRIBUTION_RECORD,
  ATTRIBUTION_RECORD_FIELD,
  DIM_MODEL_ID,
  DIM_SERVICE,
  METRIC,
  modelCountersFrom,
  QUALITY_PROPERTIES,
  roundUsd,
} from '../contract/metrics';
import type { UsageCounters } from '../ingest/7-aggregate';
import type { RecordCounts } from '../ingest/batch';
import { isObject } from '../json';
import type { EmfSeries } from './emf-reader';
import { nearestRank, type PercentileSummary } from './percentile';

/** The report's precision (see `roundUsd`). */
const REPORT_DECIMALS = 9;

export interface ModelTotals extends UsageCounters {
  /**
   * USD of the calls that could be priced; null when calls were made and none of them could be
   * priced (an unknown cost, not $0).
   */
  costUsd: number | null;
  /** costUsd per 1,000 invocations (failed ones included); null without invocations or cost. */
  costPer1kInvocations: number | null;
  unpricedInvocations: number;
  latencyMs: PercentileSummary;
  timeToFirstTokenMs: PercentileSummary;
  /** Quality figures (docs/quality.md); the `quality` section of `--json`. */
  quality: QualitySummary;
}

/** What the stop reasons and guardrails said about the answers of a model. */
export interface QualitySummary {
  /** Answers cut off by the output limit (TruncatedAnswers). */
  truncatedAnswers: number;
  /** Calls where a guardrail intervened (GuardrailInterventions). */
  guardrailInterventions: number;
  /** Answers a content filter stopped (the ContentFilteredAnswers property). */
  contentFilteredAnswers: number;
  /** Successful generations with zero output tokens (the EmptyAnswers property). */
  emptyAnswers: number;
  /** Each as a percentage of all calls (2 decimals); null without calls. */
  truncatedPct: number | null;
  guardrailPct: number | null;
  contentFilteredPct: number | null;
  emptyPct: number | null;
  /** Output tokens per input token (input excludes cache, as Bedrock logs it; 3 decimals); null without input. */
  outputInputRatio: number | null;
  /** User-feedback records joined to the model (FeedbackScore's SampleCount). */
  feedbackCount: number;
  /** Their mean score, 0–1 (3 decimals); null without feedback. */
  feedbackAverage: number | null;
}

/** Why the calls to a model could not be priced, and what to do about it. */
export interface UnpricedReasonSummary {
  /** `unknown-model`, `unknown-region`, `application-profile-not-resolved`, `provisioned-or-custom`, `no-cache-price`, `no-tier-price`, `prompt-router-unresolved`. */
  reason: string;
  /** The same in words. */
  detail: string;
  /** The regions the calls were made in. */
  regions: string[];
  /** How to get a price. */
  fix: string;
}

export interface ModelSummary extends ModelTotals {
  modelId: string;
  /** Empty unless some calls were unpriced; replay fills it from what the pipeline knew. */
  unpricedReasons: UnpricedReasonSummary[];
}

/** One attribution value (a team, a caller) over all models. */
export interface AttributionSummary {
  value: string;
  invocations: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costPer1kInvocations: number | null;
  latencyMs: PercentileSummary;
}

/** The replay's `--json` document. New keys go at the end: other tools read it. */
export interface ReplaySummary {
  records: Omit<RecordCounts, 'received'> & { total: number };
  models: ModelSummary[];
  totals: ModelTotals;
  unpricedModels: string[];
  /** Per attribution key (`caller`, `team`, …), every value, most invocations first. */
  attribution: Record<string, AttributionSummary[]>;
  /** Configured provisioned-throughput or custom models: billed by the hour, not in costUsd. */
  provisionedModels: { modelId: string; hourlyUsd: number; invocations: number }[];
  batches: { total: number; failed: number; failures: { source: string; error: string }[] };
  /** The clock and filters the replay used, and the minutes its metrics cover (ISO-8601, UTC). */
  time: {
    now: string | null;
    since: string | null;
    until: string | null;
    firstMinute: string | null;
    lastMinute: string | null;
  };
  /** What was read and what was not. */
  inputs: { sources: number; skipped: { path: string; reason: string }[] };
  /** The ModelId cap: model ids beyond it are reported as `Other`. */
  modelIdCap: { maxModelIds: number; folded: number; foldedModelIds: string[] };
}

/**
 * The figures of one group of series (a model, every model, an attribution value): counters
 * summed by metric name, the raw latency values the percentiles need, and the feedback scores.
 */
class Figures {
  readonly counters = new Map<string, number>();
  /** Whether any CostUSD value arrived: a priced call, even at $0. */
  priced = false;
  readonly latency: number[] = [];
  readonly ttft: number[] = [];
  feedbackCount = 0;
  feedbackSum = 0;

  counter(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  add(name: string, values: readonly number[]): void {
    if (name === METRIC.latency.name) {
      for (const v of values) this.latency.push(v);
    } else if (name === METRIC.timeToFirstToken.name) {
      for (const v of values) this.ttft.push(v);
    } else if (name === METRIC.feedbackScore.name) {
      this.feedbackCount += values.length;
      for (const v of values) this.feedbackSum += v;
    } else {
      if (name === METRIC.cost.name && values.length > 0) this.priced = true;
      let sum = this.counters.get(name) ?? 0;
      for (const v of values) sum += v;
      this.counters.set(name, sum);
    }
  }
}

/**
 * The nearest-rank percentiles of `summarisePercentiles`, sorted as a Float64Array: a month of
 * replay sorts hundreds of thousands of values, and a typed array sorts numbers without a comparator.
 */
function summarisePercentiles(values: readonly number[]): PercentileSummary {
  const sorted = Float64Array.from(values).sort() as unknown as readonly number[];
  return {
    count: sorted.length,
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
  };
}

const per1k = (cost: number | null, invocations: number) =>
  invocations > 0 && cost !== null ? roundUsd((1000 * cost) / invocations, REPORT_DECIMALS) : null;

const share = (part: number, whole: number) => (whole > 0 ? Math.round((10_000 * part) / whole) / 100 : null);

function toQuality(c: ReturnType<typeof modelCountersFrom>, figures: Figures): QualitySummary {
  const contentFiltered = figures.counter(QUALITY_PROPERTIES.contentFilteredAnswers);
  const empty = figures.counter(QUALITY_PROPERTIES.emptyAnswers);
  return {
    truncatedAnswers: c.truncatedAnswers,
    guardrailInterventions: c.guardrailInterventions,
    contentFilteredAnswers: contentFiltered,
    emptyAnswers: empty,
    truncatedPct: share(c.truncatedAnswers, c.invocations),
    guardrailPct: share(c.guardrailInterventions, c.invocations),
    contentFilteredPct: share(contentFiltered, c.invocations),
    emptyPct: share(empty, c.invocations),
    outputInputRatio: c.inputTokens > 0 ? Math.round((1000 * c.outputTokens) / c.inputTokens) / 1000 : null,
    feedbackCount: figures.feedbackCount,
    feedbackAverage:
      figures.feedbackCount > 0
        ? Math.round((1000 * figures.feedbackSum) / figures.feedbackCount) / 1000
        : null,
  };
}

function toTotals(figures: Figures): ModelTotals {
  const counter = (name: string) => figures.counter(name);
  const c = modelCountersFrom(counter);
  // Unknown, not free: calls were made and not one of them could be priced.
  const cost =
    !figures.priced && c.unpricedInvocations > 0
      ? null
      : roundUsd(counter(METRIC.cost.name), REPORT_DECIMALS);
  // Spelled out: the key order is the `--json` document's.
  return {
    invocations: c.invocations,
    errors: c.errors,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    cacheReadInputTokens: c.cacheReadInputTokens,
    cacheWriteInputTokens: c.cacheWriteInputTokens,
    costUsd: cost,
    costPer1kInvocations: per1k(cost === null ? null : counter(METRIC.cost.name), c.invocations),
    unpricedInvocations: c.unpricedInvocations,
    latencyMs: summarisePercentiles(figures.latency),
    timeToFirstTokenMs: summarisePercentiles(figures.ttft),
    quality: toQuality(c, figures),
  };
}

function toAttributionSummary(value: string, figures: Figures): AttributionSummary {
  const counter = (name: string) => figures.counter(name);
  return {
    value,
    invocations: counter(METRIC.invocations.name),
    errors: counter(METRIC.errors.name),
    inputTokens: counter(METRIC.inputTokens.name),
    outputTokens: counter(METRIC.outputTokens.name),
    costUsd: roundUsd(counter(METRIC.cost.name), REPORT_DECIMALS),
    costPer1kInvocations: per1k(counter(METRIC.cost.name), counter(METRIC.invocations.name)),
    latencyMs: summarisePercentiles(figures.latency),
  };
}

/** The numbers among a metric's value or values in a document. */
const numbersOf = (raw: unknown): number[] =>
  (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number');

/** The figures an attribution line carries. */
const ATTRIBUTION_LINE_METRICS = [
  ...ATTRIBUTION_COUNTERS.map((c) => c.name),
  METRIC.cost.name,
  METRIC.latency.name,
];

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Where a series' values go: its own group, and the totals over every model for a model series. */
interface Target {
  one: Figures;
  all?: Figures;
}

/** Per-model figures, their totals over every model, and the minutes the model metrics cover. */
class ModelFigures {
  private readonly perModel = new Map<string, Figures>();
  private readonly all = new Figures();
  private firstMinute = Number.POSITIVE_INFINITY;
  private lastMinute = Number.NEGATIVE_INFINITY;

  /** The model's figures (made on first use) and the totals; a finite `timestampMs` widens the minutes. */
  target(modelId: string, timestampMs: number | undefined): Target {
    let figures = this.perModel.get(modelId);
    if (!figures) {
      figures = new Figures();
      this.perModel.set(modelId, figures);
    }
    if (timestampMs !== undefined && Number.isFinite(timestampMs)) {
      this.firstMinute = Math.min(this.firstMinute, timestampMs);
      this.lastMinute = Math.max(this.lastMinute, timestampMs);
    }
    return { one: figures, all: this.all };
  }

  summary(): { models: ModelSummary[]; totals: ModelTotals; unpricedModels: string[] } {
    const models = [...this.perModel.entries()]
      .map(([modelId, figures]) => {
        // `quality` came last to the `--json` shape: it stays after the older keys.
        const { quality, ...totals } = toTotals(figures);
        return { modelId, ...totals, unpricedReasons: [], quality };
      })
      .sort((a, b) => b.invocations - a.invocations || byName(a.modelId, b.modelId));
    return {
      models,
      totals: toTotals(this.all),
      unpricedModels: models.filter((m) => m.unpricedInvocations > 0).map((m) => m.modelId),
    };
  }

  minutes(): { firstMs: number; lastMs: number } | undefined {
    return Number.isFinite(this.firstMinute)
      ? { firstMs: this.firstMinute, lastMs: this.lastMinute }
      : undefined;
  }
}

/** Per attribution key (`team`, `caller`, …) and value, the figures of the attribution lines. */
class AttributionFigures {
  private readonly perValue = new Map<string, Map<string, Figures>>();
  private readonly keyOfDimension: Map<string, string>;

  /** @param attribution attribution key → its dimension name */
  constructor(private readonly attribution: Record<string, string>) {
    this.keyOfDimension = new Map(Object.entries(attribution).map(([key, dim]) => [dim, key]));
  }

  /** The first of `names` that is an attribution dimension. */
  dimensionIn(names: readonly string[]): string | undefined {
    return names.find((n) => this.keyOfDimension.has(n));
  }

  /** The figures of one value of an attribution dimension (made on first use). */
  target(dimension: string, value: string): Target {
    const key = this.keyOfDimension.get(dimension) as string;
    let values = this.perValue.get(key);
    if (!values) {
      values = new Map();
      this.perValue.set(key, values);
    }
    let figures = values.get(value);
    if (!figures) {
      figures = new Figures();
      values.set(value, figures);
    }
    return { one: figures };
  }

  summary(): Record<string, AttributionSummary[]> {
    const out: Record<string, AttributionSummary[]> = {};
    for (const key of Object.keys(this.attribution)) {
      out[key] = [...(this.perValue.get(key) ?? new Map<string, Figures>()).entries()]
        .map(([value, figures]) => toAttributionSummary(value, figures))
        .sort((x, y) => y.invocations - x.invocations || byName(x.value, y.value));
    }
    return out;
  }
}

/**
 * Sums EMF the way CloudWatch would aggregate it, one document at a time, so a replay of any size
 * keeps only the per-model and per-attribution-value figures (and the raw latency values the
 * percentiles need), never the documents. Series are told apart by their dimension names, not by
 * a joined key. This class reads and routes; `ModelFigures` and `AttributionFigures` keep the sums.
 */
export class SummaryAccumulator {
  private readonly byModel = new ModelFigures();
  private readonly byAttribution: AttributionFigures;

  /**
   * @param namespace the namespace of the series to read
   * @param attribution attribution key → its dimension name
   */
  constructor(
    private readonly namespace: string,
    attribution: Record<string, string> = {},
  ) {
    this.byAttribution = new AttributionFigures(attribution);
  }

  /**
   * Reads one line (anything else is ignored): a model's EMF document (its values, per model and in
   * the totals) or an attribution line, without building a series object for each: a month of
   * replay reads about as many documents as records.
   */
  addDocument(line: string): void {
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      return;
    }
    if (isObject(doc) && doc[ATTRIBUTION_RECORD_FIELD] === ATTRIBUTION_RECORD) this.addAttributionLine(doc);
    else if (isObject(doc)) this.addModelDocument(doc);
  }

  /** A model's EMF document: its metrics in this namespace, each name once, and its quality properties. */
  private addModelDocument(doc: Record<string, unknown>): void {
    if (!isObject(doc._aws) || !Array.isArray(doc._aws.CloudWatchMetrics)) return;
    const timestampMs = Number(doc._aws.Timestamp);
    // A model's document: every value it carries belongs to that model, whichever dimension sets
    // the metric set publishes it under (the log keeps what CloudWatch may not chart per model).
    const modelId = doc[DIM_MODEL_ID];
    if (typeof modelId !== 'string') return;
    const target = this.targetOf(
      { [DIM_SERVICE]: String(doc[DIM_SERVICE]), [DIM_MODEL_ID]: modelId },
      timestampMs,
    );
    if (!target) return;
    const seen = new Set<string>();
    for (const directive of doc._aws.CloudWatchMetrics as unknown[]) {
      if (!isObject(directive) || !Array.isArray(directive.Metrics)) continue;
      if (String(directive.Namespace) !== this.namespace) continue;
      for (const metric of directive.Metrics as unknown[]) {
        if (!isObject(metric)) continue;
        const name = String(metric.Name);
        if (seen.has(name)) continue;
        seen.add(name);
        addTo(target, name, numbersOf(doc[name]));
      }
    }
    // The quality properties ride on the model documents, outside CloudWatchMetrics.
    if (target.all) this.addProperties(doc, target.one, target.all);
  }

  private addProperties(doc: Record<string, unknown>, one: Figures, all: Figures): void {
    for (const name of Object.values(QUALITY_PROPERTIES)) {
      const value = doc[name];
      if (typeof value !== 'number') continue;
      one.add(name, [value]);
      all.add(name, [value]);
    }
  }

  /** One attribution line (the contract's `ATTRIBUTION_RECORD`): its counters and latency values. */
  private addAttributionLine(doc: Record<string, unknown>): void {
    const dim = this.byAttribution.dimensionIn(Object.keys(doc));
    if (dim === undefined || String(doc[DIM_SERVICE]) === 'undefined') return;
    const dims = { [DIM_SERVICE]: String(doc[DIM_SERVICE]), [dim]: String(doc[dim]) };
    const target = this.targetOf(dims, undefined, true);
    if (!target) return;
    for (const name of ATTRIBUTION_LINE_METRICS) {
      const raw = doc[name];
      if (raw === undefined) continue;
      target.one.add(name, numbersOf(raw));
    }
  }

  /** Adds one series' values, received at `timestampMs`. */
  addSeries(s: EmfSeries, timestampMs?: number): void {
    if (s.namespace !== this.namespace) return;
    const target = this.targetOf(s.dimensions, timestampMs);
    if (target) addTo(target, s.name, s.values);
  }

  /**
   * Where a series' values go: the model series are exactly [service, ModelId] (and feed the totals
   * too); an attribution line goes to its value; anything else is not summarised.
   */
  private targetOf(
    dimensions: Record<string, string>,
    timestampMs: number | undefined,
    attributionLine = false,
  ): Target | undefined {
    const names = Object.keys(dimensions);
    if (names.length !== 2) return undefined;
    const modelId = dimensions[DIM_MODEL_ID];
    if (modelId !== undefined) return this.byModel.target(modelId, timestampMs);
    // Attribution comes from the attribution lines only: the `[service, <Dim>]` cost series of
    // budgeted values holds part of the same money.
    const dim = attributionLine ? this.byAttribution.dimensionIn(names) : undefined;
    if (dim === undefined) return undefined;
    return this.byAttribution.target(dim, dimensions[dim] as string);
  }

  /** Per-model figures (most invocations first), totals over every model, and the unpriced ones. */
  models(): { models: ModelSummary[]; totals: ModelTotals; unpricedModels: string[] } {
    return this.byModel.summary();
  }

  /** Per attribution key, the totals of every value, most invocations first. */
  attributionSummary(): Record<string, AttributionSummary[]> {
    return this.byAttribution.summary();
  }

  /** The first and last minute that received model metrics, if any. */
  minutes(): { firstMs: number; lastMs: number } | undefined {
    return this.byModel.minutes();
  }
}

/** Adds values to a target's own figures and, for a model, to the totals. */
function addTo(target: Target, name: string, values: readonly number[]): void {
  target.one.add(name, values);
  if (target.all) target.all.add(name, values);
}

/**
 * Summarises what CloudWatch would hold after the replay: per-model figures from the
 * `[service, ModelId]` series of the namespace, totals over every model.
 */
export function summariseModels(
  series: Iterable<EmfSeries>,
  namespace: string,
): { models: ModelSummary[]; totals: ModelTotals; unpricedModels: string[] } {
  const acc = new SummaryAccumulator(namespace);
  for (const s of series) acc.addSeries(s);
  return acc.models();
}

/**
 * Per attribution key, the totals of every value, from the attribution lines among `lines`.
 * @param dimensions attribution key → its dimension name
 */
export function summariseAttribution(
  lines: Iterable<string>,
  namespace: string,
  dimensions: Record<string, string>,
): Record<string, AttributionSummary[]> {
  const acc = new SummaryAccumulator(namespace, dimensions);
  for (const line of lines) acc.addDocument(line);
  return acc.attributionSummary();
}
