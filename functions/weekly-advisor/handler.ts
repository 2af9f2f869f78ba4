import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ADVISOR_ENV, parseAdvisorSettings } from '../../shared/advice/weekly';
import { loadIngestSettings } from '../ingest/settings';
import { createWeeklyAdvisorHandler } from './run';
import { createSnsPublisher } from './sns';

export { createWeeklyAdvisorHandler, type WeeklyAdvisorDependencies } from './run';

// Read at start: a bad price overlay or setting fails the first run loudly, not a week later.
const { config, priceTable } = loadIngestSettings(process.env);
const settings = parseAdvisorSettings(process.env[ADVISOR_ENV]);
const region = process.env.AWS_REGION ?? 'us-east-1';
export const handler = createWeeklyAdvisorHandler({
  logs: new CloudWatchLogsClient({}),
  publish: createSnsPublisher({
    region,
    credentials: () =>
      Promise.resolve({
        accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
        ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
      }),
  }),
  ...settings,
  namespace: config.namespace,
  service: config.service,
  priceTable,
  inferenceProfiles: new Map(Object.entries(config.inferenceProfiles)),
  provisionedModels: config.provisionedModels,
  now: Date.now,
  sleep: (ms) => sleep(ms).then(() => undefined),
  logger: new Logger({ serviceName: config.service }),
  emit: (line) => process.stdout.write(`${line}\n`),
});
