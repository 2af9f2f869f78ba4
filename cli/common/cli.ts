import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Runs a CLI's `main` when its module is the process entry point (not when a test imports it), and
 * turns its result into the exit code. Only a bug reaches the catch: user mistakes are exit 2 with
 * one line from `main` itself.
 */
export function runCli(
  moduleUrl: string,
  name: string,
  main: (argv: string[]) => Promise<number> | number,
): void {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  Promise.resolve()
    .then(() => main(process.argv.slice(2)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        process.stderr.write(`${name} failed: ${error instanceof Error ? error.stack : error}\n`);
        process.exitCode = 1;
      },
    );
}

/** The options of a CLI, as node:util parseArgs takes them; `help` (-h) is added to every CLI. */
export type CliOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/** The parsed flags: a string, a boolean or (with `multiple`) a list of strings, by option name. */
export type CliValues = Record<string, string | boolean | string[] | undefined>;

/**
 * Parses a CLI's flags. `--help`/`-h` prints the usage to stdout; an unknown flag, a missing value
 * or a stray argument prints one line and a pointer to `--help` on stderr. Either way the result is
 * the exit code (0 or 2) instead of the values: no user mistake ends in a stack trace.
 * @example const args = parseCli('fuzz', USAGE, argv, { runs: { type: 'string' } }); if (typeof args === 'number') return args;
 */
export function parseCli(
  name: string,
  usage: string,
  argv: string[],
  options: CliOptions,
  allowPositionals = false,
): { values: CliValues; positionals: string[] } | number {
  let parsed: { values: CliValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    }) as { values: CliValues; positionals: string[] };
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n(${name} --help lists the flags)\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return parsed;
}
