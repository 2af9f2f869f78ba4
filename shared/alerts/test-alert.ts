/**
 * The test alert (`bedrock-watch alerts test`): a clearly marked message the deployed notifier sends
 * to each destination, or one, so a team sees its routing work end to end before an incident. It is
 * not an alarm: never escalated, never stored in the escalation state, severity info, and PagerDuty
 * and Opsgenie get it resolved (closed) at once under a key of its own, so no real incident is touched.
 * This file is the pure part: the request it recognises, the view, the requests per destination.
 */
import { isObject } from '../json';
import { destinationRequest, type HttpRequest } from './destinations/index';
import type { Target, TargetType } from './routing';
import type { DestinationSecret } from './secrets';
import type { AlertView } from './view';

/** The field of the notifier's invocation payload that asks for a test alert. */
export const TEST_ALERT_FIELD = 'bedrockWatchTest';

export const TEST_HEADLINE = 'TEST — bedrock-watch test alert, no action needed';

export interface TestAlertRequest {
  /** One destination by name, or null for every destination. */
  target: string | null;
  /** Who asked (user@host), shown in the message so a surprised reader knows whom to ask. */
  requestedBy: string;
}

export interface TestAlertAnswer {
  /** The test message itself, or the resolve (PagerDuty) / close (Opsgenie) that follows it. */
  request: 'alert' | 'resolve';
  status?: number;
  error?: string;
}

export interface TestAlertResult {
  target: string;
  type: TargetType;
  /** Every request of this destination was accepted (2xx). */
  ok: boolean;
  answers: TestAlertAnswer[];
}

export interface TestAlertReport {
  [TEST_ALERT_FIELD]: {
    results: TestAlertResult[];
    /** Why nothing was sent: no destination configured, an unknown name, a malformed request. */
    error?: { code: 'no-targets' | 'unknown-target' | 'bad-request'; message: string };
  };
}

/** What may appear of the requester in a message: no markup (Slack reads `<…>`, Teams Markdown). */
const cleanRequester = (s: string) => s.replace(/[^A-Za-z0-9._@+-]/g, '').slice(0, 64) || 'unknown';

/**
 * The test request in a notifier invocation: undefined when the event is not one (an SNS batch, the
 * tick), `{ invalid }` when it is one but malformed.
 * @example parseTestAlertRequest({ bedrockWatchTest: { target: 'slack', requestedBy: 'ana@laptop' } })
 */
export function parseTestAlertRequest(event: unknown): TestAlertRequest | { invalid: string } | undefined {
  if (!isObject(event) || !(TEST_ALERT_FIELD in event)) return undefined;
  const body = event[TEST_ALERT_FIELD];
  if (!isObject(body)) return { invalid: `${TEST_ALERT_FIELD} must be an object` };
  const target = body.target ?? null;
  if (target !== null && (typeof target !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(target)))
    return { invalid: 'target must be a destination name (lower case letters, digits and -) or null' };
  return {
    target,
    requestedBy: cleanRequester(typeof body.requestedBy === 'string' ? body.requestedBy : ''),
  };
}

/** The destinations a request names, or why it names none. */
export function testAlertTargets(
  targets: readonly Target[],
  wanted: string | null,
): Target[] | NonNullable<TestAlertReport[typeof TEST_ALERT_FIELD]['error']> {
  if (targets.length === 0)
    return {
      code: 'no-targets',
      message: 'the stack has no destination (the alertTargets parameter is empty)',
    };
  if (wanted === null) return [...targets];
  const found = targets.filter((t) => t.name === wanted);
  return found.length > 0
    ? found
    : {
        code: 'unknown-target',
        message: `no destination is named "${wanted}"; alertTargets defines ${targets.map((t) => t.name).join(', ')}`,
      };
}

/**
 * The view every destination lays out for the test: marked TEST in the headline, the summary and
 * the runbook; a dedup key of its own per test, so PagerDuty and Opsgenie never merge it with an alarm.
 */
export function testAlertView(namePrefix: string, requestedBy: string, nowMs: number): AlertView {
  const since = new Date(nowMs).toISOString();
  return {
    alarm: `${namePrefix}-test-alert`,
    // Not an alarm family: destinations print it as text only (PagerDuty's class, an Opsgenie tag), and
    // the test never reaches what looks families up (contributors, remediation).
    family: 'test' as AlertView['family'],
    key: 'test-alert',
    level: 'warning',
    state: 'ALARM',
    scope: { kind: 'all', label: 'test' },
    headline: TEST_HEADLINE,
    summary: `test alert requested by ${cleanRequester(requestedBy)} at ${since}: nothing is wrong`,
    since,
    reason: 'Requested with bedrock-watch alerts test.',
    meaning: 'This is a test of the alert routing of bedrock-watch: no alarm fired.',
    description: `A test message from the notifier of ${namePrefix}, to check that this destination receives alerts`,
    rationale: 'Sent on request only; never escalated, and resolved at once where alerts stay open.',
    runbook: [
      'Nothing to do: this message shows that alerts reach this destination.',
      'Not expected? Ask the person named above; only someone allowed to invoke the notifier can send it.',
    ],
    dedupKey: `bedrock-watch-test/${namePrefix}/${nowMs}`,
  };
}

/** The body of a JSON request, changed by `edit`. */
function editBody(request: HttpRequest, edit: (body: Record<string, unknown>) => void): HttpRequest {
  const body = JSON.parse(request.body) as Record<string, unknown>;
  edit(body);
  return { ...request, body: JSON.stringify(body) };
}

/**
 * The requests of the test to one destination, in order: the marked message, then for PagerDuty
 * (severity info) the resolve and for Opsgenie (priority P5) the close, so nothing stays open.
 * The webhook payload carries `test: true` beside the usual fields.
 */
export function testAlertRequests(view: AlertView, secret: DestinationSecret): HttpRequest[] {
  const alert = destinationRequest(view, 'trigger', secret);
  switch (secret.type) {
    case 'pagerduty':
      return [
        editBody(alert, (b) => {
          if (isObject(b.payload)) b.payload.severity = 'info';
        }),
        destinationRequest(view, 'resolve', secret),
      ];
    case 'opsgenie':
      return [
        editBody(alert, (b) => {
          b.priority = 'P5';
        }),
        destinationRequest(view, 'resolve', secret),
      ];
    case 'webhook':
      return [
        editBody(alert, (b) => {
          b.test = true;
        }),
      ];
    case 'slack':
    case 'teams':
      return [alert];
  }
}
