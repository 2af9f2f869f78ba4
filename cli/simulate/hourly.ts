/**
 * The hourly (month-to-date) function inside the alarm simulator: every hour of the simulated range
 * it runs the real handler against a GetMetricData answered from the simulator's own metric store,
 * with only the values visible at that moment, and files what it publishes back into the store. So
 * budget, projection and token-spike alarms are evaluated on the figures the deployed function
 * would have published, computed by the same code. Each run also files the AWS/Lambda points it
 * would produce (a failed run counts as an error), for the scheduled-function alarms.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { GetMetricDataCommandInput, GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { readEmfDocument } from '../../shared/analysis/emf-reader';
import { LAMBDA_METRICS_LAG_MS, lambdaRunSeries } from '../../shared/analysis/lambda-metrics';
import { type MetricStore, statistic } from '../../shared/analysis/metric-store';
import { loadIngestConfig } from '../../shared/ingest/config';
import { hourlySettings } from '../../shared/monitoring/alerting';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { localLambdaContext } from '../common/lambda-context';

const HOUR_MS = 3_600_000;
/**
 * From the function's run to its figures being visible to alarms: EMF extraction from its log,
 * which AWS bounds at two minutes ("Setting alarms on metrics created with the embedded metric format").
 */
export const HOURLY_PUBLISH_LAG_MS = 60_000;

/**
 * GetMetricData over the store as of `asOfMs`: one datapoint per period from StartTime, for every
 * MetricStat query (the hourly function sends no expressions), in one page.
 */
export function storeGetMetricData(
  store: MetricStore,
  input: GetMetricDataCommandInput,
  asOfMs: number,
): GetMetricDataCommandOutput {
  const startMs = new Date(input.StartTime ?? 0).getTime();
  const endMs = new Date(input.EndTime ?? 0).getTime();
  const results = (input.MetricDataQueries ?? []).map((q) => {
    const stat = q.MetricStat;
    const timestamps: Date[] = [];
    const values: number[] = [];
    if (stat?.Metric && stat.Period && stat.Stat) {
      const id = {
        namespace: stat.Metric.Namespace ?? '',
        name: stat.Metric.MetricName ?? '',
        dimensions: Object.fromEntries(
          (stat.Metric.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']),
        ),
      };
      const periodMs = stat.Period * 1000;
      for (let at = startMs; at < endMs; at += periodMs) {
        const found = store.values(id, at, Math.min(at + periodMs, endMs), asOfMs, stat.Unit);
        if (found.values.length === 0) continue;
        timestamps.push(new Date(at));
        values.push(statistic(stat.Stat, found.values));
      }
    }
    return { Id: q.Id, Timestamps: timestamps, Values: values, StatusCode: 'Complete' as const };
  });
  return { MetricDataResults: results, $metadata: {} };
}

/**
 * Runs of the stack before the simulated range, filed as AWS/Lambda points of good runs: the stack
 * was deployed and running before the first record, so its not-running alarm starts OK. A day
 * covers the evaluation range of every scheduled-function alarm on an hourly schedule.
 */
export const RUNS_BEFORE_RANGE = 24;

export interface HourlyRun {
  /** The function's name, the FunctionName of its AWS/Lambda points. */
  functionName: string;
  /** GetMetricData as the function sees it (default: the store, as of the run). */
  getMetricData?: (input: GetMetricDataCommandInput, asOfMs: number) => GetMetricDataCommandOutput;
}

function fileRun(store: MetricStore, functionName: string, atMs: number, failed: boolean) {
  for (const s of lambdaRunSeries(functionName, failed))
    store.put(s, atMs, atMs + LAMBDA_METRICS_LAG_MS, s.unit, s.values);
}

/**
 * Runs the hourly function at the top of every hour in [fromMs, toMs] and files its documents,
 * visible HOURLY_PUBLISH_LAG_MS later, and each run's AWS/Lambda points (a run that throws is a
 * Lambda error and publishes nothing). Returns how many runs it made.
 */
export async function simulateHourlyFunction(
  store: MetricStore,
  params: StackParameters,
  env: Readonly<Record<string, string | undefined>>,
  range: { fromMs: number; toMs: number },
  run: HourlyRun,
): Promise<number> {
  const getMetricData =
    run.getMetricData ??
    ((input: GetMetricDataCommandInput, asOfMs: number) => storeGetMetricData(store, input, asOfMs));
  const { createMonthToDateHandler } = await import('../../functions/month-to-date/run');
  const config = loadIngestConfig(env);
  let nowMs = 0;
  const handler = createMonthToDateHandler({
    cloudwatch: {
      send: async (command: { input: GetMetricDataCommandInput }) => getMetricData(command.input, nowMs),
    } as never,
    namespace: params.metricsNamespace,
    service: params.serviceName,
    provisionedHourlyUsd: Object.values(config.provisionedModels).map((m) => m.hourlyUsd),
    provisionedByModel: Object.fromEntries(
      Object.entries(config.provisionedModels).map(([model, m]) => [model, m.hourlyUsd]),
    ),
    ...(hourlySettings(params) ? { hourly: hourlySettings(params) } : {}),
    now: () => nowMs,
    logger: new Logger({ logLevel: 'SILENT' }),
    emit: (line) => {
      const doc = readEmfDocument(line);
      for (const s of doc?.series ?? []) store.put(s, nowMs, nowMs + HOURLY_PUBLISH_LAG_MS, s.unit, s.values);
    },
  });
  const firstMs = Math.ceil(range.fromMs / HOUR_MS) * HOUR_MS;
  for (let k = RUNS_BEFORE_RANGE; k >= 1; k--) fileRun(store, run.functionName, firstMs - k * HOUR_MS, false);
  let runs = 0;
  for (nowMs = firstMs; nowMs <= range.toMs; nowMs += HOUR_MS) {
    let failed = false;
    try {
      await handler({}, localLambdaContext('monthToDate', `simulate-hourly-${runs++}`));
    } catch {
      failed = true;
    }
    fileRun(store, run.functionName, nowMs, failed);
  }
  return runs;
}
