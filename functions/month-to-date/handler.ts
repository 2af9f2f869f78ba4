import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { HOURLY_ENV, parseHourlySettings } from '../../shared/alerts/hourly-settings';
import { loadIngestConfig } from '../../shared/ingest/config';
import { createMonthToDateHandler } from './run';

export { createMonthToDateHandler, type MonthToDateDependencies } from './run';

const config = loadIngestConfig(process.env);
export const handler = createMonthToDateHandler({
  cloudwatch: new CloudWatchClient({}),
  namespace: config.namespace,
  service: config.service,
  provisionedHourlyUsd: Object.values(config.provisionedModels).map((m) => m.hourlyUsd),
  provisionedByModel: Object.fromEntries(
    Object.entries(config.provisionedModels).map(([model, m]) => [model, m.hourlyUsd]),
  ),
  // Read at start, so a bad setting fails the first run loudly rather than publishing nothing.
  hourly: parseHourlySettings(process.env[HOURLY_ENV]),
  now: Date.now,
  logger: new Logger({ serviceName: config.service }),
  emit: (line) => process.stdout.write(`${line}\n`),
});
