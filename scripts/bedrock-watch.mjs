#!/usr/bin/env node
/**
 * `npx bedrock-watch <command> [options]`: runs one of the repository's command-line tools through
 * tsx. Unlike `npm run`, npx prints nothing of its own on stdout, so `npx bedrock-watch replay --json`
 * pipes straight into jq. Usage: npx bedrock-watch --help
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each command and the script in scripts/ that runs it (the npm script of the same name). */
const COMMANDS = {
  replay: 'replay.ts',
  simulate: 'simulate.ts',
  bench: 'bench.ts',
  'bench:simulate': 'bench-simulate.ts',
  'bench:replay': 'bench-replay.ts',
  fuzz: 'fuzz.ts',
  'generate-samples': 'generate-samples.ts',
  'generate-scenarios': 'generate-scenarios.ts',
  'measure-memory': 'measure-memory.ts',
  prices: 'prices.ts',
};

const USAGE = `usage: npx bedrock-watch <command> [options]

commands: ${Object.keys(COMMANDS).join(', ')}
Each takes the options of its npm script; npx bedrock-watch <command> --help lists them.

example: npx bedrock-watch replay --json exported/ | jq '.totals.costUsd'`;

const [command, ...args] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(command === undefined ? 2 : 0);
}
if (!Object.hasOwn(COMMANDS, command)) {
  process.stderr.write(`bedrock-watch: unknown command "${command}" (bedrock-watch --help lists them)\n`);
  process.exit(2);
}
const script = join(dirname(fileURLToPath(import.meta.url)), COMMANDS[command]);
// tsx's loader, resolved from this package, so the command works from any directory.
const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), script, ...args], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
