/**
 * When the change that set an alarm off began, as near as the simulator can see it: the first
 * minute, within the evaluation range that decided the ALARM, at which the alarm's metric (its
 * newest period, as CloudWatch reads it) breached the threshold. Found by evaluating a 1-of-1 copy
 * of the alarm's own definition over that range, so it follows whatever period and M of N the
 * definition has. The traffic changed at least the delivery lag before it.
 */
import { evaluateAlarms } from '../../shared/analysis/alarm-evaluator';
import { DEFAULT_ANOMALY_MODEL } from '../../shared/analysis/anomaly-band';
import { type AlarmDefinition, compositeAlarmRule } from '../../shared/monitoring/alarms/index';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { derivable, type SimulationResult } from './run';

/** The period of an alarm's metric, in seconds (the first query that names one). */
const periodOf = (def: AlarmDefinition & { kind: 'metric' }) =>
  def.queries.find((q) => q.metric)?.metric?.period ?? def.queries.find((q) => q.period)?.period ?? 60;

/** `breachOf(def, atMs)`: the first breaching minute behind the ALARM of `def` at `atMs` (a composite: its earliest child's). */
export function breachFinder(result: SimulationResult, params: StackParameters) {
  const byKey = new Map(result.definitions.map((d) => [d.key, d]));
  const isDerivable = derivable(params, result.names);
  const breachOf = (def: AlarmDefinition, atMs: number): number => {
    if (def.kind === 'composite') {
      const children = def.allOf.flatMap((k) => {
        const child = byKey.get(k);
        return child ? [breachOf(child, atMs)] : [];
      });
      return Math.min(atMs, ...children);
    }
    const copy: AlarmDefinition = { ...def, evaluationPeriods: 1, datapointsToAlarm: 1 };
    const [timeline] = evaluateAlarms([copy], result.store, {
      fromMs: Math.max(result.fromMs, atMs - def.evaluationPeriods * periodOf(def) * 1000),
      toMs: atMs,
      isDerivable,
      ruleOf: (c) => compositeAlarmRule(c, result.definitions),
      anomaly: DEFAULT_ANOMALY_MODEL,
    });
    return timeline?.transitions.find((t) => t.state === 'ALARM')?.atMs ?? atMs;
  };
  return breachOf;
}

/** Every ALARM transition's breach time, by `key@atMs`. */
export function breachTimes(result: SimulationResult, params: StackParameters): Map<string, number> {
  const breachOf = breachFinder(result, params);
  const out = new Map<string, number>();
  for (const t of result.timelines)
    for (const tr of t.transitions)
      if (t.simulated && tr.state === 'ALARM')
        out.set(`${t.definition.key}@${tr.atMs}`, breachOf(t.definition, tr.atMs));
  return out;
}
