import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BEDROCK_LOG_GROUP, BEDROCK_LOG_STREAM } from '../../shared/contract/bedrock-logs';
import { decodeSubscriptionEvent, encodeSubscriptionEvent } from '../../shared/ingest/1-decode';

/** One Lambda event to replay, with where it came from and the raw lines it carries (if known). */
export interface ReplayItem {
  source: string;
  event: unknown;
  /** Raw log lines, when the file gave them in the clear (used to find the newest record's time). */
  messages?: unknown[];
}

/** A path or file the replay cannot use; the CLI turns it into exit code 2. */
export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError';
}

/** How replay wraps raw `.jsonl` lines: at most this many events / bytes per subscription batch. */
export const JSONL_BATCH_EVENTS = 500;
export const JSONL_BATCH_BYTES = 1024 * 1024;

/** Lists replayable files under the given paths (folders recursively), in a stable order. */
export function collectFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (path: string, explicit: boolean) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch (error) {
      throw new ReplayInputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry), false);
    } else if (/\.jsonl?(\.gz)?$/.test(path)) {
      files.push(path);
    } else if (explicit) {
      throw new ReplayInputError(`${path}: expected a .json or .jsonl file (optionally .gz) or a folder`);
    }
  };
  for (const path of paths) visit(path, true);
  return files;
}

/** A raw line's record time (its `timestamp` field), or `fallback` when it has none. */
export function recordTime(message: string, fallback: number): number {
  try {
    const time = Date.parse((JSON.parse(message) as { timestamp?: unknown }).timestamp as string);
    return Number.isFinite(time) ? time : fallback;
  } catch {
    return fallback;
  }
}

/** How raw lines are cut into batches. */
export interface BatchingOptions {
  /**
   * Also start a new batch once a record is this much newer than the batch's first one, as a
   * subscription delivers every few seconds; the simulator sets it so arrival times stay realistic.
   */
  maxBatchSpanMs?: number;
}

/** Wraps raw log lines into realistic DATA_MESSAGE batches (≤ 500 events, ≤ 1 MiB of messages). */
export function batchLines(
  lines: readonly string[],
  source: string,
  options: BatchingOptions = {},
): ReplayItem[] {
  const items: ReplayItem[] = [];
  let batch: { id: string; timestamp: number; message: string }[] = [];
  let bytes = 0;
  let lastTime = 0;
  let firstTime = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: '000000000000',
      logGroup: BEDROCK_LOG_GROUP,
      logStream: BEDROCK_LOG_STREAM,
      subscriptionFilters: ['bedrock-watch-replay'],
      logEvents: batch,
    };
    items.push({
      source: `${source}#batch${items.length + 1}`,
      event: encodeSubscriptionEvent(payload),
      messages: batch.map((e) => e.message),
    });
    batch = [];
    bytes = 0;
  };
  lines.forEach((message, index) => {
    const size = Buffer.byteLength(message);
    lastTime = recordTime(message, lastTime);
    const span = options.maxBatchSpanMs;
    if (
      batch.length >= JSONL_BATCH_EVENTS ||
      (batch.length > 0 && bytes + size > JSONL_BATCH_BYTES) ||
      (batch.length > 0 && span !== undefined && lastTime - firstTime > span)
    )
      flush();
    if (batch.length === 0) firstTime = lastTime;
    batch.push({ id: `${lastTime}${String(index).padStart(8, '0')}`, timestamp: lastTime, message });
    bytes += size;
  });
  flush();
  return items;
}

function itemsFromJson(value: unknown, source: string): ReplayItem[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => itemsFromJson(v, `${source}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    if ('awslogs' in obj) {
      // Decoded here only to find record times for the default clock; the handler decodes again.
      let messages: unknown[] | undefined;
      try {
        messages = decodeSubscriptionEvent(obj).logEvents.map((e) => e.message);
      } catch {
        messages = undefined;
      }
      return [{ source, event: obj, ...(messages ? { messages } : {}) }];
    }
    if ('messageType' in obj) {
      const events = Array.isArray(obj.logEvents) ? obj.logEvents : [];
      return [
        {
          source,
          event: encodeSubscriptionEvent(obj),
          messages: events.map((e) => (e as { message?: unknown } | null)?.message),
        },
      ];
    }
  }
  throw new ReplayInputError(
    `${source}: not a Lambda event {"awslogs":…}, an array of them, or a decoded payload {"messageType":…}`,
  );
}

/** Reads one file into replay items. */
export function readReplayFile(path: string, batching: BatchingOptions = {}): ReplayItem[] {
  let text: string;
  try {
    const bytes = readFileSync(path);
    text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReplayInputError(
      `cannot read ${path}: ${code === 'Z_DATA_ERROR' ? 'not a gzip file' : (code ?? error)}`,
    );
  }
  if (/\.jsonl(\.gz)?$/.test(path)) {
    return batchLines(
      text.split(/\r?\n/).filter((line) => line.trim() !== ''),
      path,
      batching,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message would quote the file, which may hold prompts.
    throw new ReplayInputError(`${path}: not valid JSON`);
  }
  return itemsFromJson(value, path);
}

/** The newest record timestamp among the messages replay can see, if any. */
export function newestRecordTime(items: readonly ReplayItem[]): number | undefined {
  let newest: number | undefined;
  for (const item of items) {
    for (const message of item.messages ?? []) {
      if (typeof message !== 'string') continue;
      const time = recordTime(message, Number.NaN);
      if (Number.isFinite(time) && (newest === undefined || time > newest)) newest = time;
    }
  }
  return newest;
}
