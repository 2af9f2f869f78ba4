/**
 * The month-to-date function's run, apart from its wiring (handler.ts), so the alarm simulator can
 * run it against its own metric store without constructing AWS clients.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { HourlySettings } from '../../shared/alerts/hourly-settings';
import { DIM_MODEL_ID } from '../../shared/contract/metrics';
import { withLambdaContext } from '../common/log-context';
import { hourlyDocuments, hourlyQueries } from './hourly';
import { monthToDateDocument, monthToDateQuery, provisionedCostSoFar, sumCost } from './month-to-date';

export interface MonthToDateDependencies {
  cloudwatch: Pick<CloudWatchClient, 'send'>;
  namespace: string;
  service: string;
  /** Hourly cost of each configured provisioned-throughput or custom model. */
  provisionedHourlyUsd: number[];
  /** Per model id (as configured): its hourly cost, for the budget of that model. */
  provisionedByModel?: Record<string, number>;
  /** Budget and token-spike scopes to publish for (BEDROCK_WATCH_HOURLY); none when absent. */
  hourly?: HourlySettings;
  now: () => number;
  logger: Logger;
  emit: (line: string) => void;
}

/**
 * Hourly: sums this month's CostUSD, adds the configured provisioned hours, and publishes
 * MonthToDateCostUSD, ProjectedMonthCostUSD and MonthToDateProvisionedUSD.
 */
export function createMonthToDateHandler(deps: MonthToDateDependencies) {
  const allPages = async (input: GetMetricDataCommandInput) => {
    const pages: GetMetricDataCommandOutput[] = [];
    let nextToken: string | undefined;
    do {
      const page = await deps.cloudwatch.send(
        new GetMetricDataCommand({ ...input, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      pages.push(page);
      nextToken = page.NextToken;
    } while (nextToken);
    return pages;
  };
  const run = async (_event: unknown, _context: Context): Promise<{ costUsd: number }> => {
    const nowMs = deps.now();
    const pages = await allPages(monthToDateQuery(deps.namespace, deps.service, nowMs));
    const tokenCostUsd = sumCost(pages);
    const provisionedUsd = provisionedCostSoFar(deps.provisionedHourlyUsd, nowMs);
    deps.emit(monthToDateDocument(deps.namespace, deps.service, nowMs, tokenCostUsd, provisionedUsd));
    if (deps.hourly) {
      const hourly = deps.hourly;
      const hourlyPages = (
        await Promise.all(hourlyQueries(deps.namespace, deps.service, hourly, nowMs).map(allPages))
      ).flat();
      const provisionedOf = (dims: Record<string, string>) => {
        const hourlyUsd = deps.provisionedByModel?.[dims[DIM_MODEL_ID] ?? ''];
        return hourlyUsd === undefined ? 0 : provisionedCostSoFar([hourlyUsd], nowMs);
      };
      for (const doc of hourlyDocuments(
        deps.namespace,
        deps.service,
        hourly,
        hourlyPages,
        nowMs,
        provisionedOf,
      ))
        deps.emit(doc);
    }
    const costUsd = Math.round((tokenCostUsd + provisionedUsd) * 1e6) / 1e6;
    deps.logger.info('Month-to-date cost published', { costUsd, tokenCostUsd, provisionedUsd });
    return { costUsd };
  };
  return middy(run).use(withLambdaContext(deps.logger));
}
