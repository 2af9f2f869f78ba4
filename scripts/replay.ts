/**
 * Local replay CLI: runs the ingest handler the Lambda exports on local files and reports what it
 * emitted. Usage: npm run -s replay -- [--json] [--emf FILE] [--now ISO-TIME] [PATH ...]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/ingest/config';
import { runCli } from './lib/cli';
import { DEFAULT_SAMPLE_DIR, type ReplayRun, runReplay } from './lib/replay';
import { formatSummary } from './lib/replay-format';
import { ReplayInputError } from './lib/replay-input';

const USAGE =
  'usage: npm run -s replay -- [--json] [--emf FILE] [--now ISO-TIME] [--attribute caller,team] [--config FILE] [PATH ...]';

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<
    typeof parseArgs<{ options: Record<string, { type: 'string' | 'boolean' }>; allowPositionals: true }>
  >;
  try {
    args = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        emf: { type: 'string' },
        now: { type: 'string' },
        attribute: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let nowMs: number | undefined;
  if (typeof args.values.now === 'string') {
    nowMs = Date.parse(args.values.now);
    if (!Number.isFinite(nowMs)) {
      process.stderr.write(`--now: "${args.values.now}" is not an ISO-8601 time\n${USAGE}\n`);
      return 2;
    }
  }
  // The same settings the deployed function reads, from the same variables.
  if (typeof args.values.config === 'string') process.env.BEDROCK_WATCH_CONFIG = args.values.config;
  if (typeof args.values.attribute === 'string')
    process.env.BEDROCK_WATCH_ATTRIBUTION = args.values.attribute;
  const progress = process.stderr.isTTY
    ? (done: number, total: number) => {
        if (total >= 20 && (done % 10 === 0 || done === total)) {
          process.stderr.write(`\rreplayed ${done}/${total} batches${done === total ? '\n' : ''}`);
        }
      }
    : undefined;
  let run: ReplayRun;
  try {
    run = await runReplay({
      paths: args.positionals.length > 0 ? args.positionals : [DEFAULT_SAMPLE_DIR],
      ...(nowMs !== undefined ? { nowMs } : {}),
      ...(progress ? { onProgress: progress } : {}),
    });
  } catch (error) {
    if (error instanceof ReplayInputError || error instanceof ConfigError) {
      process.stderr.write(`replay: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (typeof args.values.emf === 'string') {
    try {
      writeFileSync(args.values.emf, run.emf.map((line) => `${line}\n`).join(''));
    } catch (error) {
      process.stderr.write(`replay: cannot write ${args.values.emf}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  if (args.values.json) {
    process.stdout.write(`${JSON.stringify(run.summary, null, 2)}\n`);
  } else {
    process.stdout.write(`Replay clock: ${new Date(run.nowMs).toISOString()}\n${formatSummary(run.summary)}`);
  }
  return run.summary.batches.failed > 0 ? 1 : 0;
}

runCli(import.meta.url, 'replay', main);
