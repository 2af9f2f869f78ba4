/**
 * Month-to-date cost: CloudWatch cannot sum "since the first of the month" in an alarm or a
 * dashboard, so a scheduled function sums CostUSD since then and publishes the figure (and a
 * linear projection to the month's end) as metrics that dashboards and alarms can read.
 */
import type { GetMetricDataCommandInput, GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { DIM_SERVICE, METRIC, MONTH_TO_DATE } from '../../shared/contract/metrics';

/** 00:00 UTC on the first day of `nowMs`'s month. */
export function monthStartUtc(nowMs: number): number {
  const d = new Date(nowMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextMonthStartUtc(nowMs: number): number {
  const d = new Date(nowMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * The month's cost if it goes on at the rate so far: a straight line from the month's start (at
 * least one hour of it, so the first minutes do not multiply by thousands).
 * @example projectedMonthCost(Date.parse('2026-11-16T00:00:00Z'), 12) // 24
 */
export function projectedMonthCost(nowMs: number, costUsd: number): number {
  const start = monthStartUtc(nowMs);
  const elapsed = Math.max(nowMs - start, 3_600_000);
  return Math.round(((costUsd * (nextMonthStartUtc(nowMs) - start)) / elapsed) * 1e6) / 1e6;
}

/**
 * The all-models CostUSD in hourly sums between two times (the caller adds them up): the month so far
 * here, a closed day in the reconcile function.
 */
export function hourlyCostQuery(
  namespace: string,
  service: string,
  startMs: number,
  endMs: number,
): GetMetricDataCommandInput {
  return {
    StartTime: new Date(startMs),
    EndTime: new Date(endMs),
    ScanBy: 'TimestampAscending',
    MetricDataQueries: [
      {
        Id: 'cost',
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: namespace,
            MetricName: METRIC.cost.name,
            Dimensions: [{ Name: DIM_SERVICE, Value: service }],
          },
          // Hourly points stay available for 455 days; a month is at most 744 of them.
          Period: 3600,
          Stat: 'Sum',
        },
      },
    ],
  };
}

/** The query: the all-models CostUSD, hourly sums from the month's start to now. */
export function monthToDateQuery(
  namespace: string,
  service: string,
  nowMs: number,
): GetMetricDataCommandInput {
  return hourlyCostQuery(namespace, service, monthStartUtc(nowMs), nowMs);
}

/** Sums every page's values; a partial result (a next token) is followed by the caller. */
export function sumCost(pages: readonly GetMetricDataCommandOutput[]): number {
  let total = 0;
  for (const page of pages) {
    for (const result of page.MetricDataResults ?? []) {
      for (const value of result.Values ?? []) if (Number.isFinite(value) && value >= 0) total += value;
    }
  }
  return Math.round(total * 1e6) / 1e6;
}

/**
 * Provisioned throughput and custom models bill by the hour whether used or not: their configured
 * hourly cost for the hours of the month so far.
 */
export function provisionedCostSoFar(hourlyUsd: readonly number[], nowMs: number): number {
  const hours = (nowMs - monthStartUtc(nowMs)) / 3_600_000;
  return Math.round(hourlyUsd.reduce((a, h) => a + h, 0) * hours * 1e6) / 1e6;
}

/**
 * The EMF document with the month-to-date cost (token cost plus configured provisioned hours) and
 * its straight-line projection to the month's end.
 */
export function monthToDateDocument(
  namespace: string,
  service: string,
  nowMs: number,
  tokenCostUsd: number,
  provisionedUsd = 0,
): string {
  const costUsd = Math.round((tokenCostUsd + provisionedUsd) * 1e6) / 1e6;
  const projected = projectedMonthCost(nowMs, costUsd);
  // The provisioned part only when there is one: a series written at 0 every hour would bill
  // $0.30 a month for nothing (no alarm or widget reads it; it explains the month-to-date figure).
  const withProvisioned = provisionedUsd > 0;
  return JSON.stringify({
    _aws: {
      Timestamp: nowMs,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [[DIM_SERVICE]],
          Metrics: [
            { Name: MONTH_TO_DATE.cost, Unit: 'None' },
            { Name: MONTH_TO_DATE.projected, Unit: 'None' },
            ...(withProvisioned ? [{ Name: MONTH_TO_DATE.provisioned, Unit: 'None' }] : []),
          ],
        },
      ],
    },
    [DIM_SERVICE]: service,
    [MONTH_TO_DATE.cost]: costUsd,
    [MONTH_TO_DATE.projected]: projected,
    ...(withProvisioned ? { [MONTH_TO_DATE.provisioned]: provisionedUsd } : {}),
  });
}
