/**
 * A month through the local tools, for `npm run bench`: writes a generated 30-day `.jsonl` at the
 * reference volume (1,000,000 calls over the sample set's models) and runs replay, simulate with
 * the default stack, simulate with a budget, a watched model and token spikes, and preview on it,
 * each in a fresh process (dev/lib/bench-month-child.ts) so each peak RSS is its own. Figures only.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type BenchFile, withBenchFile } from './bench-replay';

export const MONTH_MODES = ['replay', 'simulate', 'simulate-full', 'preview'] as const;
export type MonthMode = (typeof MONTH_MODES)[number];

/** The parameters of the "FinOps" run: a monthly budget, one watched model, token-spike alarms. */
export const FULL_SIMULATION_PARAMS = [
  'monthlyBudgetUsd=5000',
  'watchedModels=anthropic.claude-3-haiku-20240307-v1:0',
  'tokenSpikeAlarms=true',
] as const;

/** The command and arguments one mode runs. */
export function monthModeArgs(
  mode: MonthMode,
  file: string,
  previewOut: string,
): { command: 'replay' | 'simulate' | 'preview'; argv: string[] } {
  switch (mode) {
    case 'replay':
      return { command: 'replay', argv: [file] };
    case 'simulate':
      return { command: 'simulate', argv: [file] };
    case 'simulate-full':
      return { command: 'simulate', argv: [...FULL_SIMULATION_PARAMS.flatMap((p) => ['--param', p]), file] };
    case 'preview':
      return { command: 'preview', argv: ['--out', previewOut, file] };
  }
}

export interface MonthMeasurement {
  mode: MonthMode;
  exitCode: number;
  ms: number;
  cpuMs: number;
  peakRssMb: number;
}

export interface MonthScale {
  file: BenchFile;
  replay: MonthMeasurement;
  simulate: MonthMeasurement;
  simulateFull: MonthMeasurement;
  preview: MonthMeasurement;
  /** Wall time over replay's, measured in the same run. Targets: 5 and 8. */
  simulateOverReplay: number;
  simulateFullOverReplay: number;
}

/** One mode in a fresh Node process (with tsx); its output goes nowhere, its figures come on stderr. */
function measureInChild(mode: MonthMode, path: string): MonthMeasurement {
  const script = join(import.meta.dirname, 'bench-month-child.ts');
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, mode, path], {
    cwd: join(import.meta.dirname, '..', '..'),
    encoding: 'utf8',
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = run.stderr.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !last.startsWith('{'))
    throw new Error(`bench month ${mode} failed (exit ${run.status}): ${run.stderr.slice(-2000)}`);
  return JSON.parse(last) as MonthMeasurement;
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(2));

/** Writes the month into a temporary folder and measures each mode once, replay first. */
export function monthScale(
  options: { records: number; days: number },
  log: (line: string) => void,
): Promise<MonthScale> {
  return withBenchFile('month.jsonl', options, log, (path, file) => {
    const measured = {} as Record<MonthMode, MonthMeasurement>;
    for (const mode of MONTH_MODES) {
      measured[mode] = measureInChild(mode, path);
      log(`month: ${mode} ${measured[mode].ms} ms, peak RSS ${measured[mode].peakRssMb} MB`);
    }
    return {
      file,
      replay: measured.replay,
      simulate: measured.simulate,
      simulateFull: measured['simulate-full'],
      preview: measured.preview,
      simulateOverReplay: ratio(measured.simulate.ms, measured.replay.ms),
      simulateFullOverReplay: ratio(measured['simulate-full'].ms, measured.replay.ms),
    };
  });
}
