/**
 * What each scenario in events/scenarios sends a team: critical and warning ALARM transitions and
 * the first minute of each level, from the simulator, as a Markdown table (docs/alarms.md quotes it).
 */
import { join } from 'node:path';
import { parseCli, runCli } from '../cli/common/cli';
import { runSimulation } from '../cli/simulate/run';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { SCENARIO_DIR } from './generate-scenarios';
import { alarmCounts, firstAlarmMinute } from './lib/scenario-check';
import { HEALTHY_WEEKS, SCENARIOS, type Scenario } from './lib/scenarios';

const USAGE = `usage: npm run -s alarm-table -- [--scenario NAME]...

Simulates every scenario of events/scenarios (or the ones named) with its own parameters and
prints one Markdown row each: critical and warning ALARM transitions (what the topics receive) and
the first critical and first warning, in minutes from the traffic's start.

  --scenario NAME   only this scenario (repeatable)
  -h, --help        this text

example: npm run -s alarm-table -- --scenario error-burst --scenario token-spike`;

/** The first ALARM of any alarm of a level, in minutes from the start. */
function firstOf(scenario: Scenario, result: Awaited<ReturnType<typeof runSimulation>>, level: string) {
  const start = Date.parse(scenario.traffic.start);
  const minutes = result.timelines
    .filter((t) => t.definition.level === level)
    .map((t) => firstAlarmMinute(t, start))
    .filter((m): m is number => m !== undefined);
  return minutes.length > 0 ? String(Math.min(...minutes)) : '–';
}

async function main(argv: string[]): Promise<number> {
  const args = parseCli('alarm-table', USAGE, argv, { scenario: { type: 'string', multiple: true } });
  if (typeof args === 'number') return args;
  const wanted = (args.values.scenario as string[] | undefined) ?? [];
  const all = [...SCENARIOS, ...HEALTHY_WEEKS];
  const unknown = wanted.filter((w) => !all.some((s) => s.name === w));
  if (unknown.length > 0) {
    process.stderr.write(`alarm-table: no scenario ${unknown.join(', ')}\n`);
    return 2;
  }
  process.stdout.write(
    '| scenario | critical | warnings | first critical (min) | first warning (min) |\n|---|---|---|---|---|\n',
  );
  for (const scenario of all.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
    const result = await runSimulation({
      paths: [join(SCENARIO_DIR, scenario.name)],
      params: parseStackParameters(scenario.params),
      deliveryLagSeconds: scenario.deliveryLagSeconds,
    });
    const counts = alarmCounts(result.timelines);
    process.stdout.write(
      `| \`${scenario.name}\` | ${counts.critical} | ${counts.warning} | ${firstOf(scenario, result, 'critical')} | ${firstOf(scenario, result, 'warning')} |\n`,
    );
  }
  return 0;
}

runCli(import.meta.url, 'alarm-table', main);
