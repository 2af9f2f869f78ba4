import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { loadIngestConfig } from '../../shared/ingest/config';
import { createReconcileHandler } from './run';

export { createReconcileHandler, type ReconcileDependencies } from './run';

const config = loadIngestConfig(process.env);
export const handler = createReconcileHandler({
  cloudwatch: new CloudWatchClient({}),
  // Cost Explorer has one endpoint, in us-east-1, whatever the stack's region.
  costExplorer: new CostExplorerClient({ region: 'us-east-1' }),
  namespace: config.namespace,
  service: config.service,
  region: process.env.AWS_REGION ?? 'us-east-1',
  now: Date.now,
  logger: new Logger({ serviceName: config.service }),
  emit: (line) => process.stdout.write(`${line}\n`),
});
