/**
 * Local replay as a library: runs the ingest handler the Lambda exports on local files (or standard
 * input), streamed batch by batch, and summarises what it emitted the way CloudWatch would
 * aggregate it. Memory stays bounded whatever the input's size: nothing but the summary's figures
 * (and the raw latency values its percentiles need) outlives a batch. The CLI is cli/replay/command.ts.
 */
import { join } from 'node:path';
import { createIngestHandler, type IngestSummary, type LocalRun } from '../../functions/ingest/ingest';
import {
  type ModelSummary,
  type ModelTotals,
  type ReplaySummary,
  SummaryAccumulator,
  type UnpricedReasonSummary,
} from '../../shared/analysis/summary';
import { ERROR_GROUP_OF } from '../../shared/contract/error-classes';
import { dimensionNameOf, ModelIdLimiter, OTHER } from '../../shared/ingest/6-attribute';
import type { BatchResult } from '../../shared/ingest/batch';
import { PACKAGE_ROOT } from '../common/bundle';
import { localLambdaContext } from '../common/lambda-context';
import { localIngestDependencies } from '../common/local-ingest';
import { decodeForReplay, type ReplayBatch } from '../input/shapes';
import { type DamagedInput, ReplayInputError, readSources, scanInputs } from '../input/sources';
import { ByAccumulator, type ByGroup, type ByGrouping } from './by';
import { type AlarmErrors, alarmErrorsOf } from './errors';
import { unpricedReasonsOf } from './unpriced';

/** The bundled sample traffic: in the clone, and shipped in the package beside dist/. */
export const DEFAULT_SAMPLE_DIR = join(PACKAGE_ROOT, 'events', 'sample-set');

export interface ReplayOptions {
  /** Files, folders, or `-` for standard input. */
  paths: string[];
  /**
   * The clock for the function's acceptance window (records older than 14 days or more than 2 hours
   * ahead of it are rejected, as Lambda would). Without it no record is rejected for its age.
   */
  nowMs?: number;
  /** Only records at or after this time are replayed; the rest are counted as filtered. */
  sinceMs?: number;
  /** Only records before this time are replayed; the rest are counted as filtered. */
  untilMs?: number;
  /** Called after each batch, for a progress line. */
  onProgress?: (progress: { batches: number; events: number; bytesRead: number }) => void;
  /** Where the handler's non-EMF output (its logs) goes. */
  writeLog?: (line: string) => void;
  /** Where warnings about the inputs (skipped files, unreadable parts) go; default stderr. */
  onWarning?: (message: string) => void;
  /** Settings as the function reads them, over this process's environment (`--config`, `--attribute`). */
  env?: Record<string, string>;
  /** Every EMF document the handler printed, as soon as it is printed (`--emf FILE` streams them). */
  onEmf?: (line: string) => void;
  /** Keep every EMF document in `ReplayRun.emf` (default true; the CLI streams them instead). */
  keepEmf?: boolean;
  /** `--by`: group the accepted calls by these dimensions (by.ts); none by default. */
  by?: readonly ByGrouping[];
}

/**
 * The replay's `--json` document: the summary, with each model's (and all models') errors as the
 * alarms count them, and the inputs that stopped part-way. New keys go at the end of their object.
 */
export interface ReplayReport extends Omit<ReplaySummary, 'models' | 'totals' | 'inputs'> {
  models: (ModelSummary & { alarmErrors: AlarmErrors })[];
  totals: ModelTotals & { alarmErrors: AlarmErrors };
  inputs: ReplaySummary['inputs'] & {
    /** Inputs that stop part-way (truncated, corrupt): what was replayed, where, what was lost. */
    damaged: DamagedInput[];
  };
  /** Only with `--by`: per grouping (its dimensions joined by commas), the groups of calls. */
  by?: Record<string, ByGroup[]>;
}

export interface ReplayRun {
  summary: ReplayReport;
  /** Every EMF document the handler printed, byte for byte, in order (empty with `keepEmf: false`). */
  emf: string[];
  /** The clock given with `nowMs`, if any. */
  nowMs?: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * Replays files through the real handler.
 * @throws ReplayInputError when nothing could be read; ConfigError for a bad setting.
 */
export async function runReplay(options: ReplayOptions): Promise<ReplayRun> {
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`replay: ${message}\n`));
  const { sources, skipped } = scanInputs(options.paths);
  reportSkipped(skipped, warn);
  if (sources.length === 0) {
    throw new ReplayInputError(nothingToRead(options.paths, skipped));
  }

  const env = { ...process.env, ...options.env };
  const keepEmf = options.keepEmf ?? true;
  const emf: string[] = [];
  const writeLog = options.writeLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  // The model documents and the health metrics come through the handler's sinks (in Lambda both
  // write to stdout), kept apart per batch so the model documents are taken first, as before.
  let modelLines: string[] = [];
  let healthLines: string[] = [];
  const deps = localIngestDependencies(env, {
    emit: (line) => modelLines.push(line),
    emitHealth: (line) => healthLines.push(line),
    writeLog,
    // Replay is quiet unless asked: per-record warnings would drown the report.
    logLevel: env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
    // Without --now the clock only stamps the health metrics' delivery lag.
    now: () => options.nowMs ?? Date.now(),
  });
  const modelIds = new ModelIdLimiter(deps.config.maxModelIds);
  const foldedModelId = (modelId: string) => (modelIds.isFolded(modelId) ? OTHER : modelId);
  const by =
    options.by && options.by.length > 0
      ? new ByAccumulator(options.by, (c) => ERROR_GROUP_OF[c], foldedModelId)
      : undefined;
  const unpriced: BatchResult['unpricedReasons'] = [];
  const local: LocalRun = {
    decode: decodeForReplay,
    recordTimes: {
      window: options.nowMs !== undefined,
      ...(options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {}),
      ...(options.untilMs !== undefined ? { untilMs: options.untilMs } : {}),
    },
    onBatch: (result) => {
      for (const reason of result.unpricedReasons) unpriced.push(reason);
      by?.addBatch(result.priced);
    },
  };
  const handler = createIngestHandler({ ...deps, modelIds }, local);

  const attributionDims = Object.fromEntries(
    deps.config.attribution.keys.map((k) => [k, dimensionNameOf(k)]),
  );
  const summary = new SummaryAccumulator(deps.config.namespace, attributionDims);
  const totals = new RecordTotals();
  const failures: { source: string; error: string }[] = [];
  let batches = 0;

  const takeEmf = (line: string) => {
    summary.addDocument(line);
    options.onEmf?.(line);
    if (keepEmf) emf.push(line);
  };
  const runBatch = async (batch: ReplayBatch) => {
    const index = batches++;
    try {
      modelLines = [];
      healthLines = [];
      const outcome = await settle(
        handler(batch.event, localLambdaContext('bedrock-watch-ingest-replay', `replay-${index}`)),
      );
      // What the handler emitted before it failed is what Lambda would have shipped too.
      for (const line of modelLines) takeEmf(line);
      for (const line of healthLines) takeEmf(line);
      if (!('result' in outcome)) throw outcome.error;
      totals.add(outcome.result);
    } catch (error) {
      failures.push({ source: batch.source, error: String(error instanceof Error ? error.message : error) });
    }
  };

  const { readable, damaged } = await readSources(sources, runBatch, warn, options.onProgress);
  if (readable === 0) throw new ReplayInputError('nothing could be read (see the warnings above)');

  const { models, totals: all, unpricedModels } = summary.models();
  const reasons = unpricedReasonsOf(unpriced, foldedModelId);
  for (const model of models)
    model.unpricedReasons = reasons.get(model.modelId) ?? ([] as UnpricedReasonSummary[]);
  const minutes = summary.minutes();
  return {
    ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}),
    emf,
    summary: {
      records: totals.summary(options.sinceMs !== undefined || options.untilMs !== undefined),
      models: models.map((m) => ({ ...m, alarmErrors: alarmErrorsOf(m) })),
      totals: { ...all, alarmErrors: alarmErrorsOf(all) },
      unpricedModels,
      attribution: summary.attributionSummary(),
      provisionedModels: Object.entries(deps.config.provisionedModels).map(([modelId, { hourlyUsd }]) => ({
        modelId,
        hourlyUsd,
        invocations: models.find((m) => m.modelId === modelId)?.invocations ?? 0,
      })),
      batches: { total: batches, failed: failures.length, failures },
      time: {
        now: iso(options.nowMs),
        since: iso(options.sinceMs),
        until: iso(options.untilMs),
        firstMinute: iso(minutes?.firstMs),
        lastMinute: iso(minutes?.lastMs),
      },
      inputs: { sources: sources.length, skipped, damaged },
      modelIdCap: {
        maxModelIds: modelIds.maxIds,
        folded: modelIds.foldedCount,
        foldedModelIds: modelIds.foldedIds(),
      },
      ...(by ? { by: by.summary() } : {}),
    },
  };
}

/** A promise's value or its rejection, without throwing. */
async function settle<T>(promise: Promise<T>): Promise<{ result: T } | { error: unknown }> {
  try {
    return { result: await promise };
  } catch (error) {
    return { error };
  }
}

/** The record counts of every batch, added up. */
class RecordTotals {
  private readonly records = {
    total: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByReason: {} as Record<string, number>,
  };
  private feedback = 0;
  private filtered = 0;

  add(result: IngestSummary): void {
    const records = this.records;
    records.total += result.received;
    records.accepted += result.accepted;
    records.duplicates += result.duplicates;
    records.rejected += result.rejected;
    this.feedback += result.feedback ?? 0;
    this.filtered += result.filtered ?? 0;
    for (const [reason, count] of Object.entries(result.rejectedByReason)) {
      records.rejectedByReason[reason] = (records.rejectedByReason[reason] ?? 0) + count;
    }
  }

  /** As the summary reports them; `filtered` only with a time filter. */
  summary(filtering: boolean) {
    return {
      ...this.records,
      ...(filtering ? { filtered: this.filtered } : {}),
      // Only when some were read: the key is new to the `--json` shape.
      ...(this.feedback > 0 ? { feedback: this.feedback } : {}),
    };
  }
}

/** One warning for every skipped path, naming at most ten of them. */
function reportSkipped(
  skipped: readonly { path: string; reason: string }[],
  warn: (m: string) => void,
): void {
  const byReason = new Map<string, string[]>();
  for (const { path, reason } of skipped) byReason.set(reason, [...(byReason.get(reason) ?? []), path]);
  for (const [reason, paths] of byReason) {
    const names =
      paths.slice(0, 10).join(', ') + (paths.length > 10 ? `, and ${paths.length - 10} more` : '');
    warn(`skipped ${paths.length === 1 ? names : `${paths.length} paths (${names})`}: ${reason}`);
  }
}

function nothingToRead(
  paths: readonly string[],
  skipped: readonly { path: string; reason: string }[],
): string {
  if (skipped.length === 1 && skipped[0]?.path === paths[0]) {
    return `cannot read ${skipped[0]?.path}: ${skipped[0]?.reason.replace(/^cannot read: /, '')}`;
  }
  return `nothing to read in ${paths.join(', ')}: no .json, .jsonl or .gz file`;
}
