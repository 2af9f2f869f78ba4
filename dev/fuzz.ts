/**
 * Fuzz campaign over the decoder, parser, aggregator and EMF writer through the real handler.
 * Usage: npm run -s fuzz -- [--runs N] [--seed S]
 */
import fc from 'fast-check';
import { parseCli, runCli } from '../cli/common/cli';
import { bombCase, type FuzzCase, fuzzCaseArb, hugeBatchCase } from './lib/fuzz/arbitraries';
import { createFuzzRunner, INVARIANTS } from './lib/fuzz/check';
import { type FormatCase, formatCaseArb } from './lib/fuzz/formats';

const USAGE = `usage: npm run -s fuzz -- [--runs N] [--seed S]

Runs generated events through the real ingest handler and checks every invariant on each: mutated
and junk records, values around and beyond CloudWatch's range, broken envelopes, a decompression
bomb and a 10,500-event batch; and, one run in ten, the same events in each input format replay
reads (gzipped or not, cut into chunks anywhere). Prints the seed, so a failure can be re-run.

  --runs N    how many cases (default 10000)
  --seed S    the generator's seed (default: from the clock)
  -h, --help  this text

example: npm run -s fuzz -- --runs 100000 --seed 42
exit: 0 every invariant held, 1 a case broke one, 2 a bad flag`;

const CHUNK = 1000;
/** The expensive cases (a bomb, a 10,500-event batch) run once per this many runs, and once at the start. */
const HEAVY_EVERY = 25_000;
/** One run in this many is an input-format case (replay's readers, then the handler). */
const FORMAT_EVERY = 10;

async function main(argv: string[]): Promise<number> {
  const args = parseCli('fuzz', USAGE, argv, { runs: { type: 'string' }, seed: { type: 'string' } });
  if (typeof args === 'number') return args;
  const { values } = args;
  const runs = Number(values.runs ?? '10000');
  const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
  if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
    process.stderr.write('fuzz: --runs takes a positive integer and --seed an integer (fuzz --help)\n');
    return 2;
  }
  const runner = createFuzzRunner();
  const kinds = new Map<string, number>();
  const failures: { index: number; kind: string; problems: string[] }[] = [];
  let done = 0;
  const started = performance.now();
  const runOne = async (fuzzCase: FuzzCase | FormatCase) => {
    const problems = 'chunks' in fuzzCase ? await runner.checkFormat(fuzzCase) : await runner.check(fuzzCase);
    kinds.set(fuzzCase.kind, (kinds.get(fuzzCase.kind) ?? 0) + 1);
    if (problems.length > 0) failures.push({ index: done, kind: fuzzCase.kind, problems });
    done++;
  };
  let nextHeavy = 0;
  for (let chunk = 0; done < runs; chunk++) {
    if (done >= nextHeavy) {
      await runOne(bombCase(runner.maxDecompressedBytes));
      await runOne(hugeBatchCase());
      nextHeavy += HEAVY_EVERY;
    }
    const size = Math.min(CHUNK, runs - done);
    const formats = Math.floor(size / FORMAT_EVERY);
    const cases = fc.sample(fuzzCaseArb, { seed: seed + chunk, numRuns: size - formats });
    for (const c of cases) await runOne(c);
    if (formats > 0) {
      for (const c of fc.sample(formatCaseArb, { seed: seed + chunk, numRuns: formats })) await runOne(c);
    }
    if (process.stderr.isTTY) process.stderr.write(`\r${done}/${runs} runs, ${failures.length} failures`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  const out = [
    `fuzz: seed ${seed}, ${done} runs in ${seconds.toFixed(1)} s (${Math.round(done / seconds)} runs/s)`,
    `cases: ${[...kinds.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    'invariants checked on every run:',
    ...INVARIANTS.map((i) => `  - ${i}`),
    `${done - failures.length} passed, ${failures.length} failed`,
  ];
  for (const f of failures.slice(0, 10))
    out.push(`  run ${f.index} (${f.kind}): ${f.problems.slice(0, 3).join('; ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return failures.length > 0 ? 1 : 0;
}

runCli(import.meta.url, 'fuzz', main);
