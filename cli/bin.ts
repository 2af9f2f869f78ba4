/**
 * `bedrock-watch <command> [options]`: the one entry point of the local tools. Unlike `npm run`, it
 * prints nothing of its own on stdout, so `bedrock-watch replay --json` pipes straight into jq.
 */
import { COMMANDS } from './commands';

export const USAGE = `usage: bedrock-watch <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`)
  .join('\n')}

bedrock-watch <command> --help lists a command's options.
example: bedrock-watch replay --json exported/ | jq '.totals.costUsd'`;

/** Dispatches argv to its command; resolves to the exit code. */
export function runBin(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return Promise.resolve(command === undefined ? 2 : 0);
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    process.stderr.write(`bedrock-watch: unknown command "${command}" (bedrock-watch --help lists them)\n`);
    return Promise.resolve(2);
  }
  return Promise.resolve(COMMANDS[command as keyof typeof COMMANDS].main(args));
}
