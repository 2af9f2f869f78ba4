import { fileURLToPath } from 'node:url';

/**
 * Runs a CLI's `main` when its module is the process entry point (not when a test imports it), and
 * turns its result into the exit code. Only a bug reaches the catch: user mistakes are exit 2 with
 * one line from `main` itself.
 */
export function runCli(moduleUrl: string, name: string, main: (argv: string[]) => Promise<number>): void {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`${name} failed: ${error instanceof Error ? error.stack : error}\n`);
      process.exitCode = 1;
    },
  );
}
