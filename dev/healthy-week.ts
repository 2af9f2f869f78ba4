/**
 * Simulates a healthy week through the real ingest handler and the stack's alarms, with the traffic
 * generated as it is read (dev/lib/traffic-batches.ts), so a week at 1,000 calls a minute needs no
 * fixture. Prints the ALARM transitions per level and per alarm: what a team would be sent.
 */

import { counted, parseCli, runCli } from '../cli/common/cli';
import { simulateBatches } from '../cli/simulate/run';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { alarmCounts } from './lib/scenario-check';
import { GENERATED_WEEKS, HEALTHY_WEEKS, type Scenario } from './lib/scenarios';
import { trafficBatches } from './lib/traffic-batches';

const WEEKS: Scenario[] = [...HEALTHY_WEEKS, ...GENERATED_WEEKS];

const USAGE = `usage: npm run -s healthy-week -- [--week NAME] [--defaults]

Generates a healthy week (dev/lib/scenarios.ts) call by call, feeds it to the simulator as
subscription batches, and prints the critical and warning ALARM transitions and which alarms made
them. The scenario watches both of its models; --defaults simulates the stack without watched models.

  --week NAME   ${WEEKS.map((w) => w.name).join(', ')} (default healthy-week-1000)
  --defaults    no watched models (the all-models alarms only)
  -h, --help    this text

example: npm run -s healthy-week -- --week healthy-week-10 --defaults`;

async function main(argv: string[]): Promise<number> {
  const args = parseCli('healthy-week', USAGE, argv, {
    week: { type: 'string' },
    defaults: { type: 'boolean' },
  });
  if (typeof args === 'number') return args;
  const name = (args.values.week as string | undefined) ?? 'healthy-week-1000';
  const week = WEEKS.find((w) => w.name === name);
  if (!week) {
    process.stderr.write(`healthy-week: no week "${name}" (${WEEKS.map((w) => w.name).join(', ')})\n`);
    return 2;
  }
  const params = parseStackParameters(args.values.defaults ? {} : week.params);
  const started = Date.now();
  const result = await simulateBatches(trafficBatches(week.traffic, week.name), {
    params,
    deliveryLagSeconds: week.deliveryLagSeconds,
  });
  const counts = alarmCounts(result.timelines);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
  process.stdout.write(
    `${week.name} (${args.values.defaults ? 'defaults' : 'watched models'}): ${counts.critical} critical, ${counts.warning} warning ALARM transitions in ${counted(result.batches.total, 'batch', 'batches')} (${seconds} s, ${rss} MiB RSS at the end)\n`,
  );
  for (const t of result.timelines) {
    const entries = t.transitions.filter((x) => x.state === 'ALARM');
    if (entries.length === 0) continue;
    const first = new Date(entries[0]?.atMs ?? 0).toISOString();
    process.stdout.write(
      `  ${t.definition.key} (${t.definition.level === 'none' ? 'input' : t.definition.level}) ×${entries.length}, first ${first}\n`,
    );
  }
  return 0;
}

runCli(import.meta.url, 'healthy-week', main);
