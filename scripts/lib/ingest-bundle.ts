/**
 * The ingest function as deployed, for measurements: bundled with the esbuild settings the package
 * uses (deploy/esbuild.ts: minified, source-mapped, Node 20, ESM, AWS SDK external), run in fresh
 * Node processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { ESBUILD_OPTIONS } from '../../deploy/esbuild';
import { INGEST_NODE_OPTIONS } from '../../deploy/stack/index';
import { buildLargeBatch, type LargeBatch } from './large-batch';

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
  const eventFile = join(bundle.dir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(batch.event));
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
  return { batch, beforeKiB: out.before, peakKiB: out.after, ms: out.ms, result: out.result };
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
