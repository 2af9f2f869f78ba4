/**
 * Local replay as a library: runs the ingest handler the Lambda exports on local files and
 * summarises what it emitted. The CLI is scripts/replay.ts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEmfSeries } from '../../shared/analysis/emf-reader';
import type { ReplaySummary } from '../../shared/analysis/summary';
import { summariseAttribution, summariseModels } from '../../shared/analysis/summary';
import { dimensionNameOf } from '../../shared/ingest/6-attribute';
import { captureWrites } from './capture';
import { localLambdaContext } from './lambda-context';
import { collectFiles, newestRecordTime, type ReplayItem, readReplayFile } from './replay-input';

export const DEFAULT_SAMPLE_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'events',
  'sample-set',
);

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

const isEmf = (line: string) => line.startsWith('{') && line.includes('"_aws"');

/** Replays files through the real handler; throws ReplayInputError for unusable paths. */
export async function runReplay(options: ReplayOptions): Promise<ReplayRun> {
  const files = collectFiles(options.paths);
  const items: ReplayItem[] = files.flatMap((file) => readReplayFile(file));
  const nowMs = options.nowMs ?? newestRecordTime(items) ?? Date.now();

  // Replay is quiet unless asked: per-record warnings would drown the report.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const { createDefaultDependencies, createIngestHandler } = await import('../../functions/ingest/handler');
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
