/**
 * The Lambda entry (serverless.yml: functions/ingest/handler.handler). Importing it builds nothing:
 * the production dependencies are built from the environment on the first invocation, once, and
 * kept for the warm ones. Replay, the simulator and tests build theirs (functions/ingest/ingest.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { accountOfArn } from '../../shared/ingest/6-attribute';
import { createIngestHandler, type IngestDependencies, type IngestSummary } from './ingest';
import { loadIngestSettings } from './settings';
import { SinkMetrics } from './sink-metrics';

/** Production wiring: settings from the environment, the bundled price table, stdout for every EMF document. */
export function createDefaultDependencies(
  env: Readonly<Record<string, string | undefined>> = process.env,
  ownAccount?: string,
): IngestDependencies {
  const settings = loadIngestSettings(env, ownAccount);
  const { namespace, service } = settings.config;
  // Raw stdout, not console.log: Lambda's console wrapper would prefix the JSON and break EMF.
  const emit = (line: string) => {
    process.stdout.write(`${line}\n`);
  };
  return {
    ...settings,
    now: Date.now,
    logger: new Logger({ serviceName: service }),
    metrics: new SinkMetrics({ namespace, serviceName: service }, emit),
    emit,
  };
}

let production: ReturnType<typeof createIngestHandler> | undefined;

/** A bad setting fails the first invocation (ConfigError in the log), not the module's import. */
export const handler = async (event: unknown, context: Context): Promise<IngestSummary> => {
  // The function's own account (from its ARN): callers of other accounts carry theirs.
  production ??= createIngestHandler(
    createDefaultDependencies(process.env, accountOfArn(context.invokedFunctionArn)),
  );
  return await production(event, context);
};
