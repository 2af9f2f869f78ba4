/**
 * Where alerts go, as data: the destinations a user configures (each with the name of the secret
 * that holds its webhook URL or key) and the escalation policy that says which destination hears
 * of an alarm after how many minutes. Parsed at package time (a bad spec fails the deploy) and
 * again by the notifier at start.
 */
import { DESTINATIONS, TARGET_TYPES, type TargetType } from './destinations/index';
import { AlertSpecError, specEntries } from './spec-error';

export { TARGET_TYPES, type TargetType } from './destinations/index';

export const SECRET_STORES = ['ssm', 'secretsmanager'] as const;
export type SecretStore = (typeof SECRET_STORES)[number];

/** A secret by name: an SSM SecureString parameter or a Secrets Manager secret. Never its value. */
export interface SecretRef {
  store: SecretStore;
  name: string;
}

export interface Target {
  /** The name the escalation policy uses, e.g. `pagerduty-high`. */
  name: string;
  type: TargetType;
  secret: SecretRef;
}

export interface EscalationStep {
  /** Minutes after the alarm went to ALARM. */
  afterMinutes: number;
  targets: string[];
}

const TARGET_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const SSM_NAME = /^\/?[A-Za-z0-9_.\-/]{1,1011}$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** State entries live this long after the last step, so the longest policy bounds the store. */
export const MAX_POLICY_MINUTES = 24 * 60;
const MAX_STEPS = 10;

/**
 * How long an incident stays clear before it is resolved: CloudWatch evaluates a multi-minute period
 * over a window that slides every minute, so at an incident's tail the alarm flaps ALARM → OK → ALARM
 * within minutes, and each flap would otherwise close the incident and page again.
 */
export const DEFAULT_RESOLVE_AFTER_MINUTES = 15;

/**
 * The hold before resolving, in whole minutes (0: resolve at once); absent: the default.
 * @example parseResolveAfterMinutes('5') // 5
 * @throws AlertSpecError for anything but a whole number of minutes within a day.
 */
export function parseResolveAfterMinutes(value: unknown): number {
  if (value === undefined || value === '') return DEFAULT_RESOLVE_AFTER_MINUTES;
  const minutes = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (
    typeof minutes !== 'number' ||
    !Number.isInteger(minutes) ||
    minutes < 0 ||
    minutes > MAX_POLICY_MINUTES
  )
    throw new AlertSpecError(
      `resolveAfterMinutes must be a whole number of minutes from 0 to ${MAX_POLICY_MINUTES}, not ${JSON.stringify(value)}`,
    );
  return minutes;
}

/**
 * `name=type:store:secretName;…` → the destinations, e.g.
 * `slack=slack:ssm:/bw/slack-webhook;pagerduty=pagerduty:secretsmanager:bw/pagerduty`.
 * @throws AlertSpecError naming the entry and what is wrong with it.
 */
export function parseTargets(spec: string): Target[] {
  const targets: Target[] = [];
  for (const entry of specEntries(spec)) {
    const match = /^([^=]+)=([^:]+):([^:]+):(.+)$/.exec(entry);
    if (!match) throw new AlertSpecError(`"${entry}" is not name=type:store:secretName`);
    const [name, type, store, secretName] = match.slice(1).map((s) => s.trim()) as [
      string,
      string,
      string,
      string,
    ];
    if (!TARGET_NAME.test(name))
      throw new AlertSpecError(`"${name}": a target name is lower case letters, digits and -, at most 32`);
    if (!(TARGET_TYPES as readonly string[]).includes(type))
      throw new AlertSpecError(`"${entry}": type "${type}" is not one of ${TARGET_TYPES.join(', ')}`);
    if (!(SECRET_STORES as readonly string[]).includes(store))
      throw new AlertSpecError(`"${entry}": secrets come from ssm or secretsmanager, not "${store}"`);
    const pattern = store === 'ssm' ? SSM_NAME : SECRET_NAME;
    if (!pattern.test(secretName))
      throw new AlertSpecError(`"${entry}": "${secretName}" is not a valid ${store} name`);
    if (targets.some((t) => t.name === name)) throw new AlertSpecError(`target "${name}" is defined twice`);
    targets.push({
      name,
      type: type as TargetType,
      secret: { store: store as SecretStore, name: secretName },
    });
  }
  return targets;
}

/** Paging destinations: an empty warning policy leaves them out, so a warning never pages anyone. */
export const isPager = (t: Target) => DESTINATIONS[t.type].pages;

/**
 * `minutes:target[,target];…` → the escalation steps, e.g. `0:slack;15:pagerduty;60:opsgenie`.
 * An empty spec notifies at once every target `byDefault` keeps (all of them unless told otherwise).
 * @throws AlertSpecError for an unknown target, minutes out of order or beyond a day.
 */
export function parsePolicy(
  spec: string,
  targets: readonly Target[],
  byDefault: (t: Target) => boolean = () => true,
): EscalationStep[] {
  const entries = specEntries(spec);
  if (entries.length === 0) {
    const names = targets.filter(byDefault).map((t) => t.name);
    return names.length > 0 ? [{ afterMinutes: 0, targets: names }] : [];
  }
  if (entries.length > MAX_STEPS) throw new AlertSpecError(`at most ${MAX_STEPS} escalation steps`);
  let previous = -1;
  return entries.map((entry) => {
    const match = /^(\d+)\s*:\s*(.+)$/.exec(entry);
    if (!match) throw new AlertSpecError(`"${entry}" is not minutes:target[,target]`);
    const afterMinutes = Number(match[1]);
    if (afterMinutes <= previous) throw new AlertSpecError(`"${entry}": steps must be in increasing minutes`);
    if (afterMinutes > MAX_POLICY_MINUTES)
      throw new AlertSpecError(`"${entry}": the last step must come within ${MAX_POLICY_MINUTES} minutes`);
    previous = afterMinutes;
    const names = (match[2] as string)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const name of names) {
      if (!targets.some((t) => t.name === name))
        throw new AlertSpecError(`"${entry}": no target is named "${name}" (alertTargets defines them)`);
    }
    return { afterMinutes, targets: names };
  });
}
