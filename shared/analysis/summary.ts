import { DIM_MODEL_ID, METRIC, modelCountersFrom, roundUsd } from '../contract/metrics';

/** The report's precision (see `roundUsd`). */
const REPORT_DECIMALS = 9;

import type { UsageCounters } from '../ingest/7-aggregate';
import type { RecordCounts } from '../ingest/batch';
import type { EmfSeries } from './emf-reader';
import { type PercentileSummary, summarisePercentiles } from './percentile';

export interface ModelTotals extends UsageCounters {
  costUsd: number;
  /** costUsd per 1,000 invocations (failed ones included); null without invocations. */
  costPer1kInvocations: number | null;
  unpricedInvocations: number;
  latencyMs: PercentileSummary;
  timeToFirstTokenMs: PercentileSummary;
}

export interface ModelSummary extends ModelTotals {
  modelId: string;
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

/** The replay's `--json` document. */
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
}

interface Accumulator {
  counters: Map<string, number>;
  latency: number[];
  ttft: number[];
}

const per1k = (cost: number, invocations: number) =>
  invocations > 0 ? roundUsd((1000 * cost) / invocations, REPORT_DECIMALS) : null;

function toTotals(acc: Accumulator): ModelTotals {
  const counter = (name: string) => acc.counters.get(name) ?? 0;
  const c = modelCountersFrom(counter);
  // Spelled out: the key order is the `--json` document's.
  return {
    invocations: c.invocations,
    errors: c.errors,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    cacheReadInputTokens: c.cacheReadInputTokens,
    cacheWriteInputTokens: c.cacheWriteInputTokens,
    costUsd: roundUsd(counter(METRIC.cost.name), REPORT_DECIMALS),
    costPer1kInvocations: per1k(counter(METRIC.cost.name), c.invocations),
    unpricedInvocations: c.unpricedInvocations,
    latencyMs: summarisePercentiles(acc.latency),
    timeToFirstTokenMs: summarisePercentiles(acc.ttft),
  };
}

const newAccumulator = (): Accumulator => ({ counters: new Map(), latency: [], ttft: [] });

function add(acc: Accumulator, series: EmfSeries): void {
  if (series.name === METRIC.latency.name) acc.latency.push(...series.values);
  else if (series.name === METRIC.timeToFirstToken.name) acc.ttft.push(...series.values);
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
    // The model series are exactly [service, ModelId]; attribution series carry a third dimension.
    if (s.namespace !== namespace || modelId === undefined || Object.keys(s.dimensions).length !== 2)
      continue;
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

/**
 * Per attribution key, the totals of every value, from the `[service, <Dim>]` series.
 * @param dimensions attribution key → its dimension name
 */
export function summariseAttribution(
  series: Iterable<EmfSeries>,
  namespace: string,
  dimensions: Record<string, string>,
): Record<string, AttributionSummary[]> {
  const byDimension = new Map(Object.entries(dimensions).map(([key, dim]) => [dim, key]));
  const acc = new Map<string, Map<string, Accumulator>>();
  for (const s of series) {
    const names = Object.keys(s.dimensions);
    if (s.namespace !== namespace || names.length !== 2) continue;
    const dim = names.find((n) => byDimension.has(n));
    if (dim === undefined) continue;
    const key = byDimension.get(dim) as string;
    const value = s.dimensions[dim] as string;
    let values = acc.get(key);
    if (!values) {
      values = new Map();
      acc.set(key, values);
    }
    let a = values.get(value);
    if (!a) {
      a = newAccumulator();
      values.set(value, a);
    }
    add(a, s);
  }
  const out: Record<string, AttributionSummary[]> = {};
  for (const key of Object.keys(dimensions)) {
    out[key] = [...(acc.get(key) ?? new Map<string, Accumulator>()).entries()]
      .map(([value, a]) => {
        const counter = (name: string) => a.counters.get(name) ?? 0;
        return {
          value,
          invocations: counter(METRIC.invocations.name),
          errors: counter(METRIC.errors.name),
          inputTokens: counter(METRIC.inputTokens.name),
          outputTokens: counter(METRIC.outputTokens.name),
          costUsd: roundUsd(counter(METRIC.cost.name), REPORT_DECIMALS),
          costPer1kInvocations: per1k(counter(METRIC.cost.name), counter(METRIC.invocations.name)),
          latencyMs: summarisePercentiles(a.latency),
        };
      })
      .sort((x, y) => y.invocations - x.invocations || (x.value < y.value ? -1 : 1));
  }
  return out;
}
