/**
 * Fuzz cases for replay's input formats: the same log events rendered as every export format users
 * have (JSON Lines with or without CRLF and a byte-order mark, CloudWatch Logs' export-to-S3 lines,
 * `filter-log-events` / `get-log-events` output, decoded payloads, Lambda and Kinesis events),
 * gzipped or not, cut into chunks anywhere, read by replay's readers and run through the real
 * handler. Each must give the figures the events give when handed over directly.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeSubscriptionEvent } from '../../../shared/ingest/1-decode';
import { messageArb, T0_FUZZ_EVENT_TIME } from './arbitraries';

export const INPUT_FORMATS = [
  'jsonl',
  'jsonl-crlf-bom',
  's3-export',
  'filter-log-events',
  'get-log-events',
  'decoded-payload',
  'lambda-event',
  'kinesis-event',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** One format case: the events, and the bytes replay reads, cut into chunks. */
export interface FormatCase {
  kind: `format:${InputFormat}${'' | '.gz'}`;
  format: InputFormat;
  /** The log events the input carries, in order. */
  messages: unknown[];
  /** The name the input has (its extension decides lines or document, or neither: sniffed). */
  name: string;
  chunks: Buffer[];
}

/** Lines cannot carry a message that is not a string, holds a line break, or is blank. */
const lineSafe = (m: unknown): m is string => typeof m === 'string' && !/[\r\n]/.test(m) && m.trim() !== '';

const iso = (ms: number) => new Date(ms).toISOString();
const cliEvents = (messages: unknown[]) =>
  messages.map((message, i) => ({
    logStreamName: 'aws/bedrock/modelinvocations',
    timestamp: T0_FUZZ_EVENT_TIME + i,
    message,
    ingestionTime: T0_FUZZ_EVENT_TIME + i + 100,
    eventId: String(i),
  }));
const payloadOf = (messages: unknown[]) => ({
  messageType: 'DATA_MESSAGE',
  owner: '123456789012',
  logGroup: '/aws/bedrock/modelinvocations',
  logStream: 'aws/bedrock/modelinvocations',
  subscriptionFilters: ['fuzz'],
  logEvents: messages.map((message, i) => ({ id: String(i), timestamp: T0_FUZZ_EVENT_TIME, message })),
});

/** The text of `messages` in `format`, and the name such a file has. */
function render(format: InputFormat, messages: unknown[]): { text: string; name: string } {
  switch (format) {
    case 'jsonl':
      return { text: `${(messages as string[]).join('\n')}\n`, name: 'traffic.jsonl' };
    case 'jsonl-crlf-bom':
      return { text: `\ufeff${(messages as string[]).join('\r\n')}`, name: 'traffic.jsonl' };
    case 's3-export':
      return {
        text: `${(messages as string[]).map((m, i) => `${iso(T0_FUZZ_EVENT_TIME + i)} ${m}`).join('\n')}\n`,
        name: '000000',
      };
    case 'filter-log-events':
      return {
        text: JSON.stringify({ events: cliEvents(messages), searchedLogStreams: [] }, null, 4),
        name: 'filter.json',
      };
    case 'get-log-events':
      return {
        text: JSON.stringify({
          events: cliEvents(messages),
          nextForwardToken: 'f/1',
          nextBackwardToken: 'b/1',
        }),
        name: 'stream',
      };
    case 'decoded-payload':
      return { text: JSON.stringify(payloadOf(messages), null, 2), name: 'payload.json' };
    case 'lambda-event':
      return { text: JSON.stringify(encodeSubscriptionEvent(payloadOf(messages))), name: 'event.json' };
    case 'kinesis-event':
      return {
        text: JSON.stringify({
          Records: [{ kinesis: { data: encodeSubscriptionEvent(payloadOf(messages)).awslogs.data } }],
        }),
        name: 'kinesis.json',
      };
  }
}

const LINE_FORMATS = new Set<InputFormat>(['jsonl', 'jsonl-crlf-bom', 's3-export']);

/** Cuts bytes at the given points (in any order, repeated or out of range). */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of [...at, bytes.length]) {
    if (p > start) chunks.push(bytes.subarray(start, p));
    start = p;
  }
  return chunks;
}

export const formatCaseArb: fc.Arbitrary<FormatCase> = fc
  .tuple(
    fc.constantFrom(...INPUT_FORMATS),
    fc.array(messageArb, { minLength: 1, maxLength: 20 }),
    fc.boolean(),
    fc.array(fc.nat(), { maxLength: 6 }),
  )
  .map(([format, all, gzip, points]) => {
    // Every message a line format can carry; JSON formats carry what JSON can (undefined becomes
    // null, NaN becomes null: what the file holds is what replay must read).
    const messages = LINE_FORMATS.has(format)
      ? all.filter(lineSafe)
      : (JSON.parse(JSON.stringify(all.map((m) => (m === undefined ? null : m)))) as unknown[]);
    const { text, name } = render(format, messages.length > 0 ? messages : ['{}']);
    const plain = Buffer.from(text, 'utf8');
    const bytes = gzip ? gzipSync(plain) : plain;
    return {
      kind: `format:${format}${gzip ? '.gz' : ''}` as FormatCase['kind'],
      format,
      messages: messages.length > 0 ? messages : ['{}'],
      name: gzip ? `${name}.gz` : name,
      chunks: cut(bytes, points),
    };
  });
