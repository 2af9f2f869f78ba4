/**
 * The notifier's side of `bedrock-watch alerts test`: invoked directly (Lambda Invoke,
 * RequestResponse) with a `bedrockWatchTest` payload, it sends the marked test message to each
 * destination, or the one named, through the same secrets and HTTP sender as real alerts, and
 * answers with each destination's result. It touches no escalation state and counts no delivery
 * metric (a test is not an alert); each result is logged, without secrets.
 */
import { type DeliveryResult, deliver } from '../../shared/alerts/delivery';
import { DESTINATIONS, parseDestinationSecret, STRICT_URLS } from '../../shared/alerts/destinations/index';
import type { Target } from '../../shared/alerts/routing';
import {
  TEST_ALERT_FIELD,
  type TestAlertAnswer,
  type TestAlertReport,
  type TestAlertRequest,
  type TestAlertResult,
  testAlertRequests,
  testAlertTargets,
  testAlertView,
} from '../../shared/alerts/test-alert';
import { HTTP_TIMEOUT_MS } from './http';
import type { NotifierDeps, NotifierReport } from './notifier';

/** One try per request: the user wants each destination's own answer now, within the function's timeout. */
const ONE_TRY = { attempts: 1, backoffMs: 0 };

const errorName = (error: unknown) => (error instanceof Error ? error.name : 'error');

async function testOne(deps: NotifierDeps, target: Target, requestedBy: string): Promise<TestAlertResult> {
  const failed = (error: string): TestAlertResult => ({
    target: target.name,
    type: target.type,
    ok: false,
    answers: [{ request: 'alert', error }],
  });
  let raw: string;
  try {
    raw = await deps.secret(target.secret);
  } catch (error) {
    return failed(`secret ${target.secret.store}:${target.secret.name} unreadable (${errorName(error)})`);
  }
  let secret: ReturnType<typeof parseDestinationSecret>;
  try {
    // The same URL rules as real alerts: a test never reaches an address an alert could not.
    secret = parseDestinationSecret(target.type, raw, deps.urlPolicy ?? STRICT_URLS);
  } catch (error) {
    return failed(error instanceof Error ? error.message : 'bad secret');
  }
  const view = testAlertView(deps.config.namePrefix, requestedBy, deps.now());
  const answers: TestAlertAnswer[] = [];
  for (const [i, request] of testAlertRequests(view, secret).entries()) {
    const result: DeliveryResult = await deliver(deps.http, request, {
      ...ONE_TRY,
      sleep: deps.sleep,
      idempotent: DESTINATIONS[target.type].idempotent,
      timeoutMs: HTTP_TIMEOUT_MS,
      now: deps.now,
    });
    answers.push({
      request: i === 0 ? 'alert' : 'resolve',
      ...(result.status !== undefined ? { status: result.status } : {}),
      ...(result.ok ? {} : { error: result.error }),
    });
    // A refused test message leaves nothing open to resolve.
    if (!result.ok) break;
  }
  return { target: target.name, type: target.type, ok: answers.every((a) => !a.error), answers };
}

/** The handler's answer: no alarm outcome, nothing rejected, and the test's own report. */
const answer = (test: TestAlertReport[typeof TEST_ALERT_FIELD]): NotifierReport & TestAlertReport => ({
  outcomes: [],
  rejected: [],
  [TEST_ALERT_FIELD]: test,
});

/**
 * Sends the test alert to every destination the request names, concurrently (a hanging one does
 * not hold up the others), and reports each.
 */
export async function handleTestAlert(
  deps: NotifierDeps,
  request: TestAlertRequest | { invalid: string },
): Promise<NotifierReport & TestAlertReport> {
  if ('invalid' in request)
    return answer({ results: [], error: { code: 'bad-request', message: request.invalid } });
  const targets = testAlertTargets(deps.config.targets, request.target);
  if (!Array.isArray(targets)) {
    deps.log('warn', 'Test alert not sent', { reason: targets.code });
    return answer({ results: [], error: targets });
  }
  const results = await Promise.all(targets.map((t) => testOne(deps, t, request.requestedBy)));
  for (const r of results)
    deps.log(r.ok ? 'info' : 'warn', 'Test alert delivery', {
      target: r.target,
      type: r.type,
      ok: r.ok,
      answers: r.answers,
      requestedBy: request.requestedBy,
    });
  return answer({ results });
}
