/**
 * The formats replay reads, as pure push parsers (text in, batches out; no I/O): raw log lines
 * (`.jsonl`, and CloudWatch Logs' export-to-S3 `<ISO-time> <message>` lines), and JSON documents
 * (Lambda events, decoded payloads, Kinesis events, `aws logs filter-log-events` / `get-log-events`
 * output, arrays of any of them) read element by element, so neither a gigabyte of lines nor a
 * gigabyte of CLI output is ever one string. cli/input/sources.ts feeds them from files
 * and standard input.
 */
import { BEDROCK_LOG_GROUP, BEDROCK_LOG_STREAM } from '../../shared/contract/bedrock-logs';
import type { LogEvent, SubscriptionPayload } from '../../shared/ingest/1-decode';
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

/** One handler invocation's worth of input: a Lambda event, or a payload read in the clear. */
export interface ReplayBatch {
  /** Where it came from: `file#batch3`, `file[2]`. */
  source: string;
  /** What the handler receives: a Lambda event, or a {@link DecodedInput}. */
  event: unknown;
}

/** The input does not have a shape replay reads; the message says what it expected. */
export class InputShapeError extends Error {
  override readonly name = 'InputShapeError';
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
}

/**
 * Cuts raw log lines into realistic DATA_MESSAGE payloads (≤ 500 events, ≤ 1 MiB of messages).
 * Replay reads no line's record time here: the handler parses each line once, and only once.
 */
export class LineBatcher {
  private events: LogEvent[] = [];
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
    if (span !== undefined && typeof message === 'string') {
      this.lastTime = (this.options.timeOf ?? recordTimeOf)(message, this.lastTime);
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
    this.emit({ source: `${this.source}#batch${this.batches}`, event: new DecodedInput(payload) });
    this.events = [];
    this.bytes = 0;
  }
}

/** A raw line's record time (its `timestamp` field, strict ISO-8601), or `fallback` when it has none. */
export function recordTimeOf(message: string, fallback: number): number {
  try {
    const timestamp = (JSON.parse(message) as { timestamp?: unknown } | null)?.timestamp;
    const time = typeof timestamp === 'string' ? parseIsoTime(timestamp) : Number.NaN;
    return Number.isFinite(time) ? time : fallback;
  } catch {
    return fallback;
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

/** What a JSON document scanner hands over. */
export interface JsonDocumentHandlers {
  /** One element of a top-level array, or of a top-level object's `events` array. */
  element(value: unknown, from: 'array' | 'events'): void;
  /** A top-level object has ended: its members, except a streamed `events` array. */
  object(members: Record<string, unknown>, streamedEvents: boolean): void;
}

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const COLON = 58;
const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;
/** What matters outside strings inside a value: where strings and containers open and close. */
const STRUCTURAL = /["{}[\]]/g;

/** A quote after an even run of backslashes (none included), after a character that is not one. */
const CLOSING_QUOTE = /[^\\](?:\\\\)*"/g;

/**
 * The index of the quote that closes the string being read from `from`, or -1 if the text ends
 * first: the first quote after an even run of backslashes. The search starts where the run of
 * backslashes before `from` starts, and the string's opening quote is always in `text` (a value is
 * kept whole until it ends), so a run cut by a chunk boundary is counted whole. One native search
 * per string: a `filter-log-events` message is escaped JSON, a quote every few characters.
 */
function closingQuote(text: string, from: number): number {
  let k = from - 1;
  while (text.charCodeAt(k) === BACKSLASH) k--;
  CLOSING_QUOTE.lastIndex = k;
  const match = CLOSING_QUOTE.exec(text);
  return match ? match.index + match[0].length - 1 : -1;
}

type Frame = 'array' | 'object' | 'events';
type Expect = 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'colon' | 'comma-or-end';

/**
 * Reads JSON documents pushed in chunks without holding them whole: the elements of a top-level
 * array and of a top-level object's `events` array (what `aws logs filter-log-events` and
 * `get-log-events` print) are cut out and parsed one by one; other members are parsed whole.
 * Documents may follow each other (JSON Lines of events, concatenated CLI pages). Only the
 * skeleton (depth 1, and 2 inside `events`) is scanned character by character; every value is
 * checked by JSON.parse, and nesting inside a value costs a counter, never a stack frame.
 */
export class JsonDocumentStream {
  private buf = '';
  private pos = 0;
  /** Characters before `buf`, for error positions. */
  private offset = 0;
  private readonly frames: Frame[] = [];
  private expect: Expect = 'value';
  /** The value being cut out: its start in `buf`, kind, and nesting inside it. */
  private start = -1;
  private kind: 'container' | 'string' | 'literal' = 'container';
  private nesting = 0;
  private inString = false;
  private key: string | undefined;
  private readingKey = false;
  private members: Record<string, unknown> = {};
  private streamedEvents = false;
  private documents = 0;

  constructor(private readonly handlers: JsonDocumentHandlers) {}

  /** How many top-level documents have ended so far. */
  get documentCount(): number {
    return this.documents;
  }

  push(chunk: string): void {
    if (this.start >= 0) {
      this.offset += this.start;
      this.buf = this.buf.slice(this.start) + chunk;
      this.pos -= this.start;
      this.start = 0;
    } else {
      this.offset += this.buf.length;
      this.buf = chunk;
      this.pos = 0;
    }
    this.scan();
  }

  /** @throws InputShapeError when the text ends inside a document (a truncated file). */
  end(): void {
    if (this.start >= 0 && this.kind === 'literal') this.finishValue(this.buf.length);
    if (this.start >= 0 || this.frames.length > 0) {
      throw new InputShapeError(
        `ends inside a JSON document (at character ${this.offset + this.buf.length})`,
      );
    }
    if (this.documents === 0) throw new InputShapeError('holds no JSON document');
  }

  private fail(at: number, what: string): never {
    throw new InputShapeError(`not valid JSON at character ${this.offset + at}: ${what}`);
  }

  private scan(): void {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    while (i < n) {
      if (this.start >= 0) {
        i = this.scanValue(i);
        continue;
      }
      const c = buf.charCodeAt(i);
      if (!isSpace(c)) this.structural(c, i);
      i++;
    }
    this.pos = n;
  }

  /** Inside a value being cut out: finds where it ends. Returns the next index to look at. */
  private scanValue(from: number): number {
    const buf = this.buf;
    const n = buf.length;
    if (this.kind === 'literal') {
      for (let i = from; i < n; i++) {
        const c = buf.charCodeAt(i);
        if (isSpace(c) || c === COMMA || c === RBRACE || c === RBRACKET) {
          this.finishValue(i);
          return i;
        }
      }
      return n;
    }
    // Native searches instead of a loop over every character: a `filter-log-events` export is
    // mostly long escaped message strings.
    let i = from;
    while (i < n) {
      if (this.inString) {
        const close = closingQuote(buf, i);
        if (close === -1) return n;
        this.inString = false;
        if (this.kind === 'string') {
          this.finishValue(close + 1);
          return close + 1;
        }
        i = close + 1;
        continue;
      }
      STRUCTURAL.lastIndex = i;
      const found = STRUCTURAL.exec(buf);
      if (!found) return n;
      const at = found.index;
      const c = buf.charCodeAt(at);
      i = at + 1;
      if (c === QUOTE) this.inString = true;
      else if (c === LBRACE || c === LBRACKET) this.nesting++;
      else if (--this.nesting === 0) {
        this.finishValue(at + 1);
        return at + 1;
      }
    }
    return n;
  }

  private beginValue(i: number, c: number): void {
    this.start = i;
    if (c === QUOTE) {
      this.kind = 'string';
      this.inString = true;
    } else if (c === LBRACE || c === LBRACKET) {
      this.kind = 'container';
      this.nesting = 1;
      this.inString = false;
    } else {
      this.kind = 'literal';
    }
  }

  private finishValue(end: number): void {
    const text = this.buf.slice(this.start, end);
    const at = this.start;
    this.start = -1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // JSON.parse's message would quote the input, which may hold prompts.
      this.fail(at, 'a value that does not parse');
    }
    const frame = this.frames[this.frames.length - 1];
    if (this.readingKey) {
      this.readingKey = false;
      this.key = String(value);
      this.expect = 'colon';
    } else if (frame === 'object') {
      this.members[this.key ?? ''] = value;
      this.expect = 'comma-or-end';
    } else if (frame === 'array' || frame === 'events') {
      this.handlers.element(value, frame);
      this.expect = 'comma-or-end';
    } else {
      this.fail(at, 'a document must be a JSON object or array');
    }
  }

  /** One non-blank character of the skeleton. */
  private structural(c: number, i: number): void {
    const frame = this.frames[this.frames.length - 1];
    switch (this.expect) {
      case 'value':
      case 'value-or-end':
        if (c === RBRACKET && this.expect === 'value-or-end') {
          this.close(i);
          return;
        }
        if (frame === undefined) {
          this.openDocument(c, i);
          return;
        }
        if (frame === 'object' && this.key === 'events' && c === LBRACKET && this.frames.length === 1) {
          this.frames.push('events');
          this.streamedEvents = true;
          this.expect = 'value-or-end';
          return;
        }
        if (c === COMMA || c === COLON || c === RBRACE || c === RBRACKET) this.fail(i, 'a value is missing');
        {
          this.beginValue(i, c);
          return;
        }
      case 'key':
      case 'key-or-end':
        if (c === RBRACE && this.expect === 'key-or-end') {
          this.close(i);
          return;
        }
        if (c !== QUOTE) this.fail(i, 'expected a member name');
        this.readingKey = true;
        {
          this.beginValue(i, c);
          return;
        }
      case 'colon':
        if (c !== COLON) this.fail(i, 'expected ":"');
        this.expect = 'value';
        return;
      case 'comma-or-end':
        if (c === COMMA) {
          this.expect = frame === 'object' ? 'key' : 'value';
          return;
        }
        if ((c === RBRACE && frame === 'object') || (c === RBRACKET && frame !== 'object')) {
          this.close(i);
          return;
        }
        this.fail(i, 'expected "," or the end of the container');
    }
  }

  private openDocument(c: number, i: number): void {
    if (c === LBRACKET) {
      this.frames.push('array');
      this.expect = 'value-or-end';
    } else if (c === LBRACE) {
      this.frames.push('object');
      this.members = {};
      this.streamedEvents = false;
      this.key = undefined;
      this.expect = 'key-or-end';
    } else {
      this.fail(i, 'a document must be a JSON object or array');
    }
  }

  private close(i: number): void {
    const frame = this.frames.pop();
    if (frame === 'events') {
      this.expect = 'comma-or-end';
      return;
    }
    if (frame === 'object') this.handlers.object(this.members, this.streamedEvents);
    if (this.frames.length !== 0) this.fail(i, 'unexpected nesting');
    this.documents++;
    this.expect = 'value';
  }
}

/** What the members of a JSON object are, as replay input. */
export type DocumentKind =
  | { kind: 'lambda-event'; event: unknown }
  | { kind: 'payload'; payload: unknown }
  | { kind: 'record'; record: Record<string, unknown> }
  | { kind: 'events'; events: unknown[] }
  | { kind: 'unknown' };

/** Recognises one JSON value replay can read. */
export function classifyDocument(value: unknown): DocumentKind {
  if (!isObject(value)) return { kind: 'unknown' };
  if ('awslogs' in value || Array.isArray(value.Records)) return { kind: 'lambda-event', event: value };
  if ('messageType' in value) return { kind: 'payload', payload: value };
  if ('schemaType' in value) return { kind: 'record', record: value };
  if (Array.isArray(value.events)) return { kind: 'events', events: value.events };
  return { kind: 'unknown' };
}

/** The shapes a JSON document may take, for the error about one that has none of them. */
export const DOCUMENT_SHAPES =
  'a Lambda event {"awslogs":…} or {"Records":[…]}, a decoded payload {"messageType":…}, ' +
  '`aws logs filter-log-events` or `get-log-events` output {"events":[…]}, an invocation record, or an array of them';

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
