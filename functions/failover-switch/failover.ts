/**
 * The example remediation action: a switch in SSM Parameter Store per scope, which applications read
 * to fail over to a cheaper model or another region. ON while a budget is at its critical level or
 * its month is projected to overrun, OFF when the alarm returns to OK. Pure: event in, parameter out.
 */
import { isObject } from '../../shared/json';

/** The switch of one scope, as applications read it. */
export interface FailoverSwitch {
  name: string;
  value: {
    active: boolean;
    /** The alarm that flipped it, its state, and since when. */
    alarm: string;
    state: 'ALARM' | 'OK';
    since: string;
    scope: string;
  };
}

/** `all`, a model id or `team=search` as a parameter-name segment (letters, digits, `.-_` only). */
export const scopeSegment = (scope: string) => scope.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 200) || 'all';

/**
 * The switch a remediation event sets, or undefined for an event this action ignores (another
 * family, a warning, or not the version-1 schema).
 * @example failoverSwitch(event.detail, '/bedrock-watch/prod/failover')?.name // '/bedrock-watch/prod/failover/all'
 */
export function failoverSwitch(detail: unknown, prefix: string): FailoverSwitch | undefined {
  if (!isObject(detail) || detail.version !== '1') return undefined;
  const { family, level, state, scope, alarm, since } = detail;
  if (family !== 'budget' && family !== 'budget-projection') return undefined;
  // The 90 % budget alarm is the critical one; the projection is a warning that flips the switch too.
  if (family === 'budget' && level !== 'critical') return undefined;
  if ((state !== 'ALARM' && state !== 'OK') || typeof scope !== 'string' || typeof alarm !== 'string')
    return undefined;
  return {
    name: `${prefix}/${scopeSegment(scope)}`,
    value: { active: state === 'ALARM', alarm, state, since: typeof since === 'string' ? since : '', scope },
  };
}
