/**
 * Which incident an alarm belongs to: what one cause sets off is one incident. Warning and critical
 * of the same family and scope are one incident, and so are an all-models alarm and the per-model
 * alarms of its family behind it (a Haiku error burst sets off the Haiku and the all-models error
 * alarms, at both levels). A team's alarms (a team budget) are the team's own incident. Pure: the
 * notifier and the simulator group with this same function.
 */
import type { AlarmEvent } from './alarm-event';
import { familyOf } from './families';
import { scopeOf } from './view';

/**
 * The incident key of an alarm of this stack (e.g. `error-rate`, `budget/team=search`); undefined
 * for an alarm that is not this stack's or of a family the notifier does not know.
 * @example incidentKeyOf({ name: 'bw-prod-error-rate-critical-haiku', dimensions: { ModelId: '…' } }, 'bw-prod') // 'error-rate'
 */
export function incidentKeyOf(
  alarm: Pick<AlarmEvent, 'name' | 'dimensions'>,
  namePrefix: string,
): string | undefined {
  const named = familyOf(alarm.name, namePrefix);
  if (!named) return undefined;
  const scope = scopeOf(alarm.dimensions);
  return scope.kind === 'team' && scope.team
    ? `${named.family}/${scope.team.dimension}=${scope.team.value}`
    : named.family;
}
