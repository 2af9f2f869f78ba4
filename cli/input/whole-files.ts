/**
 * Replay input for the alarm simulator, which needs every batch of a file before it starts: the
 * same formats as replay (cli/input/shapes.ts), read whole and wrapped as the Lambda
 * events the deployed function receives. Replay itself streams (cli/input/sources.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { decodeLambdaEvent, encodeSubscriptionEvent } from '../../shared/ingest/1-decode';
import {
  DecodedInput,
  InputShapeError,
  type LineBatchingOptions,
  type ReplayBatch,
  recordTimeOf,
} from './shapes';
import { readTextSync } from './sources';

/** One Lambda event to replay, with where it came from and the raw lines it carries (if known). */
export interface ReplayItem {
  source: string;
  event: unknown;
  /** Raw log lines, when the file gave them in the clear (used to find record times). */
  messages?: unknown[];
}

/** A path or file the replay cannot use; the CLI turns it into exit code 2. */
export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError';
}

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
    } else if (/\.(jsonl?|gz)$/i.test(path) || explicit) {
      files.push(path);
    }
  };
  for (const path of paths) visit(path, true);
  return files;
}

/** A raw line's record time (its `timestamp` field, strict ISO-8601), or `fallback` when it has none. */
export const recordTime = (message: string, fallback: number): number => recordTimeOf(message, fallback);

/** How raw lines are cut into batches. */
export type BatchingOptions = Pick<LineBatchingOptions, 'maxBatchSpanMs'>;

/** A batch as the Lambda event the deployed function would receive. */
function toItem(batch: ReplayBatch): ReplayItem {
  if (batch.event instanceof DecodedInput) {
    const value = batch.event.value as { logEvents?: unknown };
    let event: unknown;
    try {
      event = encodeSubscriptionEvent(value);
    } catch {
      throw new ReplayInputError(`${batch.source}: a value nested too deeply to be re-encoded`);
    }
    const events = Array.isArray(value.logEvents) ? value.logEvents : [];
    return {
      source: batch.source,
      event,
      messages: events.map((e) => (e as { message?: unknown } | null)?.message),
    };
  }
  // Decoded here only to find record times; the handler decodes again.
  let messages: unknown[] | undefined;
  try {
    messages = decodeLambdaEvent(batch.event).logEvents.map((e) => e.message);
  } catch {
    messages = undefined;
  }
  return { source: batch.source, event: batch.event, ...(messages ? { messages } : {}) };
}

/** Reads one file into replay items, in any format replay reads. */
export function readReplayFile(path: string, batching: BatchingOptions = {}): ReplayItem[] {
  let text: string;
  try {
    const bytes = readFileSync(path);
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    text = new TextDecoder().decode(gzipped ? gunzipSync(bytes) : bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReplayInputError(
      `cannot read ${path}: ${code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' ? 'not a valid gzip file' : (code ?? error)}`,
    );
  }
  try {
    return readTextSync(text, path, { ...batching, timeOf: recordTime }).batches.map(toItem);
  } catch (error) {
    if (error instanceof InputShapeError) throw new ReplayInputError(`${path}: ${error.message}`);
    throw error;
  }
}
