/**
 * The example remediation action: a switch in SSM Parameter Store per scope, which applications read
 * to fail over to a cheaper model or another region. ON while any alarm that turns it on (the
 * scope's critical budget alarm, its projection) is in ALARM, OFF once all of them are OK: the
 * handler reads their current state rather than trusting the order events arrive in. Pure: event
 * and alarm states in, parameter out.
 */
import { BUDGET_LEVELS } from '../../shared/alerts/budgets';
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
    /** The alarms that keep it on, in ALARM now (set by `withCurrentState`). */
    alarms?: string[];
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

const CRITICAL_PCT = BUDGET_LEVELS.find((l) => l.level === 'critical')?.pct ?? 90;

/**
 * Every alarm that turns the switch of this event's scope on: its critical budget alarm and its
 * projection, named as the stack names them (`<prefix>-budget-<pct>-<token>`, `<prefix>-budget-projection-<token>`).
 * @example triggeringAlarms({ alarm: 'bw-budget-90-all', key: 'budget-90-all' }) // ['bw-budget-90-all', 'bw-budget-projection-all']
 */
export function triggeringAlarms(detail: unknown): string[] {
  if (!isObject(detail) || typeof detail.alarm !== 'string') return [];
  const { alarm, key } = detail;
  const token = typeof key === 'string' ? /^budget-(?:projection|\d+)-(.+)$/.exec(key)?.[1] : undefined;
  if (typeof key !== 'string' || !token || !alarm.endsWith(`-${key}`)) return [alarm];
  const prefix = alarm.slice(0, -(key.length + 1));
  return [`${prefix}-budget-${CRITICAL_PCT}-${token}`, `${prefix}-budget-projection-${token}`];
}

/** The switch as the alarms' current states say: on while any of them is in ALARM. */
export function withCurrentState(target: FailoverSwitch, states: Map<string, string>): FailoverSwitch {
  const alarms = [...states]
    .filter(([, state]) => state === 'ALARM')
    .map(([name]) => name)
    .sort();
  return { ...target, value: { ...target.value, active: alarms.length > 0, alarms } };
}

/** The custom-resource request that keeps the switches from outliving the action (deploy/stack/remediation.ts). */
export interface SwitchCleanupRequest {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties?: Record<string, unknown>;
}

/** Whether an event is a CloudFormation custom-resource request rather than a remediation event. */
export function isCleanupRequest(event: unknown): event is SwitchCleanupRequest {
  return (
    isObject(event) &&
    (event.RequestType === 'Create' || event.RequestType === 'Update' || event.RequestType === 'Delete') &&
    typeof event.ResponseURL === 'string' &&
    typeof event.StackId === 'string' &&
    typeof event.RequestId === 'string' &&
    typeof event.LogicalResourceId === 'string'
  );
}

/**
 * Whether the request removes the action, so every switch must go: the stack is deleted (or the
 * resource with it), or an update turned failoverSwitch off (`Enabled` is "false"; CloudFormation
 * passes properties as strings). A switch left on would keep applications failed over for good.
 * @example clearsSwitches({ RequestType: 'Update', ResourceProperties: { Enabled: 'false' } }) // true
 */
export function clearsSwitches(
  request: Pick<SwitchCleanupRequest, 'RequestType' | 'ResourceProperties'>,
): boolean {
  if (request.RequestType === 'Delete') return true;
  return String(request.ResourceProperties?.Enabled) === 'false';
}

/** SSM's DeleteParameters takes at most 10 names a call. */
export const DELETE_BATCH = 10;

/** Names in batches of DELETE_BATCH. */
export function deleteBatches(names: readonly string[]): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += DELETE_BATCH) batches.push(names.slice(i, i + DELETE_BATCH));
  return batches;
}
