/**
 * Local replay: runs the ingest handler the Lambda exports on local files and reports what it
 * emitted. Usage: npm run -s replay -- [--json] [--emf FILE] [--now ISO-TIME] [PATH ...]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Context } from 'aws-lambda';
import { dimensionNameOf } from '../shared/attribution';
import { readEmfSeries } from '../shared/emf-reader';
import type { ReplaySummary } from '../shared/summary';
import { summariseAttribution, summariseModels } from '../shared/summary';
import { captureWrites } from './capture';
import { formatSummary } from './replay-format';
import {
  collectFiles,
  newestRecordTime,
  ReplayInputError,
  type ReplayItem,
  readReplayFile,
} from './replay-input';

export const DEFAULT_SAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'events', 'sample-set');

export interface ReplayOptions {
  paths: string[];
  /** Clock for the time-window check; default: the newest record's time. */
  nowMs?: number;
  /** Called after each batch, for a progress line. */
  onProgress?: (done: number, total: number) => void;
  /** Where the handler's non-EMF output (its logs) goes. */
  writeLog?: (line: string) => void;
  /** Settings as the function reads them (default: this process's environment). */
  env?: Record<string, string>;
}

export interface ReplayRun {
  summary: ReplaySummary;
  /** Every EMF document the handler printed, byte for byte, in order. */
  emf: string[];
  nowMs: number;
}

/** A Lambda context for running the handler outside Lambda. */
export function localLambdaContext(functionName: string, awsRequestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'replay',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const isEmf = (line: string) => line.startsWith('{') && line.includes('"_aws"');

/** Replays files through the real handler; throws ReplayInputError for unusable paths. */
export async function runReplay(options: ReplayOptions): Promise<ReplayRun> {
  const files = collectFiles(options.paths);
  const items: ReplayItem[] = files.flatMap((file) => readReplayFile(file));
  const nowMs = options.nowMs ?? newestRecordTime(items) ?? Date.now();

  // Replay is quiet unless asked: per-record warnings would drown the report.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const { createDefaultDependencies, createIngestHandler } = await import('../functions/ingest/handler');
  const deps = createDefaultDependencies({ ...process.env, ...options.env });
  const handler = createIngestHandler({ ...deps, now: () => nowMs });

  const emf: string[] = [];
  const writeLog = options.writeLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  const records = {
    total: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByReason: {} as Record<string, number>,
  };
  const failures: { source: string; error: string }[] = [];
  for (const [index, item] of items.entries()) {
    try {
      // Powertools and the EMF sink write through process.stdout: what is captured here is exactly
      // what Lambda would ship to CloudWatch Logs. Everything that is not EMF is the handler's log.
      const { result, error, stdout, stderr } = await captureWrites(() =>
        handler(item.event, localLambdaContext('bedrock-watch-ingest-replay', `replay-${index}`)),
      );
      for (const line of stdout.split('\n')) if (line !== '') isEmf(line) ? emf.push(line) : writeLog(line);
      for (const line of stderr.split('\n')) if (line !== '') writeLog(line);
      if (result === undefined) throw error;
      records.total += result.received;
      records.accepted += result.accepted;
      records.duplicates += result.duplicates;
      records.rejected += result.rejected;
      for (const [reason, count] of Object.entries(result.rejectedByReason)) {
        records.rejectedByReason[reason] = (records.rejectedByReason[reason] ?? 0) + count;
      }
    } catch (error) {
      failures.push({ source: item.source, error: String(error instanceof Error ? error.message : error) });
    }
    options.onProgress?.(index + 1, items.length);
  }

  const series = [...readEmfSeries(emf).values()];
  const { models, totals, unpricedModels } = summariseModels(series, deps.config.namespace);
  const keys = deps.config.attribution.keys;
  const attribution = summariseAttribution(
    series,
    deps.config.namespace,
    Object.fromEntries(keys.map((k) => [k, dimensionNameOf(k)])),
  );
  return {
    nowMs,
    emf,
    summary: {
      records,
      models,
      totals,
      unpricedModels,
      attribution,
      provisionedModels: Object.entries(deps.config.provisionedModels).map(([modelId, { hourlyUsd }]) => ({
        modelId,
        hourlyUsd,
        invocations: models.find((m) => m.modelId === modelId)?.invocations ?? 0,
      })),
      batches: { total: items.length, failed: failures.length, failures },
    },
  };
}

const USAGE =
  'usage: npm run -s replay -- [--json] [--emf FILE] [--now ISO-TIME] [--attribute caller,team] [--config FILE] [PATH ...]';

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<
    typeof parseArgs<{ options: Record<string, { type: 'string' | 'boolean' }>; allowPositionals: true }>
  >;
  try {
    args = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        emf: { type: 'string' },
        now: { type: 'string' },
        attribute: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let nowMs: number | undefined;
  if (typeof args.values.now === 'string') {
    nowMs = Date.parse(args.values.now);
    if (!Number.isFinite(nowMs)) {
      process.stderr.write(`--now: "${args.values.now}" is not an ISO-8601 time\n${USAGE}\n`);
      return 2;
    }
  }
  // The same settings the deployed function reads, from the same variables.
  if (typeof args.values.config === 'string') process.env.BEDROCK_WATCH_CONFIG = args.values.config;
  if (typeof args.values.attribute === 'string')
    process.env.BEDROCK_WATCH_ATTRIBUTION = args.values.attribute;
  const progress = process.stderr.isTTY
    ? (done: number, total: number) => {
        if (total >= 20 && (done % 10 === 0 || done === total)) {
          process.stderr.write(`\rreplayed ${done}/${total} batches${done === total ? '\n' : ''}`);
        }
      }
    : undefined;
  let run: ReplayRun;
  try {
    run = await runReplay({
      paths: args.positionals.length > 0 ? args.positionals : [DEFAULT_SAMPLE_DIR],
      ...(nowMs !== undefined ? { nowMs } : {}),
      ...(progress ? { onProgress: progress } : {}),
    });
  } catch (error) {
    if (error instanceof ReplayInputError || (error instanceof Error && error.name === 'ConfigError')) {
      process.stderr.write(`replay: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (typeof args.values.emf === 'string') {
    try {
      writeFileSync(args.values.emf, run.emf.map((line) => `${line}\n`).join(''));
    } catch (error) {
      process.stderr.write(`replay: cannot write ${args.values.emf}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  if (args.values.json) {
    process.stdout.write(`${JSON.stringify(run.summary, null, 2)}\n`);
  } else {
    process.stdout.write(`Replay clock: ${new Date(run.nowMs).toISOString()}\n${formatSummary(run.summary)}`);
  }
  return run.summary.batches.failed > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`replay failed: ${error instanceof Error ? error.stack : error}\n`);
      process.exitCode = 1;
    },
  );
}
