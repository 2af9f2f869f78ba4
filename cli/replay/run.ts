/**
 * Local replay as a library: runs the ingest handler the Lambda exports on local files (or standard
 * input), streamed batch by batch, and summarises what it emitted the way CloudWatch would
 * aggregate it. Memory stays bounded whatever the input's size: nothing but the summary's figures
 * (and the raw latency values its percentiles need) outlives a batch. The CLI is cli/replay/command.ts.
 */
import { join } from 'node:path';
import {
  type ReplaySummary,
  SummaryAccumulator,
  type UnpricedReasonSummary,
} from '../../shared/analysis/summary';
import { decodeLambdaEvent, validatePayload } from '../../shared/ingest/1-decode';
import { dimensionNameOf, ModelIdLimiter, OTHER } from '../../shared/ingest/6-attribute';
import type { BatchResult, RecordTimeOptions } from '../../shared/ingest/batch';
import { PACKAGE_ROOT } from '../common/bundle';
import { captureWrites } from '../common/capture';
import { localLambdaContext } from '../common/lambda-context';
import { DecodedInput, type ReplayBatch } from '../input/shapes';
import { type InputSource, readSource, type SourceProgress, scanInputs, sourceName } from '../input/sources';
import { ReplayInputError } from '../input/whole-files';
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
  /** Settings as the function reads them (default: this process's environment). */
  env?: Record<string, string>;
  /** Every EMF document the handler printed, as soon as it is printed (`--emf FILE` streams them). */
  onEmf?: (line: string) => void;
  /** Keep every EMF document in `ReplayRun.emf` (default true; the CLI streams them instead). */
  keepEmf?: boolean;
}

export interface ReplayRun {
  summary: ReplaySummary;
  /** Every EMF document the handler printed, byte for byte, in order (empty with `keepEmf: false`). */
  emf: string[];
  /** The clock given with `nowMs`, if any. */
  nowMs?: number;
}

const isEmf = (line: string) => line.startsWith('{') && line.includes('"_aws"');
const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * The handler's decode step for replay: a payload replay read in the clear only has its envelope
 * checked (a broken one still fails the batch, as in Lambda); a Lambda event is decoded as Lambda does.
 */
export const decodeForReplay: typeof decodeLambdaEvent = (event, options) =>
  event instanceof DecodedInput ? validatePayload(event.value) : decodeLambdaEvent(event, options);

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

  // Replay is quiet unless asked: per-record warnings would drown the report.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const { createDefaultDependencies, createIngestHandler } = await import('../../functions/ingest/handler');
  const deps = createDefaultDependencies({ ...process.env, ...options.env });
  const modelIds = new ModelIdLimiter(deps.config.maxModelIds);
  const unpriced: BatchResult['unpricedReasons'] = [];
  const recordTimes: RecordTimeOptions = {
    window: options.nowMs !== undefined,
    ...(options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {}),
    ...(options.untilMs !== undefined ? { untilMs: options.untilMs } : {}),
  };
  // The model documents come straight from the handler's emit (in Lambda a write to stdout); what
  // Powertools prints (health metrics, logs) is captured from stdout, as before.
  let emitted: string[] = [];
  const handler = createIngestHandler({
    ...deps,
    emit: (line) => {
      emitted.push(line);
    },
    // Without --now the clock only stamps the health metrics' delivery lag.
    now: () => options.nowMs ?? Date.now(),
    decode: decodeForReplay,
    recordTimes,
    modelIds,
    onBatch: (result) => {
      for (const reason of result.unpricedReasons) unpriced.push(reason);
    },
  });

  const attributionDims = Object.fromEntries(
    deps.config.attribution.keys.map((k) => [k, dimensionNameOf(k)]),
  );
  const summary = new SummaryAccumulator(deps.config.namespace, attributionDims);
  const keepEmf = options.keepEmf ?? true;
  const emf: string[] = [];
  const writeLog = options.writeLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  const records = {
    total: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByReason: {} as Record<string, number>,
  };
  let feedback = 0;
  let filtered = 0;
  const failures: { source: string; error: string }[] = [];
  let batches = 0;

  const runBatch = async (batch: ReplayBatch) => {
    const index = batches++;
    try {
      // Powertools and the EMF sink write through process.stdout: what is captured here is exactly
      // what Lambda would ship to CloudWatch Logs. Everything that is not EMF is the handler's log.
      emitted = [];
      const { result, error, stdout, stderr } = await captureWrites(() =>
        handler(batch.event, localLambdaContext('bedrock-watch-ingest-replay', `replay-${index}`)),
      );
      const takeEmf = (line: string) => {
        summary.addDocument(line);
        options.onEmf?.(line);
        if (keepEmf) emf.push(line);
      };
      for (const line of emitted) takeEmf(line);
      for (const line of stdout.split('\n')) {
        if (line === '') continue;
        if (isEmf(line)) takeEmf(line);
        else writeLog(line);
      }
      for (const line of stderr.split('\n')) if (line !== '') writeLog(line);
      if (result === undefined) throw error;
      records.total += result.received;
      records.accepted += result.accepted;
      records.duplicates += result.duplicates;
      records.rejected += result.rejected;
      feedback += result.feedback ?? 0;
      filtered += result.filtered ?? 0;
      for (const [reason, count] of Object.entries(result.rejectedByReason)) {
        records.rejectedByReason[reason] = (records.rejectedByReason[reason] ?? 0) + count;
      }
    } catch (error) {
      failures.push({ source: batch.source, error: String(error instanceof Error ? error.message : error) });
    }
  };

  const readable = await readAll(sources, runBatch, options.onProgress, warn);
  if (readable === 0) throw new ReplayInputError('nothing could be read (see the warnings above)');

  const { models, totals: all, unpricedModels } = summary.models();
  const reasons = unpricedReasonsOf(unpriced, (modelId) => (modelIds.isFolded(modelId) ? OTHER : modelId));
  for (const model of models)
    model.unpricedReasons = reasons.get(model.modelId) ?? ([] as UnpricedReasonSummary[]);
  const minutes = summary.minutes();
  return {
    ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}),
    emf,
    summary: {
      records: {
        ...records,
        ...(options.sinceMs !== undefined || options.untilMs !== undefined ? { filtered } : {}),
        // Only when some were read: the key is new to the `--json` shape.
        ...(feedback > 0 ? { feedback } : {}),
      },
      models,
      totals: all,
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
      inputs: { sources: sources.length, skipped },
      modelIdCap: {
        maxModelIds: modelIds.maxIds,
        folded: modelIds.foldedCount,
        foldedModelIds: modelIds.foldedIds(),
      },
    },
  };
}

/**
 * Reads every source into `runBatch`, one batch at a time. A source that stops (a wrong shape, a
 * broken gzip) is reported and the rest are read. Returns how many sources gave anything.
 */
async function readAll(
  sources: readonly InputSource[],
  runBatch: (batch: ReplayBatch) => Promise<void>,
  onProgress: ReplayOptions['onProgress'],
  warn: (message: string) => void,
): Promise<number> {
  const totals = { batches: 0, events: 0, bytesRead: 0 };
  let readable = 0;
  for (const source of sources) {
    const progress: SourceProgress = { events: 0, batches: 0, unreadableElements: 0, bytesRead: 0 };
    try {
      await readSource(
        source,
        async (batch) => {
          await runBatch(batch);
          onProgress?.({
            batches: totals.batches + progress.batches,
            events: totals.events + progress.events,
            bytesRead: totals.bytesRead + progress.bytesRead,
          });
        },
        progress,
      );
      readable++;
      if (progress.unreadableElements > 0) {
        warn(
          `${sourceName(source)}: skipped ${progress.unreadableElements} element(s) that are not replayable input (the first: ${progress.firstUnreadable})`,
        );
      }
    } catch (error) {
      warn(unreadable(source, progress, error));
      if (progress.events > 0) readable++;
    }
    totals.batches += progress.batches;
    totals.events += progress.events;
    totals.bytesRead += progress.bytesRead;
  }
  return readable;
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

/** The warning for a source that stopped: what was wrong, and what had been read before. */
function unreadable(source: InputSource, progress: SourceProgress, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const what = code ? `cannot read (${code})` : (error as Error).message;
  const before =
    progress.events > 0 ? ` (the ${progress.events} log event(s) before it were replayed)` : ' (skipped)';
  return `${sourceName(source)}: ${what}${before}`;
}
