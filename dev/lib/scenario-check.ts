/**
 * Checks a simulation against a scenario's expectations; the tests pin every scenario with it.
 */

import type { SimulationResult } from '../../cli/simulate/run';
import type { AlarmTimeline } from '../../shared/analysis/alarm-evaluator';
import type { AlarmRef, Scenario } from './scenarios';

const matches = (t: AlarmTimeline, ref: AlarmRef) =>
  t.definition.family === ref.family &&
  t.definition.scope === ref.scope &&
  (ref.level === undefined || t.definition.level === ref.level) &&
  (ref.key === undefined || t.definition.key === ref.key);

/**
 * ALARM transitions of the alarms that notify, per level: the pages (critical) and warnings a
 * run sends, as docs/alarms.md counts them from `simulate --json`.
 */
export function alarmCounts(timelines: readonly AlarmTimeline[]): { critical: number; warning: number } {
  const counts = { critical: 0, warning: 0 };
  for (const t of timelines) {
    const level = t.definition.level;
    if (level === 'none') continue;
    counts[level] += t.transitions.filter((tr) => tr.state === 'ALARM').length;
  }
  return counts;
}

/** Minutes from the traffic start to the alarm's first ALARM, or undefined. */
export function firstAlarmMinute(t: AlarmTimeline, startMs: number): number | undefined {
  const first = t.transitions.find((tr) => tr.state === 'ALARM');
  return first ? (first.atMs - startMs) / 60_000 : undefined;
}

/**
 * Every way the simulation departs from the scenario (empty when it holds).
 * @example scenarioProblems(scenario, await runSimulation(…)) // []
 */
export function scenarioProblems(scenario: Scenario, result: SimulationResult): string[] {
  const startMs = Date.parse(scenario.traffic.start);
  const problems: string[] = [];
  const expected = new Set<AlarmTimeline>();
  for (const fire of scenario.expect.fires) {
    const found = result.timelines.filter((t) => matches(t, fire));
    if (found.length === 0)
      problems.push(`no alarm ${fire.family}/${fire.scope}/${fire.level ?? 'any'} exists`);
    for (const t of found) {
      expected.add(t);
      const minute = firstAlarmMinute(t, startMs);
      const [from, to] = fire.withinMinutes;
      if (minute === undefined) problems.push(`${t.definition.key} never went to ALARM`);
      else if (minute < from || minute > to)
        problems.push(`${t.definition.key} first went to ALARM at minute ${minute}, expected ${from}–${to}`);
    }
  }
  const mustBeQuiet = result.timelines.filter(
    (t) =>
      t.simulated &&
      (scenario.expect.quiet.some((q) => matches(t, q)) ||
        (scenario.expect.othersQuiet && !expected.has(t) && t.definition.level !== 'none')),
  );
  for (const t of mustBeQuiet) {
    const minute = firstAlarmMinute(t, startMs);
    if (minute !== undefined)
      problems.push(`${t.definition.key} went to ALARM at minute ${minute}, expected quiet`);
  }
  const limit = scenario.expect.atMost;
  if (limit) {
    const counts = alarmCounts(result.timelines);
    for (const level of ['critical', 'warning'] as const)
      if (counts[level] > limit[level])
        problems.push(`${counts[level]} ${level} ALARM transitions, expected at most ${limit[level]}`);
  }
  return problems;
}
