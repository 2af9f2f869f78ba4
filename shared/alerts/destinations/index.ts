/**
 * The destinations, as one typed table: each kind's pager rule, secret parser and request builder.
 * To add a kind, add its entry here (and its file); the target types, the warning-policy default,
 * secret parsing and sending follow from the table, and the compiler lists whatever else must change.
 */
import { isObject } from '../../json';
import type { SavingsReport } from '../savings-report';
import { AlertSpecError } from '../spec-error';
import type { AlertView } from '../view';
import { OPSGENIE } from './opsgenie';
import { PAGERDUTY } from './pagerduty';
import type { AlertAction, Destination, HttpRequest } from './request';
import { SLACK } from './slack';
import { TEAMS } from './teams';
import { STRICT_URLS, type UrlPolicy } from './url';
import { WEBHOOK } from './webhook';

export { OPSGENIE_API, OPSGENIE_HOSTS } from './opsgenie';
export { PAGERDUTY_ENDPOINT, PAGERDUTY_HOSTS } from './pagerduty';
export type { AlertAction, Destination, HttpRequest, ReportRule } from './request';
export { STRICT_URLS, type UrlPolicy } from './url';

// biome-ignore lint/suspicious/noExplicitAny: each entry fixes its own secret type; the table only checks the shape.
type AnyDestination = Destination<any>;

export const DESTINATIONS = {
  slack: SLACK,
  pagerduty: PAGERDUTY,
  opsgenie: OPSGENIE,
  teams: TEAMS,
  webhook: WEBHOOK,
} as const satisfies Record<string, AnyDestination>;

export type TargetType = keyof typeof DESTINATIONS;
export const TARGET_TYPES = Object.keys(DESTINATIONS) as TargetType[];

/** What the secret of each kind holds, tagged with the kind. */
export type DestinationSecret = {
  [T in TargetType]: { type: T } & ReturnType<(typeof DESTINATIONS)[T]['parseSecret']>;
}[TargetType];

function asJson(raw: string): Record<string, unknown> | undefined {
  if (!raw.trim().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return isObject(value) ? value : undefined;
  } catch {
    throw new AlertSpecError('the secret starts like JSON but is not JSON');
  }
}

/**
 * A destination's secret value, checked for its type: a webhook URL, a PagerDuty routing key or an
 * Opsgenie API key, or a JSON object with extras (an EU endpoint, a webhook's auth header).
 * `urls` is strict unless a test says otherwise.
 * @throws AlertSpecError saying what is wrong, never what the value is.
 * @example parseDestinationSecret('pagerduty', '{"routingKey": "…", "endpoint": "https://events.eu.pagerduty.com/v2/enqueue"}')
 */
export function parseDestinationSecret(
  type: TargetType,
  raw: string,
  urls: UrlPolicy = STRICT_URLS,
): DestinationSecret {
  const destination: AnyDestination = DESTINATIONS[type];
  return { ...destination.parseSecret(raw, asJson(raw), urls), type } as DestinationSecret;
}

/**
 * The request for `view` to the destination `secret` describes.
 * @example destinationRequest(view, 'trigger', parseDestinationSecret('slack', url))
 */
export function destinationRequest(
  view: AlertView,
  action: AlertAction,
  secret: DestinationSecret,
): HttpRequest {
  const destination: AnyDestination = DESTINATIONS[secret.type];
  return destination.request(view, action, secret);
}

/**
 * The weekly savings report's request to the destination `secret` describes, or why that kind gets
 * none (the paging tools: a report must not open an incident).
 * @example reportRequest(report, parseDestinationSecret('teams', url))
 */
export function reportRequest(
  report: SavingsReport,
  secret: DestinationSecret,
): HttpRequest | { skip: string } {
  const rule: AnyDestination['report'] = DESTINATIONS[secret.type].report;
  return 'skip' in rule ? { skip: rule.skip } : rule.request(report, secret);
}

/** Why a kind of destination gets no savings report, or undefined when it gets one. */
export function reportSkipOf(type: TargetType): string | undefined {
  const rule: AnyDestination['report'] = DESTINATIONS[type].report;
  return 'skip' in rule ? rule.skip : undefined;
}
