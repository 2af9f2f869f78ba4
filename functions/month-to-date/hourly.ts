/**
 * The hourly figures the budget and token-spike alarms read, beyond the all-models month to date:
 * month-to-date cost and projection per budgeted model or attribution value, and per token-spike
 * scope the tokens of the last settled hour with the mean of the same hour on previous days.
 * Pure: queries out, GetMetricData pages in, EMF documents out.
 */
import type {
  GetMetricDataCommandInput,
  GetMetricDataCommandOutput,
  MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { HourlySettings } from '../../shared/alerts/hourly-settings';
import {
  AWS_BEDROCK_DIMENSION,
  AWS_BEDROCK_METRIC,
  AWS_BEDROCK_NAMESPACE,
  DIM_MODEL_ID,
  DIM_SERVICE,
  HOURLY_TOKENS,
  METRIC,
  MONTH_TO_DATE,
} from '../../shared/contract/metrics';
import { monthStartUtc, projectedMonthCost } from './month-to-date';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * Logs reach the metrics minutes late (Bedrock delivery, subscription, EMF); the last hour counted
 * is the last one that ended at least this long ago, so it is complete when read.
 */
export const SETTLE_MS = 10 * 60_000;
/** A baseline needs this many previous days with traffic in that hour (fewer when the window is shorter). */
export const MIN_BASELINE_DAYS = 3;
/** The tokens that burn quota and money: input, cache write and output (as the quota alarms count). */
const TOKEN_METRICS = [METRIC.inputTokens.name, METRIC.cacheWriteInputTokens.name, METRIC.outputTokens.name];
/** The same tokens as AWS/Bedrock counts them per ModelId (per-model scopes of the `essential` set). */
const AWS_TOKEN_METRICS = [
  AWS_BEDROCK_METRIC.inputTokens,
  AWS_BEDROCK_METRIC.cacheWriteInputTokens,
  AWS_BEDROCK_METRIC.outputTokens,
];

const metricQuery = (
  id: string,
  namespace: string,
  name: string,
  dims: Record<string, string>,
): MetricDataQuery => ({
  Id: id,
  ReturnData: true,
  MetricStat: {
    Metric: {
      Namespace: namespace,
      MetricName: name,
      Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
    },
    Period: 3600,
    Stat: 'Sum',
  },
});

/** The end of the last settled hour: figures are for [end - 1 h, end). */
export const settledHourEnd = (nowMs: number) => Math.floor((nowMs - SETTLE_MS) / HOUR_MS) * HOUR_MS;

/**
 * The GetMetricData requests: one for the month-to-date cost of every cost scope (since the month's
 * start), one for the hourly tokens of every token scope (the baseline days and the last hour).
 * Query ids are `c<i>` and `t<i>_<j>` (scope i, token metric j).
 */
export function hourlyQueries(
  namespace: string,
  service: string,
  settings: HourlySettings,
  nowMs: number,
): GetMetricDataCommandInput[] {
  const queries: GetMetricDataCommandInput[] = [];
  if (settings.costScopes.length > 0) {
    queries.push({
      StartTime: new Date(monthStartUtc(nowMs)),
      EndTime: new Date(nowMs),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: settings.costScopes.map((dims, i) =>
        metricQuery(`c${i}`, namespace, METRIC.cost.name, { [DIM_SERVICE]: service, ...dims }),
      ),
    });
  }
  if (settings.tokenScopes.length > 0) {
    const end = settledHourEnd(nowMs);
    queries.push({
      StartTime: new Date(end - HOUR_MS - settings.baselineDays * DAY_MS),
      EndTime: new Date(end),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: settings.tokenScopes.flatMap((dims, i) => {
        const modelId = dims[DIM_MODEL_ID];
        if (settings.modelTokensFromAwsBedrock && modelId !== undefined)
          return AWS_TOKEN_METRICS.map((name, j) =>
            metricQuery(`t${i}_${j}`, AWS_BEDROCK_NAMESPACE, name, { [AWS_BEDROCK_DIMENSION]: modelId }),
          );
        return TOKEN_METRICS.map((name, j) =>
          metricQuery(`t${i}_${j}`, namespace, name, { [DIM_SERVICE]: service, ...dims }),
        );
      }),
    });
  }
  return queries;
}

/** Per query id, the hourly sums by period start, over every page (a result may span pages). */
export function hourlySums(pages: readonly GetMetricDataCommandOutput[]): Map<string, Map<number, number>> {
  const byId = new Map<string, Map<number, number>>();
  for (const page of pages) {
    for (const result of page.MetricDataResults ?? []) {
      const id = result.Id ?? '';
      const sums = byId.get(id) ?? new Map<number, number>();
      byId.set(id, sums);
      (result.Values ?? []).forEach((value, k) => {
        const at = result.Timestamps?.[k];
        if (!at || !Number.isFinite(value) || value < 0) return;
        const ms = new Date(at).getTime();
        sums.set(ms, (sums.get(ms) ?? 0) + value);
      });
    }
  }
  return byId;
}

/**
 * The tokens of the last settled hour and the mean of the same hour on the previous days that had
 * traffic then; no baseline with fewer such days than MIN_BASELINE_DAYS (or the window, if shorter),
 * so a model's first days do not compare against nothing.
 */
export function tokenFigures(
  sums: Map<string, Map<number, number>>,
  scopeIndex: number,
  baselineDays: number,
  nowMs: number,
): { lastHour: number; baseline?: number } {
  const start = settledHourEnd(nowMs) - HOUR_MS;
  const tokensAt = (ms: number): number | undefined => {
    let total: number | undefined;
    TOKEN_METRICS.forEach((_, j) => {
      const v = sums.get(`t${scopeIndex}_${j}`)?.get(ms);
      if (v !== undefined) total = (total ?? 0) + v;
    });
    return total;
  };
  const previous: number[] = [];
  for (let d = 1; d <= baselineDays; d++) {
    const v = tokensAt(start - d * DAY_MS);
    if (v !== undefined) previous.push(v);
  }
  const lastHour = tokensAt(start) ?? 0;
  if (previous.length < Math.min(MIN_BASELINE_DAYS, baselineDays)) return { lastHour };
  return { lastHour, baseline: Math.round(previous.reduce((a, b) => a + b, 0) / previous.length) };
}

function emf(
  namespace: string,
  service: string,
  dims: Record<string, string>,
  nowMs: number,
  values: Record<string, number>,
  unit: 'None' | 'Count',
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: nowMs,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [[DIM_SERVICE, ...Object.keys(dims)]],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: unit })),
        },
      ],
    },
    [DIM_SERVICE]: service,
    ...dims,
    ...values,
  });
}

/**
 * The EMF documents of one hourly run: month to date and projection per cost scope (plus the
 * configured provisioned hours of a model scope), last-hour tokens and baseline per token scope.
 */
export function hourlyDocuments(
  namespace: string,
  service: string,
  settings: HourlySettings,
  pages: readonly GetMetricDataCommandOutput[],
  nowMs: number,
  provisionedUsd: (dims: Record<string, string>) => number = () => 0,
): string[] {
  const sums = hourlySums(pages);
  const total = (id: string) => [...(sums.get(id)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const docs = settings.costScopes.map((dims, i) => {
    const costUsd = Math.round((total(`c${i}`) + provisionedUsd(dims)) * 1e6) / 1e6;
    return emf(
      namespace,
      service,
      dims,
      nowMs,
      {
        [MONTH_TO_DATE.cost]: costUsd,
        [MONTH_TO_DATE.projected]: projectedMonthCost(nowMs, costUsd),
      },
      'None',
    );
  });
  settings.tokenScopes.forEach((dims, i) => {
    const figures = tokenFigures(sums, i, settings.baselineDays, nowMs);
    docs.push(
      emf(
        namespace,
        service,
        dims,
        nowMs,
        {
          [HOURLY_TOKENS.lastHour]: figures.lastHour,
          ...(figures.baseline !== undefined ? { [HOURLY_TOKENS.baseline]: figures.baseline } : {}),
        },
        'Count',
      ),
    );
  });
  return docs;
}
