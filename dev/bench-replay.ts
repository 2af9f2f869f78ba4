/**
 * Measures replay, or the streaming floor, on one file in this process, and prints the figures as
 * one JSON line (npm run bench runs it in fresh processes). Usage: npm run -s bench:replay -- --help
 */
import { existsSync, statSync } from 'node:fs';
import { parseCli, runCli } from '../cli/common/cli';
import { ReplayInputError } from '../cli/input/sources';
import { ConfigError } from '../shared/ingest/config';
import { measureReplay } from './lib/bench-replay';

const USAGE = `usage: npm run -s bench:replay -- [--floor] FILE

Replays FILE (any format replay reads) in this process, quietly, and prints one JSON line: records,
milliseconds, records per second and this process's peak RSS. With --floor it measures what nothing
can beat instead: streaming FILE (JSON Lines) and JSON.parse-ing every line. npm run -s bench runs
both on a generated 200,000-record file.

  --floor      measure the floor instead of replay
  -h, --help   this text

example: npm run -s bench:replay -- exported/2025-10.jsonl.gz`;

async function main(argv: string[]): Promise<number> {
  const args = parseCli('bench:replay', USAGE, argv, { floor: { type: 'boolean' } }, true);
  if (typeof args === 'number') return args;
  const [file, ...rest] = args.positionals;
  if (file === undefined || rest.length > 0) {
    process.stderr.write('bench:replay: give exactly one FILE (bench:replay --help)\n');
    return 2;
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    process.stderr.write(`bench:replay: ${file} is not a file\n`);
    return 2;
  }
  try {
    const measurement = await measureReplay(args.values.floor ? 'floor' : 'replay', file);
    process.stdout.write(`${JSON.stringify(measurement)}\n`);
    return 0;
  } catch (error) {
    // A file replay cannot read, or a bad setting: the user's to fix, in one line.
    if (error instanceof ReplayInputError || error instanceof ConfigError) {
      process.stderr.write(`bench:replay: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

runCli(import.meta.url, 'bench:replay', main);
