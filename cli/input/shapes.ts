/**
 * The formats replay reads, as pure push parsers (text in, batches out; no I/O): raw log lines
 * (`.jsonl`, and CloudWatch Logs' export-to-S3 `<ISO-time> <message>` lines), and JSON documents
 * (Lambda events, decoded payloads, Kinesis events, `aws logs filter-log-events` / `get-log-events`
 * output, arrays of any of them) read element by element, so neither a gigabyte of lines nor a
 * gigabyte of CLI output is ever one string; the JSON scanner itself is cli/input/json-documents.ts.
 * cli/input/sources.ts feeds them from files and standard input.
 */
import { BEDROCK_LOG_GROUP, BEDROCK_LOG_STREAM } from '../../shared/contract/bedrock-logs';
import {
  decodeLambdaEvent,
  type LogEvent,
  type SubscriptionPayload,
  validatePayload,
} from '../../shared/ingest/1-decode';
import { isObject } from '../../shared/json';
import { parseIsoTime } from '../../shared/time';

/** How replay wraps raw lines: at most this many events / bytes per subscription batch. */
export const JSONL_BATCH_EVENTS = 500;
export const JSONL_BATCH_BYTES = 1024 * 1024;

/**
 * A decoded payload to hand to the handler as it is: the handler's `decode` hook checks its
 * envelope (`validatePayload`) instead of gunzipping and base64-decoding it.
 */
export class DecodedInput {
  constructor(readonly value: unknown) {}
}

/**
 * The handler's decode step for what the reader hands over (`LocalRun.decode`): a payload read in
 * the clear only has its envelope checked (a broken one still fails the batch, as in Lambda); a
 * Lambda event is decoded as Lambda does.
 */
export const decodeForReplay: typeof decodeLambdaEvent = (event, options) =>
  event instanceof DecodedInput ? validatePayload(event.value) : decodeLambdaEvent(event, options);

/** One handler invocation's worth of input: a Lambda event, or a payload read in the clear. */
export interface ReplayBatch {
  /** Where it came from: `file#batch3`, `file[2]`. */
  source: string;
  /** What the handler receives: a Lambda event, or a {@link DecodedInput}. */
  event: unknown;
  /**
   * Each event's record time (NaN where it has none), when the batcher read them to cut by time:
   * the simulator reuses them instead of parsing every record again.
   */
  recordTimes?: number[];
  /** Each event's message as JSON.parse read it (undefined where it is not JSON), with `keepRecords`. */
  records?: unknown[];
}

/** How raw lines are cut into batches. */
export interface LineBatchingOptions {
  /**
   * Also start a new batch once a record is this much newer than the batch's first one, as a
   * subscription delivers every few seconds; the simulator sets it so arrival times stay realistic.
   */
  maxBatchSpanMs?: number;
  /** A line's record time, when `maxBatchSpanMs` needs it. */
  timeOf?: (message: string, fallback: number) => number;
  /**
   * With `maxBatchSpanMs`: parse each line once here, take its time from the parsed record and hand
   * the parsed records over with the batch (the simulator's weekly advisor reads them).
   */
  keepRecords?: boolean;
}

/**
 * Cuts raw log lines into realistic DATA_MESSAGE payloads (≤ 500 events, ≤ 1 MiB of messages).
 * Replay reads no line's record time here: the handler parses each line once, and only once.
 */
export class LineBatcher {
  private events: LogEvent[] = [];
  private times: number[] = [];
  private records: unknown[] = [];
  private bytes = 0;
  private batches = 0;
  private firstTime = 0;
  private lastTime = 0;

  constructor(
    private readonly source: string,
    private readonly emit: (batch: ReplayBatch) => void,
    private readonly options: LineBatchingOptions = {},
  ) {}

  /**
   * Adds one log event; `timestamp` is the event's own (ingestion) time when the format gives one,
   * `bytes` the message's UTF-8 size when the reader knows it already.
   */
  push(message: unknown, id: string, timestamp = 0, bytes?: number): void {
    const size = bytes ?? (typeof message === 'string' ? Buffer.byteLength(message) : 0);
    const span = this.options.maxBatchSpanMs;
    let time = Number.NaN;
    let record: unknown;
    if (span !== undefined && typeof message === 'string') {
      if (this.options.keepRecords) {
        record = parsedOrUndefined(message);
        time = recordTimeOfParsed(record, Number.NaN);
      } else time = (this.options.timeOf ?? recordTimeOf)(message, Number.NaN);
      if (Number.isFinite(time)) this.lastTime = time;
    }
    const n = this.events.length;
    if (
      n >= JSONL_BATCH_EVENTS ||
      (n > 0 && this.bytes + size > JSONL_BATCH_BYTES) ||
      (n > 0 && span !== undefined && this.lastTime - this.firstTime > span)
    ) {
      this.flush();
    }
    if (this.events.length === 0) this.firstTime = this.lastTime;
    this.events.push({ id, timestamp, message });
    this.times.push(time);
    if (this.options.keepRecords) this.records.push(record);
    this.bytes += size;
  }

  /** Emits what is left as a last, smaller batch. */
  flush(): void {
    if (this.events.length === 0) return;
    const payload: SubscriptionPayload & { subscriptionFilters: string[] } = {
      messageType: 'DATA_MESSAGE',
      owner: '000000000000',
      logGroup: BEDROCK_LOG_GROUP,
      logStream: BEDROCK_LOG_STREAM,
      subscriptionFilters: ['bedrock-watch-replay'],
      logEvents: this.events,
    };
    this.batches++;
    this.emit({
      source: `${this.source}#batch${this.batches}`,
      event: new DecodedInput(payload),
      ...(this.options.maxBatchSpanMs !== undefined ? { recordTimes: this.times } : {}),
      ...(this.options.keepRecords ? { records: this.records } : {}),
    });
    this.events = [];
    this.times = [];
    this.records = [];
    this.bytes = 0;
  }
}

/** A raw line's record time (its `timestamp` field, strict ISO-8601), or `fallback` when it has none. */
export function recordTimeOf(message: string, fallback: number): number {
  return recordTimeOfParsed(parsedOrUndefined(message), fallback);
}

/** {@link recordTimeOf} of a line JSON.parse has read already. */
function recordTimeOfParsed(record: unknown, fallback: number): number {
  const timestamp = (record as { timestamp?: unknown } | null | undefined)?.timestamp;
  const time = typeof timestamp === 'string' ? parseIsoTime(timestamp) : Number.NaN;
  return Number.isFinite(time) ? time : fallback;
}

function parsedOrUndefined(message: string): unknown {
  try {
    return JSON.parse(message);
  } catch {
    return undefined;
  }
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;

/**
 * The log message of one line: the line itself, or, for CloudWatch Logs' export-to-S3 format
 * (`2025-10-20T10:00:00.000Z {"schemaType":…}`), what follows the time, with that time.
 */
export function messageOfLine(line: string): { message: string; timestamp?: number } {
  const first = line.charCodeAt(0);
  if (first < DIGIT_0 || first > DIGIT_9) return { message: line };
  const space = line.indexOf(' ');
  const timestamp = space > 0 ? parseIsoTime(line.slice(0, space)) : Number.NaN;
  return Number.isFinite(timestamp) ? { message: line.slice(space + 1), timestamp } : { message: line };
}

const NEWLINE = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/**
 * Splits UTF-8 bytes pushed in chunks into lines (LF or CRLF), skipping blank ones, and hands each
 * line, its 1-based number and its size in bytes to `onLine`. Splitting bytes and decoding each line
 * on its own is about twice as fast as decoding the chunk and splitting the string, and gives the
 * byte size the batching needs for free.
 */
export class LineSplitter {
  private rest: Buffer | undefined;
  private lineNumber = 0;

  constructor(private readonly onLine: (line: string, lineNumber: number, bytes: number) => void) {}

  /** The bytes after the last line break, not handed over yet (the last line, if it has none). */
  get pending(): Buffer | undefined {
    return this.rest;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.rest) {
      // Only the line that straddles two chunks is copied, not the chunk.
      const end = chunk.indexOf(NEWLINE);
      if (end === -1) {
        this.rest = Buffer.concat([this.rest, chunk]);
        return;
      }
      const joined = Buffer.concat([this.rest, chunk.subarray(0, end)]);
      this.rest = undefined;
      this.line(joined, 0, joined.length);
      start = end + 1;
    }
    for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      this.line(chunk, start, end);
      start = end + 1;
    }
    if (start < chunk.length) this.rest = Buffer.from(chunk.subarray(start));
  }

  end(): void {
    const rest = this.rest;
    this.rest = undefined;
    if (rest) this.line(rest, 0, rest.length);
  }

  private line(buf: Buffer, start: number, end: number): void {
    this.lineNumber++;
    const stop = end > start && buf[end - 1] === CR ? end - 1 : end;
    let first = start;
    while (first < stop && (buf[first] === SPACE || buf[first] === TAB)) first++;
    if (first === stop) return;
    this.onLine(buf.toString('utf8', start, stop), this.lineNumber, stop - start);
  }
}

/** Where a document shape hands what it holds; each call is one log event or batch read. */
export interface DocumentOutput {
  /** One handler invocation's worth, as it is (a Lambda event, or a {@link DecodedInput}). */
  batch(where: string, event: unknown): void;
  /** One invocation record's log line, for the line batcher. */
  record(where: string, message: unknown): void;
  /** One log event of `filter-log-events` / `get-log-events` output. */
  cliEvent(value: unknown): void;
}

/** One JSON shape replay reads: how it is recognised, named in errors, and read. */
export interface DocumentShape {
  readonly name: string;
  /** How the error about a document of no known shape names it. */
  readonly described: string;
  /** Whether a JSON object has this shape (the first shape in the list that matches is the one). */
  matches(value: Record<string, unknown>): boolean;
  /** Hands what the object holds to `out`; `where` names it (`file`, `file[2]`). */
  read(value: Record<string, unknown>, where: string, out: DocumentOutput): void;
}

/**
 * Every JSON shape replay, the simulator and the preview read, in the order they are tried (and
 * named in the error about a document of none of them): a document is one of these, or an array of
 * them. A new input shape is one entry here; an entry without a reader does not compile.
 */
export const DOCUMENT_SHAPES = [
  {
    name: 'lambda-event',
    described: 'a Lambda event {"awslogs":…} or {"Records":[…]}',
    matches: (value) => 'awslogs' in value || Array.isArray(value.Records),
    read: (value, where, out) => out.batch(where, value),
  },
  {
    name: 'payload',
    described: 'a decoded payload {"messageType":…}',
    matches: (value) => 'messageType' in value,
    read: (value, where, out) => out.batch(where, new DecodedInput(value)),
  },
  {
    name: 'cli-output',
    described: '`aws logs filter-log-events` or `get-log-events` output {"events":[…]}',
    // An invocation record is a record, whatever fields it has.
    matches: (value) => Array.isArray(value.events) && !('schemaType' in value),
    read: (value, _where, out) => {
      for (const event of value.events as unknown[]) out.cliEvent(event);
    },
  },
  {
    name: 'record',
    described: 'an invocation record',
    matches: (value) => 'schemaType' in value,
    read: (value, where, out) => out.record(where, recordLine(value)),
  },
] as const satisfies readonly DocumentShape[];

export type DocumentShapeName = (typeof DOCUMENT_SHAPES)[number]['name'];

/** The shape of one JSON value, if it has one replay reads. */
export function shapeOf(value: unknown): DocumentShape | undefined {
  if (!isObject(value)) return undefined;
  return DOCUMENT_SHAPES.find((shape: DocumentShape) => shape.matches(value));
}

/** The shapes a JSON document may take, for the error about one that has none of them. */
export const DOCUMENT_SHAPES_DESCRIBED = `${DOCUMENT_SHAPES.map((shape) => shape.described).join(', ')}, or an array of them`;

/**
 * A record given as a JSON object becomes its log line again. One nested beyond what
 * JSON.stringify can walk cannot be a real record: it is handed over as it is, and the parse stage
 * counts it as an invalid log event.
 */
function recordLine(record: Record<string, unknown>): unknown {
  try {
    return JSON.stringify(record);
  } catch {
    return record;
  }
}

/** A log event of `filter-log-events` / `get-log-events` output: its message, id and time. */
export function cliEventOf(
  value: unknown,
  index: number,
): { message: unknown; id: string; timestamp: number } {
  if (!isObject(value)) return { message: undefined, id: `#${index}`, timestamp: 0 };
  return {
    message: value.message,
    id: typeof value.eventId === 'string' ? value.eventId : `#${index}`,
    timestamp: typeof value.timestamp === 'number' ? value.timestamp : 0,
  };
}
