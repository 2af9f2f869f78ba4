/**
 * Kinesis mode in the bench: batches shaped as the stack's event source mapping delivers them,
 * every record one gzipped CloudWatch Logs subscription payload (what a subscription filter writes
 * to a stream; Lambda hands the data over base64-encoded), timed through the real ingest handler.
 */
import { gzipSync } from 'node:zlib';
import { localLambdaContext } from '../../cli/common/lambda-context';
import { buildStack } from '../../deploy/stack/index';
import type { IngestSummary } from '../../functions/ingest/ingest';
import { BEDROCK_LOG_GROUP, BEDROCK_LOG_STREAM } from '../../shared/contract/bedrock-logs';
import { parseStackParameters, type StackParameters } from '../../shared/monitoring/parameters';
import { benchHandler } from './bench-handler';
import { kinesisRecord, sampleInvocationRecords } from './large-batch';

/** What the stack configures for Kinesis mode, read from the template the deploy builds. */
export interface KinesisSettings {
  shards: number;
  batchSize: number;
  batchingWindowSeconds: number;
  /** Absent from the template means Lambda's default, 1 (services-kinesis-parameters). */
  parallelizationFactor: number;
  memoryMb: number;
}

export function kinesisSettings(
  params: StackParameters = parseStackParameters({ ingestMode: 'kinesis' }),
): KinesisSettings {
  const stack = buildStack(params, {
    service: 'bedrock-watch',
    stage: 'bench',
  });
  const stream = stack.Resources.IngestStream?.Properties ?? {};
  const mapping = stack.Resources.IngestStreamMapping?.Properties ?? {};
  const number = (value: unknown, fallback?: number): number => {
    if (typeof value === 'number') return value;
    if (fallback !== undefined) return fallback;
    throw new Error(`the Kinesis stack has no number where the bench expects one (${String(value)})`);
  };
  return {
    shards: number(stream.ShardCount),
    batchSize: number(mapping.BatchSize),
    batchingWindowSeconds: number(mapping.MaximumBatchingWindowInSeconds, 0),
    parallelizationFactor: number(mapping.ParallelizationFactor, 1),
    memoryMb: stack.ingestMemorySize,
  };
}

/** A batch as the event source mapping delivers it, with its sizes. */
export interface KinesisBenchBatch {
  event: { Records: unknown[] };
  records: number;
  eventsPerRecord: number;
  events: number;
  /** The invocation payload's JSON size (Lambda's 6 MB limit applies to it). */
  eventBytes: number;
  /** Each record's data as Kinesis stores it (gzip, before Lambda's base64): what a shard's 1 MB/s counts. */
  compressedBytes: number;
  /** The invocation records' own JSON lines, before CloudWatch Logs wraps and compresses them. */
  messageBytes: number;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * `records` Kinesis records of `eventsPerRecord` sample-set invocation records each, every call its
 * own requestId (a batch is deduplicated as a whole), moved in time so the newest is at `nowMs`.
 * Deterministic for a given clock.
 */
export function buildKinesisBatch(
  records: number,
  eventsPerRecord: number,
  nowMs: number,
): KinesisBenchBatch {
  const samples = sampleInvocationRecords();
  const newest = Math.max(...samples.map((r) => Date.parse(String(r.timestamp))));
  const shift = nowMs - newest;
  const out: unknown[] = [];
  let compressedBytes = 0;
  let messageBytes = 0;
  for (let r = 0; r < records; r++) {
    const logEvents = Array.from({ length: eventsPerRecord }, (_, j) => {
      const n = r * eventsPerRecord + j;
      const record = structuredClone(samples[n % samples.length]) as Record<string, unknown>;
      record.requestId = `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
      const at = Date.parse(String(record.timestamp)) + shift;
      record.timestamp = isoSeconds(at);
      const message = JSON.stringify(record);
      messageBytes += Buffer.byteLength(message);
      return { id: `${r}-${j}`, timestamp: at, message };
    });
    const compressed = gzipSync(
      Buffer.from(
        JSON.stringify({
          messageType: 'DATA_MESSAGE',
          owner: '123456789012',
          logGroup: BEDROCK_LOG_GROUP,
          logStream: BEDROCK_LOG_STREAM,
          subscriptionFilters: ['bedrock-watch-bench-invocations'],
          logEvents,
        }),
      ),
    );
    compressedBytes += compressed.length;
    out.push(kinesisRecord(compressed.toString('base64'), r, nowMs));
  }
  const event = { Records: out };
  return {
    event,
    records,
    eventsPerRecord,
    events: records * eventsPerRecord,
    eventBytes: Buffer.byteLength(JSON.stringify(event)),
    compressedBytes,
    messageBytes,
  };
}

/** The two batch shapes measured, both at the stack's BatchSize. */
export const KINESIS_SHAPES = {
  /** Many calls per record: what CloudWatch Logs writes when it batches (the usual case at volume). */
  batched: 100,
  /** One call per record: the most records, bytes per call and per-record work for the same calls. */
  single: 1,
} as const;
export type KinesisShape = keyof typeof KINESIS_SHAPES;

export interface KinesisShapeResult {
  records: number;
  eventsPerRecord: number;
  events: number;
  /** The sample set's deliberately bad records are rejected, as they would be in production. */
  accepted: number;
  rejected: number;
  eventBytes: number;
  compressedBytesPerRecord: number;
  compressedBytesPerCall: number;
  messageBytesPerCall: number;
  /** Wall time of one batch through the handler, per round after two warm-up rounds. */
  msPerBatch: { rounds: number; min: number; median: number; max: number };
  logEventsPerSecond: number;
  kinesisRecordsPerSecond: number;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

async function timeShape(
  batch: KinesisBenchBatch,
  nowMs: number,
  rounds: number,
): Promise<KinesisShapeResult> {
  const handler = benchHandler(nowMs);
  const context = localLambdaContext('bench-kinesis', 'bench');
  const samples: number[] = [];
  let summary: IngestSummary | undefined;
  for (let i = -2; i < rounds; i++) {
    const t = performance.now();
    summary = await handler(batch.event, context);
    const ms = performance.now() - t;
    if (i >= 0) samples.push(ms);
  }
  const { received = 0, accepted = 0, duplicates = 0, rejected = 0 } = summary ?? {};
  // Every event read and accounted for, or the figures below are not about this batch.
  if (received !== batch.events || accepted + duplicates + rejected !== received) {
    throw new Error(`the handler counted ${received} of ${batch.events} events in the Kinesis batch`);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] as number;
  return {
    records: batch.records,
    eventsPerRecord: batch.eventsPerRecord,
    events: batch.events,
    accepted,
    rejected,
    eventBytes: batch.eventBytes,
    compressedBytesPerRecord: Math.round(batch.compressedBytes / batch.records),
    compressedBytesPerCall: round(batch.compressedBytes / batch.events, 1),
    messageBytesPerCall: round(batch.messageBytes / batch.events, 1),
    msPerBatch: {
      rounds,
      min: round(samples[0] as number, 2),
      median: round(median, 2),
      max: round(samples[samples.length - 1] as number, 2),
    },
    logEventsPerSecond: Math.round(batch.events / (median / 1000)),
    kinesisRecordsPerSecond: Math.round(batch.records / (median / 1000)),
  };
}

export interface KinesisMeasurement {
  settings: KinesisSettings;
  shapes: Record<KinesisShape, KinesisShapeResult>;
}

/** Both shapes at the stack's BatchSize, `rounds` timed rounds each (medians). */
export async function measureKinesis(rounds: number, nowMs: number): Promise<KinesisMeasurement> {
  const settings = kinesisSettings();
  const shapes = {} as Record<KinesisShape, KinesisShapeResult>;
  for (const [shape, eventsPerRecord] of Object.entries(KINESIS_SHAPES) as [KinesisShape, number][]) {
    shapes[shape] = await timeShape(
      buildKinesisBatch(settings.batchSize, eventsPerRecord, nowMs),
      nowMs,
      rounds,
    );
  }
  return { settings, shapes };
}
