/**
 * Peak memory of the ingest function on the largest batch: bundles the handler as deployed, runs
 * it in a fresh Node process on a 10,000-event, ~1 MB compressed subscription event, and prints
 * the process's peak RSS. Usage: npm run -s measure-memory
 */
import { INGEST_NODE_OPTIONS } from '../deploy/stack/index';
import { parseCli, runCli } from './lib/cli';
import { buildIngestBundle, measurePeakMemory } from './lib/ingest-bundle';

const USAGE = `usage: npm run -s measure-memory

Bundles the ingest function as deployed, runs it in a fresh Node process (with the deployed
NODE_OPTIONS) on the largest batch a subscription delivers (10,000 events, ~1 MB compressed) and
prints its peak RSS. It takes no flags; replay's own memory is in npm run -s bench.

  -h, --help   this text

example: npm run -s measure-memory`;

function main(argv: string[]): number {
  const args = parseCli('measure-memory', USAGE, argv, {});
  if (typeof args === 'number') return args;
  const m = measurePeakMemory(buildIngestBundle());
  const mb = (kib: number) => (kib / 1024).toFixed(1);
  process.stdout.write(
    `${[
      `batch: ${m.batch.events} events, ${(m.batch.compressedBytes / 1024).toFixed(0)} KiB compressed, ${(m.batch.decompressedBytes / 1024 / 1024).toFixed(1)} MiB decompressed`,
      `handler: ${m.result.received} received, ${m.result.accepted} accepted, ${m.result.documents} EMF documents in ${m.ms.toFixed(0)} ms`,
      `peak RSS: ${mb(m.peakKiB)} MiB (${mb(m.beforeKiB)} MiB before the batch: Node, the bundle and the event itself)`,
      `node ${process.version}, ${process.platform}/${process.arch}, NODE_OPTIONS="${INGEST_NODE_OPTIONS}" (as deployed)`,
    ].join('\n')}\n`,
  );
  return 0;
}

runCli(import.meta.url, 'measure-memory', main);
