/**
 * Peak memory of the ingest function on the largest batch of each ingest mode: bundles the handler
 * as deployed and runs it in a fresh Node process, once on a 10,000-event, ~1 MB compressed
 * subscription event (direct), once on the largest Kinesis batch (as many such payloads as records
 * as fit in Lambda's 6 MB invocation payload), and prints each process's peak RSS against the
 * memory the stack gives the function. Usage: npm run -s measure-memory
 */

import { parseCli, runCli } from '../cli/common/cli';
import { INGEST_MEMORY_MB, INGEST_NODE_OPTIONS } from '../deploy/stack/index';
import {
  buildIngestBundle,
  buildLargestKinesisBatch,
  measurePeakMemory,
  measurePeakMemoryOf,
  SYNC_INVOCATION_PAYLOAD_BYTES,
} from './lib/ingest-bundle';

const USAGE = `usage: npm run -s measure-memory

Bundles the ingest function as deployed and runs it in a fresh Node process (with the deployed
NODE_OPTIONS), once on the largest batch a subscription delivers (10,000 events, ~1 MB compressed)
and once on the largest Kinesis batch Lambda can deliver (6 MB invocation payload), and prints each
peak RSS against the memory the stack gives the function. It takes no flags; replay's own memory
is in npm run -s bench:replay.

  -h, --help   this text

example: npm run -s measure-memory`;

function main(argv: string[]): number {
  const args = parseCli('measure-memory', USAGE, argv, {});
  if (typeof args === 'number') return args;
  const bundle = buildIngestBundle();
  const m = measurePeakMemory(bundle);
  const mb = (kib: number) => (kib / 1024).toFixed(1);
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const share = (kib: number, memoryMb: number) =>
    `${((kib / 1024 / memoryMb) * 100).toFixed(0)} % of ${memoryMb} MB`;
  const kinesis = buildLargestKinesisBatch(Date.now());
  const k = measurePeakMemoryOf(bundle, kinesis.event);
  process.stdout.write(
    `${[
      'direct:',
      `  batch: ${m.batch.events} events, ${(m.batch.compressedBytes / 1024).toFixed(0)} KiB compressed, ${mib(m.batch.decompressedBytes)} MiB decompressed`,
      `  handler: ${m.result.received} received, ${m.result.accepted} accepted, ${m.result.documents} EMF documents in ${m.ms.toFixed(0)} ms`,
      `  peak RSS: ${mb(m.peakKiB)} MiB, ${share(m.peakKiB, INGEST_MEMORY_MB.direct)} (${mb(m.beforeKiB)} MiB before the batch: Node, the bundle and the event itself)`,
      'kinesis (largest batch Lambda can deliver):',
      `  batch: ${kinesis.records} records, ${mib(kinesis.eventBytes)} MiB event (limit ${mib(SYNC_INVOCATION_PAYLOAD_BYTES)} MiB), ${kinesis.events} events, ${mib(kinesis.decompressedBytes)} MiB decompressed`,
      `  handler: ${k.result.received} received, ${k.result.accepted} accepted, ${k.result.documents} EMF documents in ${k.ms.toFixed(0)} ms`,
      `  peak RSS: ${mb(k.peakKiB)} MiB, ${share(k.peakKiB, INGEST_MEMORY_MB.kinesis)} (${mb(k.beforeKiB)} MiB before the batch)`,
      `node ${process.version}, ${process.platform}/${process.arch}, NODE_OPTIONS="${INGEST_NODE_OPTIONS}" (as deployed)`,
    ].join('\n')}\n`,
  );
  return 0;
}

runCli(import.meta.url, 'measure-memory', main);
