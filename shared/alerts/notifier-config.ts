/**
 * The notifier's settings, as the deploy writes them into BEDROCK_WATCH_NOTIFIER and the function
 * reads them back at start: names of things (alarms, topics, dashboards, secrets), never a secret.
 */
import { isObject } from '../json';
import type { DashboardKey } from './families';
import {
  type EscalationStep,
  isPager,
  parsePolicy,
  parseResolveAfterMinutes,
  parseTargets,
  type Target,
} from './routing';
import { AlertSpecError } from './spec-error';

export const NOTIFIER_ENV = 'BEDROCK_WATCH_NOTIFIER';

/** What the deploy writes (the specs as given, so the function parses them with the same code). */
export interface NotifierSettings {
  namePrefix: string;
  namespace: string;
  service: string;
  targets: string;
  escalationPolicy: string;
  warningPolicy: string;
  tableName: string;
  topics: { warning: string; critical: string };
  dashboards: Partial<Record<DashboardKey, string>>;
  attributionKeys: string[];
  /** The event bus remediation events go to; absent when they are off. */
  eventBus?: string;
  /** Minutes an incident must stay clear before it is resolved (0: at once); absent: 15. */
  resolveAfterMinutes?: number | string;
}

export interface NotifierConfig
  extends Omit<NotifierSettings, 'targets' | 'escalationPolicy' | 'warningPolicy' | 'resolveAfterMinutes'> {
  targets: Target[];
  policies: { warning: EscalationStep[]; critical: EscalationStep[] };
  resolveAfterMinutes: number;
}

const isStringRecord = (v: unknown): v is Record<string, string> =>
  isObject(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * Reads and checks the settings.
 * @throws AlertSpecError naming what is missing or malformed.
 */
export function parseNotifierConfig(raw: string | undefined): NotifierConfig {
  let value: unknown;
  try {
    value = JSON.parse(raw ?? '');
  } catch {
    throw new AlertSpecError(`${NOTIFIER_ENV} is missing or not JSON`);
  }
  if (!isObject(value)) throw new AlertSpecError(`${NOTIFIER_ENV} is not an object`);
  for (const key of [
    'namePrefix',
    'namespace',
    'service',
    'targets',
    'escalationPolicy',
    'warningPolicy',
    'tableName',
  ])
    if (typeof value[key] !== 'string') throw new AlertSpecError(`${NOTIFIER_ENV}.${key} must be a string`);
  const topics = value.topics;
  if (!isStringRecord(topics) || !topics.warning || !topics.critical)
    throw new AlertSpecError(`${NOTIFIER_ENV}.topics must name the warning and critical topics`);
  if (!isStringRecord(value.dashboards))
    throw new AlertSpecError(`${NOTIFIER_ENV}.dashboards must map keys to names`);
  if (!Array.isArray(value.attributionKeys) || !value.attributionKeys.every((k) => typeof k === 'string'))
    throw new AlertSpecError(`${NOTIFIER_ENV}.attributionKeys must be a list of keys`);
  const settings = value as unknown as NotifierSettings;
  const targets = parseTargets(settings.targets);
  return {
    namePrefix: settings.namePrefix,
    namespace: settings.namespace,
    service: settings.service,
    tableName: settings.tableName,
    topics: { warning: topics.warning, critical: topics.critical },
    dashboards: settings.dashboards,
    attributionKeys: settings.attributionKeys,
    ...(typeof value.eventBus === 'string' ? { eventBus: value.eventBus } : {}),
    targets,
    policies: {
      warning: parsePolicy(settings.warningPolicy, targets, (t) => !isPager(t)),
      critical: parsePolicy(settings.escalationPolicy, targets),
    },
    resolveAfterMinutes: parseResolveAfterMinutes(value.resolveAfterMinutes),
  };
}

/**
 * The level of an alarm from the topic that delivered it (`…:<prefix>-critical`), or undefined for
 * a topic that is not ours.
 */
export function levelOfTopic(
  topicArn: string,
  topics: NotifierConfig['topics'],
): 'warning' | 'critical' | undefined {
  if (topicArn.endsWith(`:${topics.critical}`)) return 'critical';
  if (topicArn.endsWith(`:${topics.warning}`)) return 'warning';
  return undefined;
}
