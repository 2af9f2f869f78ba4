/**
 * One evaluation of a metric alarm's datapoints: M out of N, TreatMissingData, and CloudWatch's
 * rules for missing data ("Configuring how CloudWatch alarms treat missing data"):
 * - CloudWatch reads an evaluation range longer than N periods. When it holds at least N real
 *   datapoints, the newest N are evaluated and TreatMissingData plays no part.
 * - Otherwise the missing periods among the newest N are filled per TreatMissingData: `breaching`
 *   and `notBreaching` fill them; `ignore` keeps the current state unless M real points breach;
 *   `missing` evaluates the real points only, goes to INSUFFICIENT_DATA when there are none, and
 *   does not alarm prematurely: with fewer than M breaching points it alarms only when the oldest
 *   breaching point is M periods old and every newer period is missing (`- - X - -` alarms for
 *   3 of 3; `- - - X -` and `- - - - X` do not).
 */
import type { AlarmState } from './composite-rule';

export type TreatMissing = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

/** One period of the evaluation range, oldest first: undefined = no datapoint. */
export type Point = { breaching: boolean } | undefined;

export interface StateDecision {
  /** The new state, or 'retain' to keep the current one. */
  state: AlarmState | 'retain';
  /** The periods the decision rests on (indices into the range), newest last. */
  used: number[];
  breaching: number;
}

/**
 * Decides the state from the evaluation range (oldest first; the last N entries are the newest N
 * periods).
 * @example decideState([undefined, undefined, {breaching: true}, undefined, undefined], 3, 3, 'missing').state // 'ALARM'
 */
export function decideState(
  range: readonly Point[],
  evaluationPeriods: number,
  datapointsToAlarm: number,
  treatMissing: TreatMissing,
): StateDecision {
  const real = range.map((p, i) => (p ? i : -1)).filter((i) => i >= 0);
  if (real.length >= evaluationPeriods) {
    const used = real.slice(-evaluationPeriods);
    const breaching = used.filter((i) => range[i]?.breaching).length;
    return { state: breaching >= datapointsToAlarm ? 'ALARM' : 'OK', used, breaching };
  }
  const newest = range.map((_, i) => i).slice(-evaluationPeriods);
  const present = newest.filter((i) => range[i] !== undefined);
  const realBreaching = present.filter((i) => range[i]?.breaching).length;
  switch (treatMissing) {
    case 'breaching': {
      const breaching = realBreaching + (newest.length - present.length);
      return { state: breaching >= datapointsToAlarm ? 'ALARM' : 'OK', used: newest, breaching };
    }
    case 'notBreaching':
      return {
        state: realBreaching >= datapointsToAlarm ? 'ALARM' : 'OK',
        used: newest,
        breaching: realBreaching,
      };
    case 'ignore':
      return {
        state: present.length > 0 && realBreaching >= datapointsToAlarm ? 'ALARM' : 'retain',
        used: present,
        breaching: realBreaching,
      };
    case 'missing':
      return decideMissing(range, newest, present, realBreaching, datapointsToAlarm);
  }
}

function decideMissing(
  range: readonly Point[],
  newest: number[],
  present: number[],
  realBreaching: number,
  datapointsToAlarm: number,
): StateDecision {
  if (range.every((p) => p === undefined)) return { state: 'INSUFFICIENT_DATA', used: [], breaching: 0 };
  if (realBreaching >= datapointsToAlarm) return { state: 'ALARM', used: present, breaching: realBreaching };
  const last = range.length - 1;
  const lastReal = present.at(-1);
  const oldestBreaching = present.find((i) => range[i]?.breaching);
  const allRealBreach = present.length > 0 && present.every((i) => range[i]?.breaching);
  if (
    allRealBreach &&
    lastReal !== undefined &&
    oldestBreaching !== undefined &&
    last - oldestBreaching >= datapointsToAlarm - 1 &&
    newest.filter((i) => i > lastReal).every((i) => range[i] === undefined)
  ) {
    return { state: 'ALARM', used: present, breaching: realBreaching };
  }
  // Not (yet) enough breaching points: OK once a real point does not breach, else wait.
  const notBreaching = present.length - realBreaching;
  return { state: notBreaching > 0 ? 'OK' : 'retain', used: present, breaching: realBreaching };
}
