/**
 * Builds the largest realistic batch a subscription delivers: 10,000 log events from the sample
 * set (unique requestIds, bodies with varied text) tuned to just under 1 MB compressed.
 * Deterministic, so measurements repeat.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BEDROCK_LOG_GROUP, BEDROCK_LOG_STREAM } from '../../shared/contract/bedrock-logs';

const SAMPLE = join(import.meta.dirname, '..', '..', 'events', 'sample-set', 'traffic-2025-10-20.jsonl');
const WORDS =
  'the of and to in is for on that with as by this from at be it are or an was but not have can all your more will one about if has which when there so up out what some would into time only them may new other use first any these than our then its also make like back after most over know'.split(
    ' ',
  );

/** The invocation records of the bundled sample set (its junk lines and other schemas left out). */
export function sampleInvocationRecords(): Record<string, unknown>[] {
  return readFileSync(SAMPLE, 'utf8')
    .split('\n')
    .flatMap((l) => {
      try {
        const r = JSON.parse(l) as Record<string, unknown>;
        return r.schemaType === 'ModelInvocationLog' ? [r] : [];
      } catch {
        return []; // the sample set's junk lines
      }
    });
}

export interface LargeBatch {
  event: { awslogs: { data: string } };
  events: number;
  compressedBytes: number;
  decompressedBytes: number;
}

/** xorshift32: a tiny deterministic generator for filler text. */
function words(seed: number, count: number): string {
  let x = seed || 1;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push(WORDS[(x >>> 0) % WORDS.length] as string);
  }
  return out.join(' ');
}

function build(events: number, fillerWords: number, shiftMs: number): LargeBatch {
  const records = sampleInvocationRecords();
  const logEvents = Array.from({ length: events }, (_, i) => {
    const record = structuredClone(records[i % records.length]) as Record<string, unknown>;
    record.requestId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    if (shiftMs !== 0)
      record.timestamp = new Date(Date.parse(String(record.timestamp)) + shiftMs)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
    const output = record.output as Record<string, unknown> | undefined;
    if (output?.outputBodyJson && typeof output.outputBodyJson === 'object') {
      (output.outputBodyJson as Record<string, unknown>).filler = words(i + 1, fillerWords);
    }
    return {
      id: String(i),
      timestamp: Date.parse(String(record.timestamp)),
      message: JSON.stringify(record),
    };
  });
  const text = JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: BEDROCK_LOG_GROUP,
    logStream: BEDROCK_LOG_STREAM,
    subscriptionFilters: ['bench'],
    logEvents,
  });
  const data = gzipSync(Buffer.from(text)).toString('base64');
  return {
    event: { awslogs: { data } },
    events,
    compressedBytes: Math.floor((data.length * 3) / 4),
    decompressedBytes: Buffer.byteLength(text),
  };
}

/** The sample set's newest record time; `nowMs` moves the batch so that its newest record is then. */
const SAMPLE_NEWEST = Date.parse('2025-10-20T10:29:56Z');

/** The 10,000-event batch closest to (and under) `limit` compressed bytes. */
export function buildLargeBatch(events = 10_000, limit = 1_000_000, nowMs?: number): LargeBatch {
  const shift = nowMs === undefined ? 0 : nowMs - SAMPLE_NEWEST;
  let low = 0;
  let high = 200;
  let best = build(events, 0, shift);
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const batch = build(events, mid, shift);
    if (batch.compressedBytes <= limit) {
      best = batch;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return best;
}

/** One Kinesis record as Lambda delivers it from the stack's stream. */
export function kinesisRecord(data: string, index: number, nowMs: number) {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: `partition-${index}`,
      sequenceNumber: String(49_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n + BigInt(index)),
      data,
      approximateArrivalTimestamp: nowMs / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${index}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/bedrock-watch-ingest',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/bedrock-watch-dev-invocation-logs',
  };
}
