/**
 * Where the ingest function's time goes: samples the handler's CPU (the V8 profiler, as
 * `node --cpu-prof` does) on bench's 10,000-event batch and charges each sample to a pipeline stage
 * — the innermost frame in one of our source files, so `JSON.parse` called from the parse stage is
 * the parse stage's. Usage: npm run -s profile-ingest -- [--rounds N] [--json]
 */
import { Session } from 'node:inspector/promises';
import { parseCli, runCli } from '../cli/common/cli';
import { localLambdaContext } from '../cli/common/lambda-context';
import { benchHandler } from './lib/bench-handler';
import { buildLargeBatch } from './lib/large-batch';

const USAGE = `usage: npm run -s profile-ingest -- [--rounds N] [--json]

Runs the ingest handler on a 10,000-event batch (2 warm-up rounds, then N sampled rounds, default
20) and prints the share of CPU time per pipeline stage.

  --rounds N   sampled rounds (default 20)
  --json       the table as JSON
  -h, --help   this text`;

/** Stage of a source file, by path: the first rule that matches names it. */
const STAGES: readonly (readonly [RegExp, string])[] = [
  [/shared\/ingest\/1-decode\.ts/, 'decode (base64, gunzip, payload JSON)'],
  [/shared\/ingest\/2-parse-billing\.ts|shared\/ingest\/quality\.ts/, 'billing and quality facts'],
  [/shared\/ingest\/2-(parse|feedback)\.ts|shared\/contract\//, 'parse (record JSON, fields)'],
  [/shared\/ingest\/3-dedupe\.ts/, 'dedupe'],
  [/shared\/ingest\/4-resolve-model\.ts/, 'resolve model'],
  [/shared\/ingest\/5-price\.ts|shared\/pricing\//, 'price'],
  [/shared\/ingest\/6-attribute\.ts/, 'attribute'],
  [/shared\/ingest\/7-aggregate\.ts|shared\/keys\.ts/, 'aggregate'],
  [/shared\/ingest\/8-emf\.ts/, 'EMF and attribution lines'],
  [/shared\/ingest\/batch\.ts/, 'batch orchestration'],
  [/functions\/ingest\//, 'handler (health metrics, logging)'],
  [/@aws-lambda-powertools|@middy/, 'Powertools and middy'],
];

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}

/** The stage a sample belongs to: its innermost frame in a known file, else what V8 calls it. */
function stageOf(leaf: number, nodes: Map<number, ProfileNode>, parent: Map<number, number>): string {
  const leafName = nodes.get(leaf)?.callFrame.functionName ?? '';
  if (leafName === '(garbage collector)') return 'garbage collection';
  if (leafName === '(idle)' || leafName === '(program)') return 'V8 and idle';
  for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
    const url = nodes.get(id)?.callFrame.url ?? '';
    const stage = STAGES.find(([pattern]) => pattern.test(url));
    if (stage) return stage[1];
  }
  return 'other';
}

async function main(argv: string[]): Promise<number> {
  const args = parseCli('profile-ingest', USAGE, argv, {
    rounds: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (typeof args === 'number') return args;
  const rounds = Number(args.values.rounds ?? 20);
  if (!Number.isSafeInteger(rounds) || rounds < 1) {
    process.stderr.write('profile-ingest: --rounds takes a positive integer\n');
    return 2;
  }
  const now = Date.now();
  const batch = buildLargeBatch(10_000, 1_000_000, now);
  const handler = benchHandler(now);
  const context = localLambdaContext('profile', 'profile');
  for (let i = 0; i < 2; i++) await handler(batch.event, context);

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  for (let i = 0; i < rounds; i++) await handler(batch.event, context);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();

  const nodes = new Map<number, ProfileNode>(profile.nodes.map((n: ProfileNode) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of nodes.values()) for (const c of n.children ?? []) parent.set(c, n.id);
  const micros = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the gap to the next one.
  for (let i = 0; i < samples.length; i++) {
    const stage = stageOf(samples[i] as number, nodes, parent);
    micros.set(stage, (micros.get(stage) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const total = [...micros.values()].reduce((a, b) => a + b, 0);
  const rows = [...micros.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([stage, us]) => ({ stage, msPerBatch: us / 1000 / rounds, share: us / total }));
  if (args.values.json) {
    process.stdout.write(`${JSON.stringify({ events: batch.events, rounds, stages: rows }, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    `${batch.events} events a batch, ${rounds} sampled rounds, ${(total / 1000 / rounds).toFixed(1)} ms of CPU a batch\n\n| stage | ms a batch | share |\n|---|---|---|\n`,
  );
  for (const r of rows) {
    process.stdout.write(`| ${r.stage} | ${r.msPerBatch.toFixed(1)} | ${(100 * r.share).toFixed(1)} % |\n`);
  }
  return 0;
}

runCli(import.meta.url, 'profile-ingest', main);
