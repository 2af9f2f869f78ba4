/**
 * The Kinesis-mode capacity plan: from the bench's measured Kinesis batches, the stack's settings,
 * AWS's documented limits and list prices, what 1M, 10M and 100M calls a month need and cost on
 * the ingest path. Pure: the figures in, the plan out.
 */
import type { KinesisMeasurement } from './bench-kinesis';
import { LIST_PRICES } from './monthly-bill';

/**
 * Documented limits. Shards: docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html
 * (each shard 1 MB/s or 1,000 records/s of writes, 2 MB/s of reads shared by every standard
 * consumer). Polling once a second per shard: docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html.
 * Lambda's 6 MB invocation payload: docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html.
 */
export const KINESIS_LIMITS = {
  shardWriteBytesPerSecond: 1_000_000,
  shardWriteRecordsPerSecond: 1_000,
  shardReadBytesPerSecond: 2_000_000,
  pollIntervalSeconds: 1,
  invocationPayloadBytes: 6 * 1024 * 1024,
};

/**
 * Kinesis Data Streams list prices, us-east-1, from aws.amazon.com/kinesis/data-streams/pricing
 * (consulted 2026-12-07). The stored copy of that page gives the billing units (a PUT payload unit
 * is a record's 25 KB chunk; on-demand bills each record rounded up to 1 KB in and out, and an
 * hourly charge per stream) but its rate table did not render: the provisioned rates are as
 * published calculators quote the page, the on-demand ones are unverified. Check both.
 */
export const KINESIS_PRICES = {
  date: '2026-12-07',
  source: 'aws.amazon.com/kinesis/data-streams/pricing (us-east-1); rates to check, see docs/performance.md',
  shardHour: 0.015,
  perMillionPutPayloadUnits: 0.014,
  putPayloadUnitBytes: 25 * 1024,
  onDemandStreamHour: 0.04,
  onDemandPerGbIn: 0.08,
  onDemandPerGbOut: 0.04,
  onDemandRecordRoundingBytes: 1024,
};

export const CAPACITY_VOLUMES = [1_000_000, 10_000_000, 100_000_000] as const;
/** The daily peak the plan sizes for, as a multiple of the month's mean rate. */
export const PEAK_OVER_MEAN = 5;

export interface CapacityRow {
  callsPerMonth: number;
  meanCallsPerSecond: number;
  peakCallsPerSecond: number;
  /** At the peak, with one Kinesis record per call (see capacityPlan). */
  peakRecordsPerSecond: number;
  peakWriteBytesPerSecond: number;
  shards: number;
  /** What bounds the shard count: the larger share of a shard's write limits at the peak. */
  shardUse: { records: number; bytes: number };
  /** The gzip bytes a call may reach before these shards' write limit binds at the peak: where kinesisShards must grow. */
  bytesPerCallAtShardLimit: number;
  concurrency: number;
  memoryMb: number;
  /** Records per batch at the peak, and how long the mapping waits to fill it. */
  peakBatchRecords: number;
  peakBatchWaitSeconds: number;
  /** The measured handler time for that batch. */
  peakBatchMs: number;
  /** Worst delivery lag the mapping adds at the peak: a poll, the wait, the handler. */
  peakLagSeconds: number;
  /** The shard's processing capacity (records/s one invocation at a time sustains) over its peak. */
  processingHeadroom: number;
  invocationsPerMonth: number;
  costUsd: {
    provisioned: { shardHours: number; putPayloadUnits: number; lambda: number; total: number };
    onDemand: { streamHours: number; dataIn: number; dataOut: number; lambda: number; total: number };
  };
}

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * The plan, sized for the worst case the measurement covers: CloudWatch Logs packs as many events
 * as it has into each record it writes, so one call per record is the most records, PUT payload
 * units, bytes per call (gzip gains little on one event) and invocations the same calls can cause.
 * The per-record time and size come from the bench's `single` shape; the batched shape shows what
 * packing saves.
 */
export function capacityPlan(m: KinesisMeasurement): CapacityRow[] {
  const { settings } = m;
  const single = m.shapes.single;
  const bytesPerRecord = single.compressedBytesPerRecord;
  const msPerRecord = single.msPerBatch.median / single.records;
  const secondsPerMonth = LIST_PRICES.hoursPerMonth * 3600;
  const memoryGb = settings.memoryMb / 1024;
  return CAPACITY_VOLUMES.map((callsPerMonth) => {
    const mean = callsPerMonth / secondsPerMonth;
    const peak = mean * PEAK_OVER_MEAN;
    const peakBytes = peak * bytesPerRecord;
    const shardUse = {
      records: peak / KINESIS_LIMITS.shardWriteRecordsPerSecond,
      bytes: Math.max(
        peakBytes / KINESIS_LIMITS.shardWriteBytesPerSecond,
        peakBytes / KINESIS_LIMITS.shardReadBytesPerSecond,
      ),
    };
    const shards = Math.max(settings.shards, Math.ceil(Math.max(shardUse.records, shardUse.bytes)));
    const perShardPeak = peak / shards;
    const peakBatchRecords = Math.max(
      1,
      Math.min(settings.batchSize, Math.round(perShardPeak * settings.batchingWindowSeconds)),
    );
    const peakBatchWaitSeconds = Math.min(settings.batchingWindowSeconds, settings.batchSize / perShardPeak);
    const peakBatchMs = peakBatchRecords * msPerRecord;
    // One batch at a time per shard and parallelization factor: records per second it sustains.
    const capacity =
      (settings.parallelizationFactor * settings.batchSize) / ((settings.batchSize * msPerRecord) / 1000);
    const perShardMean = mean / shards;
    const recordsPerInvocation = Math.max(
      1,
      Math.min(settings.batchSize, perShardMean * settings.batchingWindowSeconds),
    );
    const invocationsPerMonth = Math.round(callsPerMonth / recordsPerInvocation);
    const lambda =
      (invocationsPerMonth / 1e6) * LIST_PRICES.lambdaPerMillionRequests +
      ((callsPerMonth * msPerRecord) / 1000) * memoryGb * LIST_PRICES.lambdaArmPerGbSecond;
    const p = KINESIS_PRICES;
    const shardHours = shards * LIST_PRICES.hoursPerMonth * p.shardHour;
    const putPayloadUnits =
      ((callsPerMonth * Math.ceil(bytesPerRecord / p.putPayloadUnitBytes)) / 1e6) *
      p.perMillionPutPayloadUnits;
    const billedGb =
      (callsPerMonth * Math.ceil(bytesPerRecord / p.onDemandRecordRoundingBytes) * 1024) / 1024 ** 3;
    const onDemand = {
      streamHours: LIST_PRICES.hoursPerMonth * p.onDemandStreamHour,
      dataIn: billedGb * p.onDemandPerGbIn,
      dataOut: billedGb * p.onDemandPerGbOut,
    };
    return {
      callsPerMonth,
      meanCallsPerSecond: Number(mean.toFixed(2)),
      peakCallsPerSecond: Number(peak.toFixed(2)),
      peakRecordsPerSecond: Number(peak.toFixed(2)),
      peakWriteBytesPerSecond: Math.round(peakBytes),
      shards,
      shardUse: { records: Number(shardUse.records.toFixed(4)), bytes: Number(shardUse.bytes.toFixed(4)) },
      bytesPerCallAtShardLimit: Math.round((shards * KINESIS_LIMITS.shardWriteBytesPerSecond) / peak),
      concurrency: shards * settings.parallelizationFactor,
      memoryMb: settings.memoryMb,
      peakBatchRecords,
      peakBatchWaitSeconds: Number(peakBatchWaitSeconds.toFixed(2)),
      peakBatchMs: Number(peakBatchMs.toFixed(1)),
      peakLagSeconds: Number(
        (KINESIS_LIMITS.pollIntervalSeconds + peakBatchWaitSeconds + peakBatchMs / 1000).toFixed(2),
      ),
      processingHeadroom: Math.round(capacity / perShardPeak),
      invocationsPerMonth,
      costUsd: {
        provisioned: {
          shardHours: cents(shardHours),
          putPayloadUnits: cents(putPayloadUnits),
          lambda: cents(lambda),
          total: cents(shardHours + putPayloadUnits + lambda),
        },
        onDemand: {
          streamHours: cents(onDemand.streamHours),
          dataIn: cents(onDemand.dataIn),
          dataOut: cents(onDemand.dataOut),
          lambda: cents(lambda),
          total: cents(onDemand.streamHours + onDemand.dataIn + onDemand.dataOut + lambda),
        },
      },
    };
  });
}

const usd = (x: number) => `$${x.toFixed(2)}`;
const count = (x: number) => x.toLocaleString('en-US');

/** The Kinesis part of the bench's report: the measurement, then the plan. */
export function kinesisLines(m: KinesisMeasurement, plan: CapacityRow[]): string[] {
  const s = m.settings;
  const shape = (name: string, r: KinesisMeasurement['shapes']['single']) =>
    `  ${name}: ${r.records} records x ${r.eventsPerRecord} events (${count(r.eventBytes)} bytes event, ${r.compressedBytesPerCall} gzip bytes a call, ${r.messageBytesPerCall} raw): ${r.msPerBatch.median} ms a batch (min ${r.msPerBatch.min}, max ${r.msPerBatch.max}, ${r.msPerBatch.rounds} rounds), ${count(r.logEventsPerSecond)} log events/s, ${count(r.kinesisRecordsPerSecond)} Kinesis records/s`;
  const lines = [
    `kinesis mode, as the stack configures it: ${s.shards} shard, BatchSize ${s.batchSize}, batching window ${s.batchingWindowSeconds} s, parallelization factor ${s.parallelizationFactor}, ${s.memoryMb} MB`,
    shape('batched', m.shapes.batched),
    shape('single', m.shapes.single),
    `capacity plan (peak ${PEAK_OVER_MEAN}x mean, one record per call; Kinesis prices ${KINESIS_PRICES.date}, Lambda ${LIST_PRICES.date}):`,
  ];
  for (const r of plan) {
    lines.push(
      `  ${count(r.callsPerMonth)} calls/month: peak ${r.peakCallsPerSecond}/s, ${count(r.peakWriteBytesPerSecond)} B/s; ${r.shards} shard (uses ${(r.shardUse.records * 100).toFixed(1)} % of its records/s, ${(r.shardUse.bytes * 100).toFixed(1)} % of its bytes/s, full at ${count(r.bytesPerCallAtShardLimit)} gzip bytes a call); concurrency ${r.concurrency}; lag at peak <= ${r.peakLagSeconds} s (batch of ${r.peakBatchRecords} in ${r.peakBatchMs} ms); headroom ${r.processingHeadroom}x; ${count(r.invocationsPerMonth)} invocations; provisioned ${usd(r.costUsd.provisioned.total)}, on-demand ${usd(r.costUsd.onDemand.total)} a month`,
    );
  }
  return lines;
}
