import type { UsageCounters } from './aggregate';
import type { EmfSeries } from './emf-reader';
import { ERROR_CLASSES, type ErrorClass, errorMetricName } from './error-class';
import type { RecordCounts } from './ingest-batch';
import { COST_METRIC, DIM_MODEL_ID, LATENCY_METRIC, TTFT_METRIC } from './metric-contract';
import { type PercentileSummary, summarisePercentiles } from './percentile';

export interface ModelTotals extends UsageCounters {
  costUsd: number;
  unpricedInvocations: number;
  latencyMs: PercentileSummary;
  timeToFirstTokenMs: PercentileSummary;
}

export interface ModelSummary extends ModelTotals {
  modelId: string;
}

/** The replay's `--json` document. */
export interface ReplaySummary {
  records: Omit<RecordCounts, 'received'> & { total: number };
  models: ModelSummary[];
  totals: ModelTotals;
  unpricedModels: string[];
  batches: { total: number; failed: number; failures: { source: string; error: string }[] };
}

interface Accumulator {
  counters: Map<string, number>;
  latency: number[];
  ttft: number[];
}

const COUNTER_FIELDS = {
  invocations: 'Invocations',
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  cacheReadInputTokens: 'CacheReadInputTokens',
  cacheWriteInputTokens: 'CacheWriteInputTokens',
  unpricedInvocations: 'UnpricedInvocations',
} as const;

const roundUsd = (usd: number): number => Math.round(usd * 1e9) / 1e9;

function toTotals(acc: Accumulator): ModelTotals {
  const counter = (name: string) => acc.counters.get(name) ?? 0;
  const errors = Object.fromEntries(ERROR_CLASSES.map((c) => [c, counter(errorMetricName(c))])) as Record<
    ErrorClass,
    number
  >;
  return {
    invocations: counter(COUNTER_FIELDS.invocations),
    errors,
    inputTokens: counter(COUNTER_FIELDS.inputTokens),
    outputTokens: counter(COUNTER_FIELDS.outputTokens),
    cacheReadInputTokens: counter(COUNTER_FIELDS.cacheReadInputTokens),
    cacheWriteInputTokens: counter(COUNTER_FIELDS.cacheWriteInputTokens),
    costUsd: roundUsd(counter(COST_METRIC.name)),
    unpricedInvocations: counter(COUNTER_FIELDS.unpricedInvocations),
    latencyMs: summarisePercentiles(acc.latency),
    timeToFirstTokenMs: summarisePercentiles(acc.ttft),
  };
}

const newAccumulator = (): Accumulator => ({ counters: new Map(), latency: [], ttft: [] });

function add(acc: Accumulator, series: EmfSeries): void {
  if (series.name === LATENCY_METRIC.name) acc.latency.push(...series.values);
  else if (series.name === TTFT_METRIC.name) acc.ttft.push(...series.values);
  else
    acc.counters.set(
      series.name,
      (acc.counters.get(series.name) ?? 0) + series.values.reduce((a, b) => a + b, 0),
    );
}

/**
 * Summarises what CloudWatch would hold after the replay: per-model figures from the
 * `[service, ModelId]` series of the namespace, totals over every model.
 */
export function summariseModels(
  series: Iterable<EmfSeries>,
  namespace: string,
): { models: ModelSummary[]; totals: ModelTotals; unpricedModels: string[] } {
  const perModel = new Map<string, Accumulator>();
  const all = newAccumulator();
  for (const s of series) {
    const modelId = s.dimensions[DIM_MODEL_ID];
    if (s.namespace !== namespace || modelId === undefined) continue;
    let acc = perModel.get(modelId);
    if (!acc) {
      acc = newAccumulator();
      perModel.set(modelId, acc);
    }
    add(acc, s);
    add(all, s);
  }
  const models = [...perModel.entries()]
    .map(([modelId, acc]) => ({ modelId, ...toTotals(acc) }))
    .sort((a, b) => b.invocations - a.invocations || (a.modelId < b.modelId ? -1 : 1));
  return {
    models,
    totals: toTotals(all),
    unpricedModels: models.filter((m) => m.unpricedInvocations > 0).map((m) => m.modelId),
  };
}
