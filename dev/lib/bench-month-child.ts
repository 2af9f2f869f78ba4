/**
 * Runs one local command (replay, simulate, preview) on FILE in this process, as a user runs it,
 * with its output discarded, and prints one JSON line on stderr: wall and CPU time and this
 * process's peak RSS. npm run -s bench runs it in fresh processes on a generated month.
 * Usage: tsx dev/lib/bench-month-child.ts MODE FILE   (MODE: replay | simulate | simulate-full | preview)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../cli/commands';
import { MONTH_MODES, type MonthMode, monthModeArgs } from './bench-month';

const [mode, file] = process.argv.slice(2);
if (!MONTH_MODES.includes(mode as MonthMode) || file === undefined) {
  process.stderr.write(`usage: tsx dev/lib/bench-month-child.ts ${MONTH_MODES.join('|')} FILE\n`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'bw-bench-month-'));
const { command, argv } = monthModeArgs(mode as MonthMode, file, join(dir, 'preview.html'));
// The command's modules load before the clock starts, as in the replay bench.
const main = COMMANDS[command].main;
const started = performance.now();
const cpu = process.cpuUsage();
const code = await main(argv);
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
rmSync(dir, { recursive: true, force: true });
process.stderr.write(
  `${JSON.stringify({
    mode,
    exitCode: code,
    ms: Number(ms.toFixed(1)),
    cpuMs: Number(((used.user + used.system) / 1000).toFixed(1)),
    peakRssMb: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
  })}\n`,
);
