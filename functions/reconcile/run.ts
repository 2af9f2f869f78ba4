/**
 * The reconcile function's run, apart from its wiring (handler.ts): clients, clock and output are
 * passed in, so tests drive it with aws-sdk-client-mock.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import {
  type CostExplorerClient,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { withLambdaContext } from '../common/log-context';
import {
  billedUsd,
  billQuery,
  driftPct,
  estimatedUsd,
  estimateQuery,
  type Reconciliation,
  reconcileDay,
  reconciliationDocument,
} from './reconcile';

export interface ReconcileDependencies {
  cloudwatch: Pick<CloudWatchClient, 'send'>;
  costExplorer: Pick<CostExplorerClient, 'send'>;
  namespace: string;
  service: string;
  /** The region the stack (and the invocation log it reads) is in. */
  region: string;
  now: () => number;
  logger: Logger;
  emit: (line: string) => void;
}

/** Daily: the estimate and the bill of the day two days back, and the drift, as metrics. */
export function createReconcileHandler(deps: ReconcileDependencies) {
  const run = async (_event: unknown, _context: Context): Promise<Reconciliation> => {
    const nowMs = deps.now();
    const day = reconcileDay(nowMs);
    const metricPages: GetMetricDataCommandOutput[] = [];
    let metricToken: string | undefined;
    do {
      const page = await deps.cloudwatch.send(
        new GetMetricDataCommand({
          ...estimateQuery(deps.namespace, deps.service, day),
          ...(metricToken ? { NextToken: metricToken } : {}),
        }),
      );
      metricPages.push(page);
      metricToken = page.NextToken;
    } while (metricToken);
    const billPages: GetCostAndUsageCommandOutput[] = [];
    let billToken: string | undefined;
    do {
      const page = await deps.costExplorer.send(
        new GetCostAndUsageCommand({ ...billQuery(day), ...(billToken ? { NextPageToken: billToken } : {}) }),
      );
      billPages.push(page);
      billToken = page.NextPageToken;
    } while (billToken);
    const estimate = estimatedUsd(metricPages);
    const bill = billedUsd(billPages, deps.region);
    const result: Reconciliation = {
      day: day.date,
      region: deps.region,
      estimatedUsd: estimate,
      billedUsd: bill,
      driftPct: driftPct(estimate, bill),
    };
    deps.emit(reconciliationDocument(deps.namespace, deps.service, nowMs, result));
    if (result.driftPct === undefined)
      deps.logger.warn('No Bedrock charge on the bill for a day with an estimated cost', { ...result });
    else
      deps.logger.info('Reconciled against the bill', { ...result, costExplorerRequests: billPages.length });
    return result;
  };
  return middy(run).use(withLambdaContext(deps.logger));
}
