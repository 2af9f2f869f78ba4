/**
 * `bedrock-watch <command> [options]`: the one entry point of the local tools. Unlike `npm run`, it
 * prints nothing of its own on stdout, so `bedrock-watch replay --json` pipes straight into jq.
 */
import { resolve } from 'node:path';
import { COMMANDS } from './commands';
import { PACKAGE_ROOT } from './common/bundle';

export const USAGE = `usage: bedrock-watch <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`)
  .join('\n')}

bedrock-watch <command> --help lists a command's options.
example: bedrock-watch replay --json exported/ | jq '.totals.costUsd'`;

/**
 * The folder relative paths are the user's in: `npm run replay -- exported/` starts the script in
 * the package root and says in INIT_CWD where the user ran npm. Only then (the working folder is
 * this package's root); anywhere else the working folder is already the user's.
 */
export function userFolder(env: NodeJS.ProcessEnv, cwd: string, packageRoot: string): string | undefined {
  const initCwd = env.INIT_CWD;
  if (!initCwd || resolve(cwd) !== resolve(packageRoot) || resolve(initCwd) === resolve(cwd))
    return undefined;
  return initCwd;
}

/** Dispatches argv to its command; resolves to the exit code. */
export function runBin(argv: readonly string[]): Promise<number> {
  const folder = userFolder(process.env, process.cwd(), PACKAGE_ROOT);
  if (folder) {
    try {
      process.chdir(folder);
    } catch {
      // A folder that is gone: paths stay relative to where npm started the script.
    }
  }
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
