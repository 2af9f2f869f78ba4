/**
 * Benchmarks the alarm simulator: 24 hours of traffic at the reference volume (1,000,000
 * invocations a month over three models) through the real handler and every alarm of the default
 * stack plus one watched model. Prints figures; no thresholds. Usage: npm run -s bench:simulate [-- --json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counted, parseCli } from '../cli/common/cli';
import { DEFAULT_DELIVERY_LAG_SECONDS, runSimulation } from '../cli/simulate/run';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { generateTraffic } from './lib/scenario-traffic';

const USAGE = `usage: npm run -s bench:simulate [-- --json]

Simulates 24 hours of traffic at 1,000,000 invocations a month (three models) through the real
handler and every alarm of the default stack plus one watched model, and prints how long it took.

  --json       one JSON line of figures
  -h, --help   this text

example: npm run -s bench:simulate -- --json`;

const args = parseCli('bench:simulate', USAGE, process.argv.slice(2), { json: { type: 'boolean' } });
if (typeof args === 'number') process.exit(args);
const values = args.values;

// 1,000,000 a month is about 23 a minute on average; with the daily shape (a third at night) the peak is about 35.
const lines = generateTraffic({
  seed: 20261127,
  start: '2025-10-20T00:00:00Z',
  minutes: 1440,
  dailyShape: true,
  models: [
    {
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      perMinute: 17,
      latencyMedianMs: 700,
      inputTokens: 600,
      outputTokens: 250,
    },
    {
      modelId: 'amazon.nova-lite-v1:0',
      perMinute: 12,
      latencyMedianMs: 900,
      inputTokens: 500,
      outputTokens: 200,
    },
    {
      modelId: 'us.anthropic.claude-3-5-sonnet-20240620-v1:0',
      perMinute: 5,
      latencyMedianMs: 1500,
      inputTokens: 900,
      outputTokens: 400,
    },
  ],
  incidents: [],
});
const dir = mkdtempSync(join(tmpdir(), 'bw-bench-sim-'));
writeFileSync(join(dir, 'day.jsonl'), `${lines.join('\n')}\n`);
const started = performance.now();
const result = await runSimulation({
  paths: [dir],
  params: parseStackParameters({ watchedModels: 'anthropic.claude-3-haiku-20240307-v1:0' }),
  deliveryLagSeconds: DEFAULT_DELIVERY_LAG_SECONDS,
});
const seconds = (performance.now() - started) / 1000;
rmSync(dir, { recursive: true, force: true });
const figures = {
  records: lines.length,
  batches: result.batches.total,
  alarms: result.timelines.length,
  evaluatedMinutes: Math.round((result.toMs - result.fromMs) / 60_000) + 1,
  seconds: Number(seconds.toFixed(2)),
};
process.stdout.write(
  values.json
    ? `${JSON.stringify(figures)}\n`
    : `simulated ${figures.records.toLocaleString('en-US')} records (${counted(figures.batches, 'batch', 'batches')}), ${figures.alarms} alarms over ${figures.evaluatedMinutes} minutes in ${figures.seconds} s\n`,
);
