import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { loadIngestConfig } from '../../shared/ingest/config';
import { costExplorerRegion } from './reconcile';
import { createReconcileHandler } from './run';

export { createReconcileHandler, type ReconcileDependencies } from './run';

const config = loadIngestConfig(process.env);
// Lambda always sets AWS_REGION; the fallback only serves a local run without it.
const region = process.env.AWS_REGION ?? 'us-east-1';
export const handler = createReconcileHandler({
  cloudwatch: new CloudWatchClient({}),
  // One Cost Explorer endpoint per partition: the one of the function's own partition.
  costExplorer: new CostExplorerClient({ region: costExplorerRegion(region) }),
  namespace: config.namespace,
  service: config.service,
  region,
  now: Date.now,
  logger: new Logger({ serviceName: config.service }),
  emit: (line) => process.stdout.write(`${line}\n`),
});
