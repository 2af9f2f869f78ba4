/**
 * Fuzz campaign over the decoder, parser, aggregator and EMF writer through the real handler.
 * Usage: npm run fuzz -- [--runs N] [--seed S]
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { bombCase, type FuzzCase, fuzzCaseArb, hugeBatchCase } from './lib/fuzz/arbitraries';
import { createFuzzRunner, INVARIANTS } from './lib/fuzz/check';

const CHUNK = 1000;
/** The expensive cases (a bomb, a 10,500-event batch) run once per this many runs, and once at the start. */
const HEAVY_EVERY = 25_000;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } },
  });
  const runs = Number(values.runs);
  const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
  if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
    process.stderr.write('usage: npm run fuzz -- [--runs N] [--seed S]\n');
    return 2;
  }
  const runner = createFuzzRunner();
  const kinds = new Map<string, number>();
  const failures: { index: number; kind: string; problems: string[] }[] = [];
  let done = 0;
  const started = performance.now();
  const runOne = async (fuzzCase: FuzzCase) => {
    const problems = await runner.check(fuzzCase);
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
    const cases = fc.sample(fuzzCaseArb, { seed: seed + chunk, numRuns: Math.min(CHUNK, runs - done) });
    for (const c of cases) await runOne(c);
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

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`fuzz failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
