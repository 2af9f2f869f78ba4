/**
 * Peak memory of the ingest function on the largest batch: bundles the handler as deployed
 * (esbuild, minified), runs it in a fresh Node process on a 10,000-event, ~1 MB compressed
 * subscription event, and prints the process's peak RSS. Usage: npm run -s measure-memory
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { INGEST_NODE_OPTIONS } from '../deploy/stack';
import { buildLargeBatch } from './large-batch';

const dir = mkdtempSync(join(tmpdir(), 'bw-memory-'));
const bundle = join(dir, 'handler.mjs');
buildSync({
  entryPoints: [join(import.meta.dirname, '..', 'functions', 'ingest', 'handler.ts')],
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile: bundle,
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
});
// Records dated just now, so the handler takes the full path (a stale batch would be rejected).
const batch = buildLargeBatch(10_000, 1_000_000, Date.now());
const eventFile = join(dir, 'event.json');
writeFileSync(eventFile, JSON.stringify(batch.event));

// The child reports its own peak RSS (getrusage ru_maxrss, KiB on Linux) before and after.
const child = `
  import { readFileSync } from 'node:fs';
  const { handler } = await import(${JSON.stringify(bundle)});
  const event = JSON.parse(readFileSync(${JSON.stringify(eventFile)}, 'utf8'));
  const before = process.resourceUsage().maxRSS;
  const started = performance.now();
  const result = await handler(event, { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 60000 });
  const ms = performance.now() - started;
  process.stderr.write(JSON.stringify({ before, after: process.resourceUsage().maxRSS, ms, result }));`;
// Run with the NODE_OPTIONS the function is deployed with, as Lambda would.
const deployed = INGEST_NODE_OPTIONS;
const run = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
  env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', NODE_OPTIONS: deployed },
  // The handler's EMF goes to stdout: discarded, as a null sink.
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (run.status !== 0) throw new Error(`the measured process failed: ${run.stderr}`);
const output = run.stderr;
const { before, after, ms, result } = JSON.parse(output) as {
  before: number;
  after: number;
  ms: number;
  result: { received: number; accepted: number; documents: number };
};
const mb = (kib: number) => (kib / 1024).toFixed(1);
process.stdout.write(
  [
    `batch: ${batch.events} events, ${(batch.compressedBytes / 1024).toFixed(0)} KiB compressed, ${(batch.decompressedBytes / 1024 / 1024).toFixed(1)} MiB decompressed`,
    `handler: ${result.received} received, ${result.accepted} accepted, ${result.documents} EMF documents in ${ms.toFixed(0)} ms`,
    `peak RSS: ${mb(after)} MiB (${mb(before)} MiB before the batch: Node, the bundle and the event itself)`,
    `node ${process.version}, ${process.platform}/${process.arch}, NODE_OPTIONS="${deployed}" (as deployed)`,
  ].join('\n') + '\n',
);
