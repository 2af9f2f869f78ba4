/**
 * The bench's Kinesis part (issue 27): `--json` carries the Kinesis-mode records per second and the
 * capacity plan, and the plan holds AWS's shard limits whatever the measured figures are. Shapes
 * and invariants only: no timings are asserted.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CAPACITY_VOLUMES,
  type CapacityRow,
  capacityPlan,
  KINESIS_LIMITS,
  PEAK_OVER_MEAN,
} from '../dev/lib/bench-capacity';
import {
  buildKinesisBatch,
  type KinesisMeasurement,
  type KinesisShapeResult,
  kinesisSettings,
} from '../dev/lib/bench-kinesis';
import { DEFAULT_STACK_PARAMETERS } from '../shared/monitoring/parameters';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');

const positive = expect.any(Number);

describe('bench --only kinesis --json', () => {
  it('carries log events and Kinesis records per second, both shapes and a plan row per volume', async () => {
    const { stdout } = await run(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'dev', 'bench.ts'), '--only', 'kinesis', '--json', '--rounds', '1'],
      { cwd: ROOT },
    );
    const json = JSON.parse(stdout) as { kinesis: Record<string, unknown> } & Record<string, unknown>;

    // Only the part asked for: no ingest or replay figures.
    expect(Object.keys(json).sort()).toEqual(['kinesis', 'machine']);
    const k = json.kinesis as {
      settings: Record<string, number>;
      logEventsPerSecond: number;
      kinesisRecordsPerSecond: number;
      shapes: Record<string, KinesisShapeResult>;
      capacityPlan: { volumes: number[]; peakOverMean: number; rows: CapacityRow[] };
    };
    expect(k.settings).toEqual({
      shards: DEFAULT_STACK_PARAMETERS.kinesisShards,
      batchSize: 100,
      batchingWindowSeconds: 10,
      parallelizationFactor: 1,
      memoryMb: 512,
    });
    expect(k.logEventsPerSecond).toBeGreaterThan(0);
    expect(k.kinesisRecordsPerSecond).toBeGreaterThan(0);
    // Each batched record holds 100 calls: the headline figures keep that ratio.
    expect(k.logEventsPerSecond / k.kinesisRecordsPerSecond).toBeCloseTo(100, -1);
    expect(Object.keys(k.shapes).sort()).toEqual(['batched', 'single']);
    for (const shape of Object.values(k.shapes)) {
      expect(shape).toMatchObject({
        records: 100,
        msPerBatch: { rounds: 1, min: positive, median: positive, max: positive },
      });
      // Nothing lost: every call is accepted, a duplicate (stream placeholders) or a rejection.
      expect(shape.accepted + shape.rejected).toBeLessThanOrEqual(shape.events);
      expect(shape.accepted).toBeGreaterThan(0);
    }
    expect(k.shapes.batched?.eventsPerRecord).toBe(100);
    expect(k.shapes.single?.eventsPerRecord).toBe(1);
    expect(k.capacityPlan.volumes).toEqual([...CAPACITY_VOLUMES]);
    expect(k.capacityPlan.peakOverMean).toBe(PEAK_OVER_MEAN);
    expect(k.capacityPlan.rows.map((r) => r.callsPerMonth)).toEqual([...CAPACITY_VOLUMES]);
    for (const row of k.capacityPlan.rows) {
      expect(row.costUsd.provisioned.total).toBeGreaterThan(0);
      expect(row.costUsd.onDemand.total).toBeGreaterThan(0);
    }
  }, 120_000); // spawns tsx and times two batches: slow on a loaded machine, no figure asserted
});

describe('the Kinesis batches the bench builds', () => {
  it('are BatchSize records, each a gzipped DATA_MESSAGE of the asked number of calls, within 6 MB', () => {
    const batch = buildKinesisBatch(kinesisSettings().batchSize, 3, Date.parse('2026-12-07T12:00:00Z'));
    const records = batch.event.Records as { kinesis: { data: string } }[];

    expect(records).toHaveLength(100);
    expect(batch.events).toBe(300);
    expect(batch.eventBytes).toBeLessThanOrEqual(KINESIS_LIMITS.invocationPayloadBytes);
    const payload = JSON.parse(
      gunzipSync(Buffer.from(records[7]?.kinesis.data ?? '', 'base64')).toString('utf8'),
    ) as {
      messageType: string;
      logEvents: { message: string }[];
    };
    expect(payload.messageType).toBe('DATA_MESSAGE');
    expect(payload.logEvents).toHaveLength(3);
    const ids = records.flatMap((r) =>
      (
        JSON.parse(gunzipSync(Buffer.from(r.kinesis.data, 'base64')).toString('utf8')) as typeof payload
      ).logEvents.map((e) => (JSON.parse(e.message) as { requestId: string }).requestId),
    );
    expect(new Set(ids).size).toBe(300);
  });
});

/** A measurement with the given per-record figures for the single shape. */
function measurement(bytesPerRecord: number, msPerBatch: number, shards = 1): KinesisMeasurement {
  const shape = (eventsPerRecord: number): KinesisShapeResult => ({
    records: 100,
    eventsPerRecord,
    events: 100 * eventsPerRecord,
    accepted: 100 * eventsPerRecord,
    rejected: 0,
    eventBytes: 1,
    compressedBytesPerRecord: bytesPerRecord,
    compressedBytesPerCall: bytesPerRecord / eventsPerRecord,
    messageBytesPerCall: 1,
    msPerBatch: { rounds: 1, min: msPerBatch, median: msPerBatch, max: msPerBatch },
    logEventsPerSecond: 1,
    kinesisRecordsPerSecond: 1,
  });
  return {
    settings: { shards, batchSize: 100, batchingWindowSeconds: 10, parallelizationFactor: 1, memoryMb: 512 },
    shapes: { batched: shape(100), single: shape(1) },
  };
}

describe('the capacity plan', () => {
  it('keeps every shard within its write and read limits at the peak, whatever a call weighs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.1, max: 10_000, noNaN: true }),
        (bytes, ms) => {
          for (const row of capacityPlan(measurement(bytes, ms))) {
            const perShardRecords = row.peakRecordsPerSecond / row.shards;
            const perShardBytes = row.peakWriteBytesPerSecond / row.shards;
            expect(perShardRecords).toBeLessThanOrEqual(KINESIS_LIMITS.shardWriteRecordsPerSecond * 1.0001);
            expect(perShardBytes).toBeLessThanOrEqual(KINESIS_LIMITS.shardWriteBytesPerSecond * 1.0001);
            expect(perShardBytes).toBeLessThanOrEqual(KINESIS_LIMITS.shardReadBytesPerSecond * 1.0001);
            expect(row.concurrency).toBe(row.shards);
          }
        },
      ),
    );
  });

  it('never costs less, nor needs fewer shards, for more calls', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.1, max: 10_000, noNaN: true }),
        (bytes, ms) => {
          const rows = capacityPlan(measurement(bytes, ms));
          for (let i = 1; i < rows.length; i++) {
            const [a, b] = [rows[i - 1] as CapacityRow, rows[i] as CapacityRow];
            expect(b.shards).toBeGreaterThanOrEqual(a.shards);
            expect(b.costUsd.provisioned.total).toBeGreaterThanOrEqual(a.costUsd.provisioned.total);
            expect(b.costUsd.onDemand.total).toBeGreaterThanOrEqual(a.costUsd.onDemand.total);
          }
        },
      ),
    );
  });

  it("waits at most the batching window plus a poll and the batch, and bills at least the stack's shards", () => {
    const rows = capacityPlan(measurement(700, 20, 2));

    for (const row of rows) {
      expect(row.shards).toBeGreaterThanOrEqual(2);
      expect(row.peakLagSeconds).toBeLessThanOrEqual(1 + 10 + row.peakBatchMs / 1000 + 0.01);
      // 730 hours of each shard at $0.015.
      expect(row.costUsd.provisioned.shardHours).toBeCloseTo(row.shards * 730 * 0.015, 2);
    }
    // The quietest month fills no batch in the window: it waits the whole window.
    expect(rows[0]?.peakBatchWaitSeconds).toBe(10);
  });

  it('adds a shard when a call is heavy enough to pass 1 MB/s at the peak of 100M calls a month', () => {
    const light = capacityPlan(measurement(700, 20)).at(-1) as CapacityRow;
    const heavy = capacityPlan(measurement(light.bytesPerCallAtShardLimit * 2, 20)).at(-1) as CapacityRow;

    expect(light.shards).toBe(1);
    expect(heavy.shards).toBe(2);
  });
});
