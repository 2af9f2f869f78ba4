import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadIngestConfig } from '../../shared/ingest/config';
import { monthToDateDocument, monthToDateQuery, provisionedCostSoFar, sumCost } from './month-to-date';

export interface MonthToDateDependencies {
  cloudwatch: Pick<CloudWatchClient, 'send'>;
  namespace: string;
  service: string;
  /** Hourly cost of each configured provisioned-throughput or custom model. */
  provisionedHourlyUsd: number[];
  now: () => number;
  logger: Logger;
  emit: (line: string) => void;
}

/**
 * Hourly: sums this month's CostUSD, adds the configured provisioned hours, and publishes
 * MonthToDateCostUSD, ProjectedMonthCostUSD and MonthToDateProvisionedUSD.
 */
export function createMonthToDateHandler(deps: MonthToDateDependencies) {
  const run = async (_event: unknown, _context: Context): Promise<{ costUsd: number }> => {
    const nowMs = deps.now();
    const input = monthToDateQuery(deps.namespace, deps.service, nowMs);
    const pages: GetMetricDataCommandOutput[] = [];
    let nextToken: string | undefined;
    do {
      const page = await deps.cloudwatch.send(
        new GetMetricDataCommand({ ...input, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      pages.push(page);
      nextToken = page.NextToken;
    } while (nextToken);
    const tokenCostUsd = sumCost(pages);
    const provisionedUsd = provisionedCostSoFar(deps.provisionedHourlyUsd, nowMs);
    deps.emit(monthToDateDocument(deps.namespace, deps.service, nowMs, tokenCostUsd, provisionedUsd));
    const costUsd = Math.round((tokenCostUsd + provisionedUsd) * 1e6) / 1e6;
    deps.logger.info('Month-to-date cost published', { costUsd, tokenCostUsd, provisionedUsd });
    return { costUsd };
  };
  return middy(run).use(injectLambdaContext(deps.logger));
}

const config = loadIngestConfig(process.env);
export const handler = createMonthToDateHandler({
  cloudwatch: new CloudWatchClient({}),
  namespace: config.namespace,
  service: config.service,
  provisionedHourlyUsd: Object.values(config.provisionedModels).map((m) => m.hourlyUsd),
  now: Date.now,
  logger: new Logger({ serviceName: config.service }),
  emit: (line) => process.stdout.write(`${line}\n`),
});
