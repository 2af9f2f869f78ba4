/**
 * The weekly savings report on its way to chat and webhook destinations: the advisor publishes it
 * to the warning topic with the `bedrockWatch=advice` attribute; the notifier sends it once to each
 * destination of the warning policy, in that destination's format. It is not an alarm: no
 * escalation state, no remediation event, and the paging tools (PagerDuty, Opsgenie) skip it with a
 * counted, logged reason. A failed delivery is counted and logged, and not retried by Lambda: a
 * retry would post the report again to every destination that already has it.
 */
import { DEFAULT_RETRY, type DeliveryResult, deliver, networkErrorCode } from '../../shared/alerts/delivery';
import {
  DESTINATIONS,
  type DestinationSecret,
  parseDestinationSecret,
  reportRequest,
  reportSkipOf,
  STRICT_URLS,
} from '../../shared/alerts/destinations/index';
import type { Target, TargetType } from '../../shared/alerts/routing';
import type { SavingsReport } from '../../shared/alerts/savings-report';
import { HTTP_TIMEOUT_MS } from './http';
import type { NotifierDeps } from './notifier-deps';

export interface ReportOutcome {
  target: string;
  type: TargetType;
  result: 'sent' | 'failed' | 'skipped';
  /** Why it was skipped, or what failed (an HTTP status, a network code, a secret problem). */
  reason?: string;
}

/**
 * A target's secret, checked; or the failed delivery saying why not (an unreadable secret may be
 * readable later, a malformed one is refused until it is fixed).
 */
export async function destinationSecretOf(
  deps: Pick<NotifierDeps, 'secret' | 'urlPolicy'>,
  target: Target,
): Promise<{ secret: DestinationSecret } | { failed: DeliveryResult & { ok: false } }> {
  try {
    return {
      secret: parseDestinationSecret(
        target.type,
        await deps.secret(target.secret),
        deps.urlPolicy ?? STRICT_URLS,
      ),
    };
  } catch (error) {
    const unreadable = !(error instanceof Error) || error.name !== 'AlertSpecError';
    return {
      failed: unreadable
        ? {
            ok: false,
            permanent: false,
            attempts: 0,
            error: `secret unreadable (${networkErrorCode(error)})`,
          }
        : { ok: false, permanent: true, attempts: 0, error: (error as Error).message },
    };
  }
}

/** The destinations of the warning policy, each once, in the policy's order (a report does not escalate). */
export function reportTargets(deps: Pick<NotifierDeps, 'config'>): Target[] {
  const names = new Set(deps.config.policies.warning.flatMap((step) => step.targets));
  return deps.config.targets.filter((t) => names.has(t.name));
}

async function sendOne(
  deps: NotifierDeps,
  report: SavingsReport,
  target: Target,
  deadlineMs: number,
): Promise<ReportOutcome> {
  const base = { target: target.name, type: target.type };
  // Decided by the kind alone: a pager's secret is not even read.
  const skip = reportSkipOf(target.type);
  if (skip) return { ...base, result: 'skipped', reason: skip };
  const read = await destinationSecretOf(deps, target);
  if ('failed' in read) return { ...base, result: 'failed', reason: read.failed.error };
  const request = reportRequest(report, read.secret);
  if ('skip' in request) return { ...base, result: 'skipped', reason: request.skip };
  const result = await deliver(deps.http, request, {
    ...DEFAULT_RETRY,
    sleep: deps.sleep,
    idempotent: DESTINATIONS[target.type].idempotent,
    timeoutMs: HTTP_TIMEOUT_MS,
    deadlineMs,
    now: deps.now,
  });
  return result.ok ? { ...base, result: 'sent' } : { ...base, result: 'failed', reason: result.error };
}

/**
 * Sends the report to every warning destination at once (a hanging one does not hold up the
 * others), then counts and logs each outcome: delivered, failed, or skipped with its reason.
 */
export async function deliverSavingsReport(
  deps: NotifierDeps,
  report: SavingsReport,
  messageId: string | undefined,
  deadlineMs: number,
): Promise<ReportOutcome[]> {
  const targets = reportTargets(deps);
  if (targets.length === 0)
    deps.log('info', 'Savings report: no warning destination', { ...(messageId ? { messageId } : {}) });
  const outcomes = await Promise.all(targets.map((t) => sendOne(deps, report, t, deadlineMs)));
  for (const o of outcomes) {
    if (o.result === 'sent') deps.count('delivered');
    else if (o.result === 'failed') deps.count('failed', o.reason);
    else deps.count('skipped', o.reason);
    deps.log(o.result === 'failed' ? 'error' : 'info', 'Savings report delivery', {
      ...o,
      ...(messageId ? { messageId } : {}),
    });
  }
  return outcomes;
}
