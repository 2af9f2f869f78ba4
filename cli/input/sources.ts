/**
 * Where replay reads from: files and folders (recursively, in name order) and standard input,
 * streamed in bounded memory whatever their size. Gzip is recognised by its magic bytes, so `.gz`
 * of any supported file works (CloudWatch Logs' S3 export writes `000000.gz`); the text is decoded
 * as UTF-8 (or UTF-16 with its byte-order mark) with any byte-order mark dropped. The formats
 * themselves are in cli/input/shapes.ts. Replay and the simulator ({@link streamBatches}) both
 * stream batch by batch, through the same reader.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { constants, createGunzip } from 'node:zlib';
import { InputShapeError, JsonDocumentStream } from './json-documents';
import {
  cliEventOf,
  DOCUMENT_SHAPES_DESCRIBED,
  type DocumentOutput,
  LineBatcher,
  type LineBatchingOptions,
  LineSplitter,
  messageOfLine,
  type ReplayBatch,
  shapeOf,
} from './shapes';

/** A path or file the replay cannot use; the CLIs turn it into exit code 2. */
export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError';
}

/** One input: a file, or standard input (`-`). */
export type InputSource = { kind: 'file'; path: string } | { kind: 'stdin' };

/** A path replay did not read, and why; reported as a warning. */
export interface SkippedInput {
  path: string;
  reason: string;
}

/**
 * An input that stops part-way: truncated (a download that stopped) or corrupt. Every complete log
 * event before `offset` was replayed; what is at and after it was not. The CLIs exit 1.
 */
export interface DamagedInput {
  path: string;
  /** What is wrong, e.g. `ends inside a JSON document`, `not a valid gzip file (truncated)`. */
  problem: string;
  /** The byte offset of the first byte not replayed. */
  offset: number;
  /**
   * What `offset` counts: the file's bytes, or the decompressed bytes of a gzipped file (`.gz`), or
   * the bytes of a UTF-16 file transcoded to UTF-8.
   */
  offsetIn: 'file' | 'decompressed' | 'utf-8 transcoding';
  /** Log events read and replayed before the damage (whole Lambda events and payloads apart). */
  replayedLogEvents: number;
  /** Whole Lambda events and decoded payloads read and replayed before the damage. */
  replayedDocuments: number;
  /** What was not replayed, in words: `the incomplete last 523 bytes`, `everything from byte 1024 on`. */
  lost: string;
  /** Bytes read from `offset` on and not replayed; null when reading stopped there (the rest is unknown). */
  lostBytes: number | null;
}

/** A source stopped part-way; what came before was handed over. */
export class InputDamageError extends Error {
  override readonly name = 'InputDamageError';
  constructor(readonly damage: DamagedInput) {
    super(describeDamage(damage));
  }
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** One line about a damaged input: where, what is wrong, what was replayed and what was lost. */
export function describeDamage(d: DamagedInput): string {
  const where = d.offsetIn === 'file' ? `byte ${d.offset}` : `byte ${d.offset} (${d.offsetIn})`;
  const documents =
    d.replayedDocuments > 0
      ? ` and ${plural(d.replayedDocuments, 'Lambda event/payload', 'Lambda events/payloads')}`
      : '';
  const before =
    d.replayedLogEvents + d.replayedDocuments === 0
      ? 'nothing (no complete log event came before it)'
      : `the ${plural(d.replayedLogEvents, 'complete log event')}${documents} before it`;
  return `${d.path}: ${d.problem} at ${where}; replayed: ${before}; lost: ${d.lost}`;
}

const CANNOT_READ = 'cannot read: ';

/** The names a folder scan reads; an explicitly named file is read whatever its name. */
const READABLE_NAME = /\.(jsonl?|gz)$/i;

export const sourceName = (source: InputSource) => (source.kind === 'stdin' ? '(stdin)' : source.path);

/**
 * Lists what to read under the given paths: folders recursively in name order (`.json`, `.jsonl`
 * and `.gz` files; every other file is listed as skipped), named files whatever their extension,
 * `-` for standard input. A path that does not exist is skipped too: the caller decides whether
 * anything was left to read.
 */
export function scanInputs(paths: readonly string[]): { sources: InputSource[]; skipped: SkippedInput[] } {
  const sources: InputSource[] = [];
  const skipped: SkippedInput[] = [];
  const visit = (path: string, explicit: boolean) => {
    if (path === '-' && explicit) {
      sources.push({ kind: 'stdin' });
      return;
    }
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch (error) {
      skipped.push({
        path,
        reason: `${CANNOT_READ}${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry), false);
    } else if (explicit || READABLE_NAME.test(path)) {
      sources.push({ kind: 'file', path });
    } else {
      skipped.push({ path, reason: 'not a .json, .jsonl or .gz file' });
    }
  };
  for (const path of paths) visit(path, true);
  return { sources, skipped };
}

/** What reading one source did, also when it stopped early. */
export interface SourceProgress {
  /** Log events and documents handed over so far. */
  events: number;
  /** Of them, whole Lambda events and payloads (each one batch of log events). */
  documents?: number;
  batches: number;
  /** Elements of a JSON document that were not a shape replay reads (skipped, reported). */
  unreadableElements: number;
  firstUnreadable?: string;
  /** Bytes read from the file (compressed, if it is). */
  bytesRead: number;
  /** Set when the input ends inside its last line: read to the end, but damaged. */
  damage?: DamagedInput;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const CHUNK_BYTES = 1024 * 1024;

/** How the text of a source was decoded: what a damaged input's byte offset counts. */
interface TextState {
  gzip: boolean;
  utf16: boolean;
  /** Bytes of a UTF-8 byte-order mark dropped before the text. */
  bom: number;
}

/** The raw bytes of a source, gunzipped when they start with gzip's magic bytes. */
async function* bytesOf(
  raw: AsyncIterable<Buffer>,
  progress: SourceProgress,
  state: TextState,
): AsyncGenerator<Buffer> {
  const chunks = raw[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  // Two bytes decide; a first chunk of one byte (a pipe may deliver that) waits for the next.
  while (head.length < 2) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  const count = (chunk: Buffer) => {
    progress.bytesRead += chunk.length;
    return chunk;
  };
  const rest = async function* () {
    yield count(head);
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield count(next.value);
  };
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
    if (head.length > 0) yield* rest();
    return;
  }
  state.gzip = true;
  try {
    yield* gunzipped(rest());
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputShapeError(
      code === 'Z_BUF_ERROR'
        ? 'not a valid gzip file (truncated)'
        : code === 'Z_DATA_ERROR'
          ? 'not a valid gzip file (corrupt)'
          : String((error as Error).message),
      true,
    );
  }
}

/** Compressed bytes handed to the gunzip at a time: what one write can expand to stays bounded. */
const FEED_BYTES = 64 * 1024;
/** Decompressed bytes that may wait for the reader before the gunzip is fed more. */
const MAX_WAITING_BYTES = 4 * CHUNK_BYTES;

/**
 * Gunzips a stream of compressed chunks. The gunzip flows (each output chunk is taken as soon as it
 * is made) and the pace is set by feeding it, not by pausing its output: a stream paused when a
 * truncated or corrupt input makes it fail discards the output it holds, and that output is the
 * last complete events before the damage. Memory stays bounded: the feed waits while more than
 * MAX_WAITING_BYTES wait for the reader.
 * @throws the gunzip's error (Z_BUF_ERROR truncated, Z_DATA_ERROR corrupt) after all its output
 */
async function* gunzipped(compressed: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  const waiting: Buffer[] = [];
  let waitingBytes = 0;
  let failure: unknown;
  let done = false;
  let wakeReader: (() => void) | undefined;
  let wakeFeed: (() => void) | undefined;
  const wake = () => {
    for (const f of [wakeReader, wakeFeed]) f?.();
    wakeReader = undefined;
    wakeFeed = undefined;
  };
  gunzip.on('data', (chunk: Buffer) => {
    waiting.push(chunk);
    waitingBytes += chunk.length;
    wake();
  });
  let stopped: () => void = () => undefined;
  const stoppedPromise = new Promise<void>((r) => (stopped = r));
  const stop = (error?: unknown) => {
    failure ??= error;
    done = true;
    stopped();
    wake();
  };
  /** Waits for `event` (its own resolver: the reader's wake-ups are not it), or for the gunzip to stop. */
  const until = (start: (resolve: () => void) => void) =>
    Promise.race([new Promise<void>((r) => start(r)), stoppedPromise]);
  gunzip.on('error', stop);
  gunzip.on('end', () => stop());
  gunzip.on('close', () => stop());
  const feed = (async () => {
    for await (const chunk of compressed) {
      for (let i = 0; i < chunk.length && !done; i += FEED_BYTES) {
        while (waitingBytes > MAX_WAITING_BYTES && !done) await new Promise<void>((r) => (wakeFeed = r));
        if (done) return;
        if (!gunzip.write(chunk.subarray(i, i + FEED_BYTES))) await until((r) => gunzip.once('drain', r));
      }
      if (done) return;
    }
    // A sync flush first: it hands over everything the input decodes to, which the final flush of
    // end() would drop with its error when the input is truncated.
    await until((r) => gunzip.flush(constants.Z_SYNC_FLUSH, () => r()));
    if (!done) gunzip.end();
  })().catch(stop);
  try {
    for (;;) {
      const chunk = waiting.shift();
      if (chunk) {
        waitingBytes -= chunk.length;
        wakeFeed?.();
        yield chunk;
      } else if (done) {
        break;
      } else {
        await new Promise<void>((r) => (wakeReader = r));
      }
    }
    if (failure !== undefined) throw failure;
  } finally {
    // A reader that stops early (a wrong shape) ends the gunzip and the feed with it.
    if (!done) gunzip.destroy();
    stop();
    await feed;
  }
}

/** How the first bytes of a text are to be read: a UTF-16 byte-order mark, a UTF-8 one, or none. */
function byteOrderOf(head: Buffer): { utf16?: TextDecoder; skip: number } {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return { utf16: new TextDecoder(head[0] === 0xff ? 'utf-16le' : 'utf-16be'), skip: 0 };
  }
  return { skip: head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0 };
}

/**
 * Normalises bytes to UTF-8 without a byte-order mark: a .jsonl saved with one keeps its first
 * line, and UTF-16 (what PowerShell's `>` writes) is transcoded.
 */
async function* utf8Of(bytes: AsyncIterable<Buffer>, state: TextState): AsyncGenerator<Buffer> {
  let head: Buffer | undefined = Buffer.alloc(0);
  let utf16: TextDecoder | undefined;
  for await (const chunk of bytes) {
    let out = chunk;
    if (head) {
      // A byte-order mark can be cut across chunks (a gunzip may hand over one byte): wait for three.
      head = Buffer.concat([head, chunk]);
      if (head.length < 3) continue;
      const order = byteOrderOf(head);
      utf16 = order.utf16;
      state.utf16 = utf16 !== undefined;
      state.bom = order.skip;
      out = head.subarray(order.skip);
      head = undefined;
    }
    if (utf16) out = Buffer.from(utf16.decode(out, { stream: true }), 'utf8');
    if (out.length > 0) yield out;
  }
  // Fewer than three bytes in all: no mark to look for.
  if (head && head.length > 0) yield head;
  const tail = utf16?.decode();
  if (tail) yield Buffer.from(tail, 'utf8');
}

/** How an input is read: as lines, as a JSON document, or told by its first line. */
export type Format = 'lines' | 'document' | 'sniff';

/** The format a name promises (`x.jsonl.gz` is lines); others are told by their content. */
export function formatOf(source: InputSource): Format {
  if (source.kind === 'stdin') return 'sniff';
  const name = basename(source.path).replace(/\.gz$/i, '');
  if (/\.jsonl$/i.test(name)) return 'lines';
  if (/\.json$/i.test(name)) return 'document';
  return 'sniff';
}

/** Decides lines or a document from the first line of a file whose name does not say. */
function sniff(firstLine: string): Format | undefined {
  const text = firstLine.trimStart();
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return 'lines';
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    // A single-line invocation record is JSON Lines; a single-line Lambda event is a document.
    return shapeOf(value)?.name === 'record' ? 'lines' : 'document';
  } catch {
    return 'document';
  }
}

/** Reads one source into batches, calling `onBatch` for each (and waiting for it) as they form. */
export async function readSource(
  source: InputSource,
  onBatch: (batch: ReplayBatch) => Promise<void>,
  progress: SourceProgress,
  batching: LineBatchingOptions = {},
): Promise<void> {
  const raw: Readable =
    source.kind === 'stdin' ? process.stdin : createReadStream(source.path, { highWaterMark: CHUNK_BYTES });
  await readBytes(
    raw as AsyncIterable<Buffer>,
    sourceName(source),
    formatOf(source),
    onBatch,
    progress,
    batching,
  );
}

/**
 * Reads raw bytes (gzipped or not) of one input into batches: the part of {@link readSource} that
 * does not care where the bytes come from, so the fuzz campaign can cut them anywhere.
 * @param format what the input's name promises, or `sniff` to tell by its content
 */
export async function readBytes(
  raw: AsyncIterable<Buffer>,
  name: string,
  format: Format,
  onBatch: (batch: ReplayBatch) => Promise<void>,
  progress: SourceProgress,
  batching: LineBatchingOptions = {},
): Promise<void> {
  const queue: ReplayBatch[] = [];
  const emit = (batch: ReplayBatch) => {
    progress.batches++;
    queue.push(batch);
  };
  const lines = new LineBatcher(name, emit, batching);
  const reader = createReader(
    format,
    name,
    name === '(stdin)' ? 'stdin' : basename(name),
    lines,
    emit,
    progress,
  );
  const drain = async () => {
    while (queue.length > 0) await onBatch(queue.shift() as ReplayBatch);
  };
  const state: TextState = { gzip: false, utf16: false, bom: 0 };
  let atEnd = false;
  try {
    for await (const bytes of utf8Of(bytesOf(raw, progress, state), state)) {
      reader.push(bytes);
      await drain();
    }
    atEnd = true;
    reader.end();
  } catch (error) {
    if (!isDamage(error, progress)) throw error;
    // Every complete event before the damage is replayed: the batch being filled is not dropped.
    reader.salvage();
    lines.flush();
    await drain();
    const where = reader.cutLast() ?? reader.unreplayed();
    throw new InputDamageError(damageOf(name, error as Error, progress, state, where, atEnd));
  }
  lines.flush();
  await drain();
  const cut = reader.cutLast();
  if (cut) {
    const problem = new InputShapeError('ends inside a line (an incomplete log event)', true);
    progress.damage = damageOf(name, problem, progress, state, cut, true);
  }
}

/** Whether a reading error stops a source that had started as input (not a wrong kind of file). */
function isDamage(error: unknown, progress: SourceProgress): boolean {
  if (error instanceof InputShapeError) return error.damaged;
  // A read that fails once bytes have come (EIO, a pipe that breaks) stops the input part-way.
  const errno = error as NodeJS.ErrnoException;
  return typeof errno?.code === 'string' && typeof errno.syscall === 'string' && progress.bytesRead > 0;
}

/** Where and how a source stopped, and what of it was not replayed. */
function damageOf(
  name: string,
  error: Error,
  progress: SourceProgress,
  state: TextState,
  where: { from: number; read: number; handed?: boolean },
  atEnd: boolean,
): DamagedInput {
  const code = (error as NodeJS.ErrnoException).code;
  const problem = error instanceof InputShapeError ? error.message : `cannot read (${code})`;
  // A truncation is found where the input ends: everything read after `offset` is what is lost.
  // Elsewhere (a syntax error, a corrupt gzip, a failed read) reading stopped there.
  const cutGzip = problem === 'not a valid gzip file (truncated)';
  const truncated = atEnd || cutGzip;
  const { from, read } = where;
  const lostBytes = read - from;
  const documents = progress.documents ?? 0;
  const missingEnd = cutGzip ? ', and whatever the missing end of the file held' : '';
  return {
    path: name,
    problem,
    offset: state.bom + from,
    offsetIn: state.gzip ? 'decompressed' : state.utf16 ? 'utf-8 transcoding' : 'file',
    // A cut last line was handed over too, as a record the function rejects: it is not complete.
    replayedLogEvents: progress.events - documents - (where.handed ? 1 : 0),
    replayedDocuments: documents,
    lost: truncated
      ? where.handed
        ? `the incomplete last line (${plural(lostBytes, 'byte')}), read as one record the function rejects${missingEnd}`
        : lostBytes > 0
          ? `the incomplete last ${plural(lostBytes, 'byte')}${missingEnd}`
          : 'whatever the missing end of the input held'
      : `everything from byte ${state.bom + from} on`,
    lostBytes: truncated ? lostBytes : null,
  };
}

/**
 * Hands every batch under `paths` to `onBatch`, one at a time, in input order: the simulator's
 * path, which keeps only what the batches wrote. Unlike replay it stops at the first input it
 * cannot read, and a damaged input throws once read (the simulator then evaluates nothing).
 * @throws ReplayInputError naming the path and what is wrong with it.
 */
export async function streamBatches(
  paths: readonly string[],
  batching: LineBatchingOptions,
  onBatch: (batch: ReplayBatch) => Promise<void>,
): Promise<void> {
  const { sources, skipped } = scanInputs(paths);
  const missing = skipped.find((s) => s.reason.startsWith(CANNOT_READ));
  if (missing) {
    throw new ReplayInputError(`cannot read ${missing.path}: ${missing.reason.slice(CANNOT_READ.length)}`);
  }
  for (const source of sources) {
    const progress: SourceProgress = { events: 0, batches: 0, unreadableElements: 0, bytesRead: 0 };
    try {
      await readSource(source, onBatch, progress, batching);
      if (progress.damage) throw new InputDamageError(progress.damage);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The simulator needs every record of a window: it evaluates nothing from a damaged input.
      if (error instanceof InputDamageError)
        throw new ReplayInputError(`${error.message}; nothing is evaluated from a damaged input`);
      if (error instanceof InputShapeError)
        throw new ReplayInputError(`${sourceName(source)}: ${error.message}`);
      if (code) throw new ReplayInputError(`cannot read ${sourceName(source)}: ${code}`);
      throw error;
    }
  }
}

/** Reads UTF-8 bytes pushed in chunks. */
interface ByteReader {
  push(bytes: Buffer): void;
  end(): void;
  /**
   * Of the bytes pushed so far (`read`), the offset of the first one not handed over inside a
   * complete log event or document (`from`): where a source that stops lost what it lost.
   */
  unreplayed(): { from: number; read: number };
  /** The input stopped: hand over what is left of the last line, whole or not (the function rejects a cut one). */
  salvage(): void;
  /** Where the last line was cut short, when it was (handed over all the same). */
  cutLast(): { from: number; read: number; handed: true } | undefined;
}

function createReader(
  format: Format,
  name: string,
  shortName: string,
  lines: LineBatcher,
  emit: (batch: ReplayBatch) => void,
  progress: SourceProgress,
): ByteReader {
  if (format === 'lines') return lineReader(shortName, lines, progress);
  if (format === 'document') return documentReader(name, lines, emit, progress);
  // Neither name nor extension says: keep the bytes up to the first line break, then decide.
  let head = Buffer.alloc(0);
  let chosen: ByteReader | undefined;
  const choose = (firstLine: string) => {
    const found = sniff(firstLine);
    if (found === undefined) {
      throw new InputShapeError(
        'neither JSON Lines, CloudWatch Logs export lines (<ISO-time> <message>) nor a JSON document',
      );
    }
    return found === 'lines'
      ? lineReader(shortName, lines, progress)
      : documentReader(name, lines, emit, progress);
  };
  const firstLineOf = (bytes: Buffer) => {
    const text = bytes.toString('utf8').trimStart();
    const newline = text.indexOf('\n');
    return newline === -1 ? undefined : text.slice(0, newline);
  };
  return {
    push(bytes) {
      if (chosen) {
        chosen.push(bytes);
        return;
      }
      head = Buffer.concat([head, bytes]);
      const firstLine = firstLineOf(head);
      if (firstLine === undefined && head.length < CHUNK_BYTES) return;
      chosen = choose(firstLine ?? head.toString('utf8').trimStart());
      chosen.push(head);
      head = Buffer.alloc(0);
    },
    end() {
      if (!chosen && head.toString('utf8').trim() !== '') {
        chosen = choose(head.toString('utf8').trimStart());
        chosen.push(head);
      }
      chosen?.end();
    },
    unreplayed: () => chosen?.unreplayed() ?? { from: 0, read: head.length },
    salvage: () => chosen?.salvage(),
    cutLast: () => chosen?.cutLast(),
  };
}

function lineReader(shortName: string, lines: LineBatcher, progress: SourceProgress): ByteReader {
  const splitter = new LineSplitter((line, lineNumber, bytes) => {
    const { message, timestamp } = messageOfLine(line);
    progress.events++;
    // The line number is the log-event id: a rejection logged at WARN says where to look. An
    // export line's time prefix is ASCII, so the message's size is the line's less its length.
    lines.push(message, `${shortName}:${lineNumber}`, timestamp, bytes - (line.length - message.length));
  });
  let read = 0;
  let cut: { from: number; read: number; handed: true } | undefined;
  // The last line, without its line break, is handed over as every line is (a bad one is a counted
  // rejection, as in Lambda). One that starts a JSON object and does not parse is where a download
  // stopped (no prefix of a JSON object parses): noted as damage. After a read that failed, any
  // last line but a whole JSON object is.
  const takeLast = (stopped: boolean) => {
    const last = splitter.pending;
    const text = last?.toString('utf8').trim();
    if (last && text && (isCutRecord(text) || (stopped && !isWholeRecord(text)))) {
      cut = { from: read - last.length, read, handed: true };
    }
    splitter.end();
  };
  return {
    push(bytes) {
      read += bytes.length;
      splitter.push(bytes);
    },
    end: () => takeLast(false),
    unreplayed: () => ({ from: read - (splitter.pending?.length ?? 0), read }),
    salvage: () => takeLast(true),
    cutLast: () => cut,
  };
}

/** Whether the text of a last, unterminated line is a whole JSON object (its break is all it lacks). */
function isWholeRecord(line: string): boolean {
  return messageOfLine(line).message.startsWith('{') && !isCutRecord(line);
}

/** Whether the text of a last, unterminated line is a JSON object cut short. */
function isCutRecord(line: string): boolean {
  const { message } = messageOfLine(line.trim());
  if (!message.startsWith('{')) return false;
  try {
    JSON.parse(message);
    return false;
  } catch {
    return true;
  }
}

function documentReader(
  name: string,
  lines: LineBatcher,
  emit: (batch: ReplayBatch) => void,
  progress: SourceProgress,
): ByteReader {
  let elements = 0;
  let events = 0;
  const out: DocumentOutput = {
    batch(where, event) {
      progress.events++;
      progress.documents = (progress.documents ?? 0) + 1;
      emit({ source: where, event });
    },
    record(where, message) {
      progress.events++;
      lines.push(message, where);
    },
    cliEvent(value) {
      const { message, id, timestamp } = cliEventOf(value, events++);
      progress.events++;
      lines.push(message, id, timestamp);
    },
  };
  const take = (value: unknown, where: string) => {
    const shape = shapeOf(value);
    if (shape) {
      shape.read(value as Record<string, unknown>, where, out);
      return;
    }
    progress.unreadableElements++;
    progress.firstUnreadable ??= where;
  };
  const stream = new JsonDocumentStream({
    element(value, from) {
      if (from === 'events') out.cliEvent(value);
      else take(value, `${name}[${elements++}]`);
    },
    object(members, streamedEvents) {
      if (!streamedEvents) take(members, name);
    },
  });
  // The text is cut at whole characters here (not by a streaming TextDecoder), so the bytes the
  // stream has been given are known exactly and a damaged input's offset is one.
  let carry: Buffer | undefined;
  let given = 0;
  return {
    push(chunk) {
      const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
      const whole = wholeCharacters(bytes);
      carry = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : undefined;
      given += whole;
      stream.push(bytes.toString('utf8', 0, whole));
    },
    end() {
      if (carry) {
        // A character cut at the very end: JSON.parse would refuse it where it stands.
        given += carry.length;
        stream.push(carry.toString('utf8'));
        carry = undefined;
      }
      // An empty file holds no log events, as an empty .jsonl does: nothing to read, nothing lost.
      if (stream.blank) return;
      stream.end();
      if (progress.events === 0 && progress.unreadableElements > 0) {
        throw new InputShapeError(`not ${DOCUMENT_SHAPES_DESCRIBED}`);
      }
    },
    unreplayed: () => ({ from: stream.unreplayedFromByte, read: given + (carry?.length ?? 0) }),
    // Every element is handed over as soon as it ends; an unfinished one is not whole.
    salvage: () => undefined,
    cutLast: () => undefined,
  };
}

/** How many leading bytes of UTF-8 `bytes` are whole characters (a multi-byte one may be cut at the end). */
function wholeCharacters(bytes: Buffer): number {
  const n = bytes.length;
  // Look back over at most three continuation bytes (10xxxxxx) for the last lead byte.
  for (let back = 1; back <= Math.min(4, n); back++) {
    const b = bytes[n - back] as number;
    if ((b & 0xc0) === 0x80) continue;
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return size > back ? n - back : n;
  }
  return n;
}

/** What {@link readSources} read: how many sources were input, and which of them stopped part-way. */
export interface SourcesRead {
  /** Sources that were input (damaged ones included); 0 means nothing could be read. */
  readable: number;
  damaged: DamagedInput[];
}

/**
 * Reads every source into `runBatch`, one batch at a time. A source that is not input (a wrong
 * shape) is reported and skipped; one that stops part-way (truncated, a broken gzip) is reported
 * as damaged after every complete event before the damage was handed over; the rest are read.
 */
export async function readSources(
  sources: readonly InputSource[],
  runBatch: (batch: ReplayBatch) => Promise<void>,
  warn: (message: string) => void,
  onProgress?: (progress: { batches: number; events: number; bytesRead: number }) => void,
): Promise<SourcesRead> {
  const totals = { batches: 0, events: 0, bytesRead: 0 };
  const damaged: DamagedInput[] = [];
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
      if (progress.damage) {
        damaged.push(progress.damage);
        warn(describeDamage(progress.damage));
      }
      if (progress.unreadableElements > 0) {
        warn(
          `${sourceName(source)}: skipped ${progress.unreadableElements} element(s) that are not replayable input (the first: ${progress.firstUnreadable})`,
        );
      }
    } catch (error) {
      if (error instanceof InputDamageError) {
        damaged.push(error.damage);
        warn(error.message);
        readable++;
      } else {
        warn(unreadable(source, progress, error));
        if (progress.events > 0) readable++;
      }
    }
    totals.batches += progress.batches;
    totals.events += progress.events;
    totals.bytesRead += progress.bytesRead;
  }
  return { readable, damaged };
}

/** The warning for a source that is not input (nothing of it was replayed). */
function unreadable(source: InputSource, progress: SourceProgress, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const what = code ? `cannot read (${code})` : (error as Error).message;
  const before =
    progress.events > 0 ? ` (the ${progress.events} log event(s) before it were replayed)` : ' (skipped)';
  return `${sourceName(source)}: ${what}${before}`;
}
