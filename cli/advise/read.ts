/**
 * Reads every input replay reads (cli/input/) into the advisor's usage facts: each batch is decoded
 * as the function decodes it and parsed by the ingest's own parse stage (shared/ingest/batch.ts), so
 * a record counts here exactly when replay counts it. Memory holds one small fact per successful call.
 */
import { loadIngestSettings } from '../../functions/ingest/settings';
import type { UsageFacts } from '../../shared/advice/types';
import { UsageCollector } from '../../shared/advice/usage';
import type { PriceTable } from '../../shared/ingest/5-price';
import { parseBatch } from '../../shared/ingest/batch';
import { decodeForReplay } from '../input/shapes';
import { type DamagedInput, ReplayInputError, readSources, scanInputs } from '../input/sources';

export interface ReadOptions {
  paths: readonly string[];
  sinceMs?: number;
  untilMs?: number;
  /** Settings as the function reads them (`--config`): price overlay, profiles, provisioned models. */
  env: Record<string, string | undefined>;
  teamKey?: string;
  warn: (message: string) => void;
}

export interface ReadResult {
  usage: UsageFacts;
  priceTable: PriceTable;
  records: { accepted: number; failedCalls: number; rejected: number; duplicates: number; filtered: number };
  batches: { total: number; failed: number };
  /** Inputs that stop part-way (truncated, corrupt): warned about, and the CLI exits 1. */
  damaged: DamagedInput[];
}

/**
 * Reads the inputs into usage facts.
 * @throws ReplayInputError when nothing could be read; ConfigError for a bad setting.
 */
export async function readUsage(options: ReadOptions): Promise<ReadResult> {
  const settings = loadIngestSettings(options.env);
  const { config, priceTable } = settings;
  const collector = new UsageCollector({
    priceTable,
    inferenceProfiles: new Map(Object.entries(config.inferenceProfiles)),
    ...(options.teamKey ? { teamKey: options.teamKey } : {}),
  });
  const records = { accepted: 0, failedCalls: 0, rejected: 0, duplicates: 0, filtered: 0 };
  const batches = { total: 0, failed: 0 };
  const times = {
    window: false,
    ...(options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {}),
    ...(options.untilMs !== undefined ? { untilMs: options.untilMs } : {}),
  };
  const { sources, skipped } = scanInputs(options.paths);
  for (const { path, reason } of skipped) options.warn(`skipped ${path}: ${reason}`);
  if (sources.length === 0) throw new ReplayInputError(`nothing to read in ${options.paths.join(', ')}`);
  const { readable, damaged } = await readSources(
    sources,
    (batch) => {
      batches.total++;
      try {
        const parsed = parseBatch(
          decodeForReplay(batch.event, { maxDecompressedBytes: config.maxDecompressedBytes }),
          Date.now(),
          times,
        );
        records.accepted += parsed.invocations.length;
        records.rejected += parsed.rejections.length;
        records.duplicates += parsed.duplicates;
        records.filtered += parsed.filtered ?? 0;
        collector.add(parsed.invocations);
      } catch (error) {
        batches.failed++;
        options.warn(`${batch.source}: ${(error as Error).message}`);
      }
      return Promise.resolve();
    },
    options.warn,
  );
  if (readable === 0) throw new ReplayInputError('nothing could be read (see the warnings above)');
  records.failedCalls = collector.failed;
  const usage = collector.facts(config.provisionedModels, {
    ...(options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {}),
    ...(options.untilMs !== undefined ? { untilMs: options.untilMs } : {}),
  });
  return { usage, priceTable, records, batches, damaged };
}
