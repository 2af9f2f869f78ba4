/**
 * Issue 26: a truncated or corrupt input never loses complete events silently. Every complete log
 * event before the damage is handed over (and replayed), the damage is reported with the file, the
 * byte offset and what was lost, and replay and advise exit 1.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodedInput, ReplayBatch } from '../cli/input/shapes';
import {
  type DamagedInput,
  formatOf,
  InputDamageError,
  readBytes,
  type SourceProgress,
  streamBatches,
} from '../cli/input/sources';
import { formatSummary } from '../cli/replay/report';
import { runReplay } from '../cli/replay/run';
import { EVENTS_DIR, line, makeRecord, T0 } from './support/helpers';

const TRUNCATED = join(EVENTS_DIR, 'truncated');
const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** 520 records: more than one batch of 500, some with text that is not ASCII (offsets are bytes). */
const RECORDS = Array.from({ length: 520 }, (_, i) =>
  line({
    ...makeRecord({ time: T0 + i * 1000, ...(i % 50 === 7 ? { errorCode: 'ThrottlingException' } : {}) }),
    ...(i % 3 === 0 ? { note: 'héllo ✓ 🎉' } : {}),
  }),
);

interface Encoded {
  name: string;
  /** The file's bytes. */
  bytes: Buffer;
  /** For each log event, the byte offset (in the text) where it starts and just after it ends. */
  spans: { start: number; end: number }[];
  /** The byte offset of the text where the document's streamed elements begin (documents only). */
  elementsFrom: number;
  gzip: boolean;
}

/** Concatenates text pieces, recording the byte span of each log event. */
function build(parts: (string | { event: string })[]): { text: string; spans: Encoded['spans'] } {
  let text = '';
  let bytes = 0;
  const spans: Encoded['spans'] = [];
  for (const part of parts) {
    const piece = typeof part === 'string' ? part : part.event;
    const size = Buffer.byteLength(piece);
    if (typeof part !== 'string') spans.push({ start: bytes, end: bytes + size });
    text += piece;
    bytes += size;
  }
  return { text, spans };
}

const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`);

/** `aws logs filter-log-events` output as the AWS CLI prints it (4 spaces), with a trailing member. */
function cliDocument(n: number): { text: string; spans: Encoded['spans']; elementsFrom: number } {
  const head = '{\n    "events": [\n';
  const events = RECORDS.slice(0, n).map((message, i) =>
    indent(
      JSON.stringify(
        { logStreamName: 's', timestamp: T0 + i, message, ingestionTime: T0 + i + 500, eventId: `e${i}` },
        null,
        4,
      ),
      '        ',
    ),
  );
  const parts: (string | { event: string })[] = [head];
  events.forEach((event, i) => {
    parts.push(`${i > 0 ? ',\n' : ''}        `, { event });
  });
  parts.push('\n    ],\n    "searchedLogStreams": []\n}');
  return { ...build(parts), elementsFrom: Buffer.byteLength(head) };
}

/** A JSON array of invocation records, as a script dumping them might write. */
function recordArray(n: number): { text: string; spans: Encoded['spans']; elementsFrom: number } {
  const parts: (string | { event: string })[] = ['['];
  RECORDS.slice(0, n).forEach((event, i) => {
    parts.push(i > 0 ? ',\n ' : '', { event });
  });
  parts.push(']');
  return { ...build(parts), elementsFrom: 1 };
}

/** JSON Lines, or CloudWatch Logs export-to-S3 lines (`<time> <message>`). */
function jsonLines(n: number, exportLines: boolean): { text: string; spans: Encoded['spans'] } {
  return build(
    RECORDS.slice(0, n).flatMap((record, i) => [
      { event: exportLines ? `${new Date(T0 + i).toISOString()} ${record}` : record },
      '\n',
    ]),
  );
}

const FORMATS = {
  'filter-log-events .json': (n: number) => ({ name: 'x.json', ...cliDocument(n), gzip: false }),
  'records .json array': (n: number) => ({ name: 'x.json', ...recordArray(n), gzip: false }),
  '.jsonl': (n: number) => ({ name: 'x.jsonl', ...jsonLines(n, false), elementsFrom: 0, gzip: false }),
  'export lines .gz': (n: number) => ({
    name: '000000.gz',
    ...jsonLines(n, true),
    elementsFrom: 0,
    gzip: true,
  }),
  'filter-log-events .json.gz': (n: number) => ({ name: 'x.json.gz', ...cliDocument(n), gzip: true }),
} satisfies Record<string, (n: number) => Omit<Encoded, 'bytes'> & { text: string }>;
type FormatName = keyof typeof FORMATS;

function encode(format: FormatName, n: number): Encoded {
  const { text, ...rest } = FORMATS[format](n);
  return { ...rest, bytes: rest.gzip ? gzipSync(text) : Buffer.from(text) };
}

/** Reads bytes as a file of that name, in chunks of `chunk` bytes; what was handed over, and the damage. */
async function read(name: string, bytes: Buffer, chunk: number) {
  const events: string[] = [];
  const progress: SourceProgress = { events: 0, batches: 0, unreadableElements: 0, bytesRead: 0 };
  let damage: DamagedInput | undefined;
  try {
    await readBytes(
      (async function* () {
        for (let i = 0; i < bytes.length; i += chunk)
          yield await Promise.resolve(bytes.subarray(i, i + chunk));
      })(),
      name,
      formatOf({ kind: 'file', path: name }),
      (batch: ReplayBatch) => {
        const payload = (batch.event as DecodedInput).value as { logEvents: { id: string }[] };
        for (const e of payload.logEvents) events.push(e.id);
        return Promise.resolve();
      },
      progress,
    );
  } catch (error) {
    if (!(error instanceof InputDamageError)) throw error;
    damage = error.damage;
  }
  return { handedOver: events.length, progress, damage: damage ?? progress.damage };
}

/** The text a reader can get out of a file cut after `cut` bytes: all of it, or what gunzip recovers. */
function recoverable(encoded: Encoded, cut: number): number {
  const part = encoded.bytes.subarray(0, cut);
  return encoded.gzip ? gunzipSync(part, { finishFlush: constants.Z_SYNC_FLUSH }).length : part.length;
}

describe('a cut input (property: every complete log event before the cut is handed over)', () => {
  for (const format of Object.keys(FORMATS) as FormatName[]) {
    it(`${format}: hands over every complete event before the cut and reports where the rest was lost`, async () => {
      const encoded = encode(format, RECORDS.length);
      const lines = !format.includes('json') || format.endsWith('.jsonl') || format.startsWith('export');
      await fc.assert(
        fc.asyncProperty(
          // Cut anywhere (a gzip at least two bytes in, so it is still told by its magic bytes).
          fc.integer({ min: encoded.gzip ? 2 : 1, max: encoded.bytes.length - 1 }),
          fc.integer({ min: 1, max: 70_000 }),
          async (cut, chunk) => {
            const textBytes = recoverable(encoded, cut);
            const complete = encoded.spans.filter((s) => s.end <= textBytes).length;
            // A JSON line whose break is missing is still whole: a prefix of a JSON object never parses.
            const cutLine = encoded.spans.find((s) => s.start < textBytes && s.end > textBytes);

            const { handedOver, progress, damage } = await read(
              encoded.name,
              encoded.bytes.subarray(0, cut),
              chunk,
            );

            // Lines hand over a cut last line too, as a record the function rejects (and say so).
            // (Unless it is the first line of a file told by its content: its format is not known.)
            const sniffed = encoded.name === '000000.gz' && complete === 0;
            const cutHanded = lines && cutLine && !sniffed ? 1 : 0;
            expect(handedOver).toBe(complete + cutHanded);
            expect(progress.events).toBe(complete + cutHanded);
            if (!encoded.gzip && lines && !cutLine) {
              // Plain lines cut at a line break: nothing is lost, and nothing can tell.
              expect(damage).toBeUndefined();
              return;
            }
            expect(damage).toMatchObject({
              path: encoded.name,
              offsetIn: encoded.gzip ? 'decompressed' : 'file',
              replayedLogEvents: complete,
            });
            const lastEnd = encoded.spans[complete - 1]?.end ?? 0;
            expect(damage?.offset).toBeGreaterThanOrEqual(lastEnd);
            expect(damage?.offset).toBeLessThanOrEqual(textBytes);
            if (cutLine && (lines || textBytes > encoded.elementsFrom))
              expect(damage?.offset).toBe(cutLine.start);
            expect(damage?.lostBytes).toBe(textBytes - (damage?.offset ?? 0));
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('reads a whole input of every format without reporting damage', async () => {
    for (const format of Object.keys(FORMATS) as FormatName[]) {
      const encoded = encode(format, RECORDS.length);

      const { handedOver, damage } = await read(encoded.name, encoded.bytes, 65_536);

      expect([format, handedOver, damage]).toEqual([format, RECORDS.length, undefined]);
    }
  });

  it('names the offset of corrupt JSON in the middle and says the rest was not read', async () => {
    const { text, spans } = recordArray(30);
    const at = spans[12]?.start ?? 0;
    const corrupt = `${text.slice(0, at)}{"schemaType" oops${text.slice(at + 18)}`;

    const { handedOver, damage } = await read('x.json', Buffer.from(corrupt), 1000);

    expect(handedOver).toBe(12);
    expect(damage).toMatchObject({ offset: at, replayedLogEvents: 12, lostBytes: null });
    expect(damage?.problem).toMatch(/^not valid JSON/);
    expect(damage?.lost).toBe(`everything from byte ${at} on`);
  });

  it('reports a whole Lambda event cut short as lost from its start, after the documents before it', async () => {
    const payload = (i: number) =>
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        logGroup: 'g',
        logStream: 's',
        logEvents: [{ id: `${i}`, timestamp: T0, message: RECORDS[i] }],
      });
    const whole = Buffer.from(`[${payload(0)},${payload(1)},${payload(2)}]`);
    const cut = whole.length - 40;
    // The third payload starts after "[", two payloads (in UTF-8 bytes: one has text that is not ASCII) and two commas.
    const third = 3 + Buffer.byteLength(payload(0)) + Buffer.byteLength(payload(1));

    const { damage } = await read('x.json', whole.subarray(0, cut), 64);

    expect(damage).toMatchObject({
      replayedLogEvents: 0,
      replayedDocuments: 2,
      offset: third,
      lostBytes: cut - third,
    });
  });
});

describe('replay of a damaged input (events/truncated)', () => {
  it.each([
    ['filter-log-events-cut.json', 520, 415_180, 'file', 'ends inside a JSON document'],
    ['000000-cut.gz', 694, 341_306, 'decompressed', 'not a valid gzip file (truncated)'],
    ['records-cut.jsonl', 30, 13_973, 'file', 'ends inside a line (an incomplete log event)'],
  ])(
    '%s: replays the %i complete log events before the damage and reports it',
    async (file, events, offset, offsetIn, problem) => {
      const warnings: string[] = [];
      const path = join(TRUNCATED, file);

      const { summary } = await runReplay({
        paths: [path],
        writeLog: () => undefined,
        onWarning: (m) => warnings.push(m),
      });

      // A cut last line is read as one record the function rejects; the rest are accepted.
      expect(summary.records.accepted).toBe(events);
      expect(summary.records.total).toBe(file === 'filter-log-events-cut.json' ? events : events + 1);
      expect(summary.inputs.damaged).toEqual([
        expect.objectContaining({ path, offset, offsetIn, problem, replayedLogEvents: events }),
      ]);
      expect(warnings).toEqual([expect.stringContaining(`${path}: ${problem} at byte ${offset}`)]);
      expect(warnings[0]).toContain(
        `replayed: the ${events} complete log events before it; lost: the incomplete last`,
      );
    },
  );

  it('exits 1 and names the file, the offset and what was lost in the report and in --json', async () => {
    const path = join(TRUNCATED, 'filter-log-events-cut.json');
    const cli = async (args: string[]) => {
      try {
        await promisify(execFile)(TSX, [join(ROOT, 'cli', 'main.ts'), ...args], { cwd: ROOT });
        return { code: 0, stdout: '', stderr: '' };
      } catch (error) {
        return error as { code: number; stdout: string; stderr: string };
      }
    };

    const [json, text, advise] = await Promise.all([
      cli(['replay', '--json', path]),
      cli(['replay', path]),
      cli(['advise', '--json', path]),
    ]);

    expect([json.code, text.code, advise.code]).toEqual([1, 1, 1]);
    const summary = JSON.parse(json.stdout) as {
      records: { total: number };
      inputs: { damaged: DamagedInput[] };
    };
    expect(summary.records.total).toBe(520);
    expect(summary.inputs.damaged).toMatchObject([{ path, offset: 415_180, lostBytes: 522 }]);
    expect(text.stdout).toContain(
      `DAMAGED input ${path}: ends inside a JSON document at byte 415180; replayed: the 520 complete log events before it; lost: the incomplete last 522 bytes`,
    );
    expect(advise.stderr).toContain(`${path}: ends inside a JSON document at byte 415180`);
  });

  it('says "1 batch", not "1 batches"', async () => {
    const run = await runReplay({
      paths: [join(TRUNCATED, 'records-cut.jsonl')],
      writeLog: () => undefined,
      onWarning: () => undefined,
    });

    expect(formatSummary(run.summary)).toMatch(/^Records: 31 received, 30 accepted, .* \(in 1 batch\)$/m);
  });

  it('the simulator evaluates nothing from a damaged input and says where it is damaged', async () => {
    const path = join(TRUNCATED, 'records-cut.jsonl');

    await expect(streamBatches([path], {}, async () => undefined)).rejects.toThrow(
      `${path}: ends inside a line (an incomplete log event) at byte 13973; replayed: the 30 complete log events before it`,
    );
  });

  it('reads an empty .json as an empty .jsonl: no log events, nothing damaged', async () => {
    const d = mkdtempSync(join(tmpdir(), 'bw-empty-'));
    writeFileSync(join(d, 'empty.json'), '  \n');
    writeFileSync(join(d, 'empty.jsonl'), '');

    const runs = await Promise.all(
      ['empty.json', 'empty.jsonl'].map((f) =>
        runReplay({ paths: [join(d, f)], writeLog: () => undefined, onWarning: () => undefined }),
      ),
    );

    for (const { summary } of runs) {
      expect(summary.records.total).toBe(0);
      expect(summary.inputs.damaged).toEqual([]);
    }
  });
});
