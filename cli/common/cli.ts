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
    process.stderr.write(`${name}: ${flagErrorText(error, options)}\n(${name} --help lists the flags)\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return parsed;
}

/**
 * The one line for a flag mistake parseArgs threw: an unknown flag is named with the closest flag
 * of the command's own table (`unknown flag --sinse; did you mean --since?`); other mistakes (a
 * missing value, a stray argument) keep parseArgs' message.
 */
export function flagErrorText(error: unknown, options: object): string {
  const e = error as { code?: string; message?: string };
  const message = String(e?.message ?? error);
  if (e?.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message;
  const flag = /'(-[^'=]*)/.exec(message)?.[1] ?? message;
  const closest = closestFlag(flag, [...Object.keys(options), 'help']);
  return `unknown flag ${flag}${closest ? `; did you mean --${closest}?` : ''}`;
}

/** The flag name closest to what was typed, if it is close: at most 2 edits, and fewer than half its length. */
export function closestFlag(typed: string, names: readonly string[]): string | undefined {
  const bare = typed.replace(/^-+/, '');
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(bare, name);
    if (distance < (best?.distance ?? Number.POSITIVE_INFINITY)) best = { name, distance };
  }
  return best && best.distance <= 2 && best.distance * 2 < Math.max(bare.length, 2) ? best.name : undefined;
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      const up = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = d;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * A count with its noun, singular for 1: "1 batch", "3 batches".
 * @example counted(1, 'round') // '1 round'
 */
export const counted = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
