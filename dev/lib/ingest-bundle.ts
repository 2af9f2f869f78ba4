/**
 * The ingest function as deployed, for measurements: bundled with the esbuild settings the package
 * uses (deploy/esbuild.ts: minified, source-mapped, Node 20, ESM, AWS SDK external), run in fresh
 * Node processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { ESBUILD_OPTIONS } from '../../deploy/esbuild';
import { INGEST_NODE_OPTIONS } from '../../deploy/stack/index';
import { buildLargeBatch, kinesisRecord, type LargeBatch } from './large-batch';

export interface Bundle {
  dir: string;
  file: string;
  bytes: number;
}

export function buildIngestBundle(): Bundle {
  const dir = mkdtempSync(join(tmpdir(), 'bw-bundle-'));
  buildSync({
    ...ESBUILD_OPTIONS,
    entryPoints: [join(import.meta.dirname, '..', '..', 'functions', 'ingest', 'handler.ts')],
    // As in the package: handler.mjs beside handler.mjs.map.
    outdir: dir,
  });
  const file = join(dir, 'handler.mjs');
  return { dir, file, bytes: statSync(file).size };
}

export interface MemoryMeasurement {
  batch: LargeBatch;
  beforeKiB: number;
  peakKiB: number;
  ms: number;
  result: { received: number; accepted: number; documents: number };
}

/**
 * Runs the bundled handler once on the largest batch (records dated now, so every stage runs) in a
 * fresh process with the deployed NODE_OPTIONS, and reads that process's peak RSS.
 */
export function measurePeakMemory(bundle: Bundle): MemoryMeasurement {
  const batch = buildLargeBatch(10_000, 1_000_000, Date.now());
  return { batch, ...measurePeakMemoryOf(bundle, batch.event) };
}

/** Median wall time of importing `file` in a fresh Node process, over `runs` processes. */
export function medianImportMs(file: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: INGEST_NODE_OPTIONS, POWERTOOLS_LOG_LEVEL: 'ERROR' },
      },
    );
    if (run.status !== 0) throw new Error(`import of ${file} failed: ${run.stderr}`);
    times.push(Number(run.stdout));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/**
 * Lambda's payload limit for a synchronous invocation ("6 MB"), which is what caps a Kinesis batch
 * however large BatchSize is (EventSourceMappingConfiguration: BatchSize).
 */
export const SYNC_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface KinesisBatch {
  event: { Records: unknown[] };
  records: number;
  /** The event's JSON size: what counts against the payload limit. */
  eventBytes: number;
  /** Log events across the records, and their decompressed payloads' size. */
  events: number;
  decompressedBytes: number;
}

/** The largest subscription payload again, its requestIds made unique to record `index`. */
function recordData(largest: LargeBatch, index: number): string {
  const payload = JSON.parse(
    gunzipSync(Buffer.from(largest.event.awslogs.data, 'base64')).toString('utf8'),
  ) as {
    logEvents: { id: string; message: string }[];
  };
  for (const e of payload.logEvents) {
    // Every record its own calls: a Kinesis batch is deduplicated as a whole.
    e.id = `${index}-${e.id}`;
    e.message = e.message.replace(
      '"requestId":"00000000-0000-4000-8000-',
      `"requestId":"0000000${index}-0000-4000-8000-`,
    );
  }
  return gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64');
}

/**
 * The largest batch Kinesis can deliver to the ingest function: records that each hold the largest
 * subscription payload (buildLargeBatch: 10,000 events just under 1 MB compressed, within Kinesis's
 * 1 MiB record), as many as fit in one invocation's payload, in the event shape Lambda sends.
 */
export function buildLargestKinesisBatch(nowMs: number): KinesisBatch {
  const largest = buildLargeBatch(10_000, 1_000_000, nowMs);
  const records: unknown[] = [];
  let decompressedBytes = 0;
  for (let i = 0; ; i++) {
    const data = recordData(largest, i);
    const record = kinesisRecord(data, i, nowMs);
    if (Buffer.byteLength(JSON.stringify({ Records: [...records, record] })) > SYNC_INVOCATION_PAYLOAD_BYTES)
      break;
    records.push(record);
    decompressedBytes += largest.decompressedBytes;
  }
  const event = { Records: records };
  return {
    event,
    records: records.length,
    eventBytes: Buffer.byteLength(JSON.stringify(event)),
    events: records.length * largest.events,
    decompressedBytes,
  };
}

/**
 * Runs the bundled handler once on `event` in a fresh process with the deployed NODE_OPTIONS, and
 * reads that process's peak RSS.
 */
export function measurePeakMemoryOf(bundle: Bundle, event: unknown): Omit<MemoryMeasurement, 'batch'> {
  const eventFile = join(bundle.dir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(event));
  const child = `
    import { readFileSync } from 'node:fs';
    const { handler } = await import(${JSON.stringify(bundle.file)});
    const event = JSON.parse(readFileSync(${JSON.stringify(eventFile)}, 'utf8'));
    const before = process.resourceUsage().maxRSS;
    const started = performance.now();
    const result = await handler(event, { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 60000 });
    const ms = performance.now() - started;
    process.stderr.write(JSON.stringify({ before, after: process.resourceUsage().maxRSS, ms, result }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', NODE_OPTIONS: INGEST_NODE_OPTIONS },
    // The handler's EMF goes to stdout: discarded, as a null sink.
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the measured process failed: ${run.stderr}`);
  const out = JSON.parse(run.stderr) as {
    before: number;
    after: number;
    ms: number;
    result: MemoryMeasurement['result'];
  };
  return { beforeKiB: out.before, peakKiB: out.after, ms: out.ms, result: out.result };
}
