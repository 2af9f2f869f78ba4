/** The weekly advisor's test harness: planted corpora as Logs Insights rows, and the handler on them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  type StartQueryCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { insightsOver } from '../../cli/simulate/weekly';
import {
  createWeeklyAdvisorHandler,
  type WeeklyAdvisorDependencies,
} from '../../functions/weekly-advisor/run';
import { type Row, rowOfRecord } from '../../shared/advice/weekly';
import { createPriceTable, type PriceData } from '../../shared/ingest/5-price';
import priceData from '../../shared/ingest/price-table.json';
import { context } from './helpers';

export const CORPORA = join(import.meta.dirname, '..', '..', 'events', 'advice');
/** A Monday 06:00 UTC: the week before covers every planted corpus (2026-11-02 to 11-04). */
export const NOW = Date.parse('2026-11-09T06:00:00Z');
export const PLANTED = ['legacy-model', 'global-profile', 'truncation-retries', 'batch'];
export const recordsOf = (corpus: string) =>
  readFileSync(join(CORPORA, `${corpus}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);
export const rowsOf = (corpora: readonly string[]) =>
  corpora.flatMap(recordsOf).flatMap((r) => {
    const row = rowOfRecord(r);
    return row ? [row] : [];
  });

export const logs = mockClient(CloudWatchLogsClient);
export const priceTable = createPriceTable(priceData as PriceData);

/** Logs Insights answered from `rows`, through the mocked SDK client. */
export function answerFrom(rows: readonly Row[]) {
  const insights = insightsOver(rows);
  const started: StartQueryCommandInput[] = [];
  logs.on(StartQueryCommand).callsFake((input: StartQueryCommandInput) => {
    started.push(input);
    return insights.send({ input: { ...input } });
  });
  logs
    .on(GetQueryResultsCommand)
    .callsFake((input: { queryId: string }) => insights.send({ input: { queryId: input.queryId } }));
  return started;
}

export function run(rows: readonly Row[], overrides: Partial<WeeklyAdvisorDependencies> = {}) {
  const started = answerFrom(rows);
  const published: { topicArn: string; subject: string; message: string }[] = [];
  const emitted: string[] = [];
  const handler = createWeeklyAdvisorHandler({
    logs: new CloudWatchLogsClient({ region: 'us-east-1' }),
    publish: (topicArn, subject, message) => {
      published.push({ topicArn, subject, message });
      return Promise.resolve();
    },
    logGroupName: '/aws/bedrock/modelinvocations',
    topicName: 'bedrock-watch-prod-warning',
    namePrefix: 'bedrock-watch-prod',
    namespace: 'BedrockWatch',
    service: 'bedrock-watch',
    priceTable,
    inferenceProfiles: new Map(),
    provisionedModels: {},
    now: () => NOW,
    sleep: () => Promise.resolve(),
    logger: new Logger({ logLevel: 'SILENT' }),
    emit: (line) => emitted.push(line),
    ...overrides,
  });
  const ctx = {
    ...context,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:bedrock-watch-prod-weeklyAdvisor',
  };
  return { result: handler({}, ctx), started, published, emitted };
}
