/**
 * Replay's error figures as the stack's rate alarms count them (shared/monitoring/alarms/rates.ts):
 * the error-rate alarm counts the server errors, the client-error-rate warning the client errors,
 * the throttle-rate alarm throttling alone, each as a share of all calls (throttled ones included). The errors are split
 * by who caused them: client errors are the caller's own (a bad request, a missing permission),
 * server errors the service's or the model's (a fault, a timeout, a model error).
 */
import type { ModelTotals } from '../../shared/analysis/summary';
import { ERROR_CLASSES, ERROR_GROUP_OF, type ErrorGroup } from '../../shared/contract/error-classes';

export { ERROR_GROUP_OF, type ErrorGroup };

/** The `alarmErrors` of a model (and of all models) in `--json`. */
export interface AlarmErrors {
  /** Errors of every class but throttling: what the error-rate alarms count. */
  errors: number;
  /** Of them, the service's and the model's: server faults, timeouts, model errors. */
  serverErrors: number;
  /** Of them, the caller's own: validation and authorisation errors. */
  clientErrors: number;
  /** Throttled calls: what the throttle-rate alarms count. */
  throttles: number;
  /** errors as a percentage of calls (2 decimals); null without calls. */
  errorPct: number | null;
  /** throttles as a percentage of calls (2 decimals); null without calls. */
  throttlePct: number | null;
}

const pct2 = (part: number, whole: number) => (whole > 0 ? Math.round((10_000 * part) / whole) / 100 : null);

export function alarmErrorsOf(m: Pick<ModelTotals, 'errors' | 'invocations'>): AlarmErrors {
  const sum = (group: ErrorGroup) =>
    ERROR_CLASSES.reduce((a, c) => a + (ERROR_GROUP_OF[c] === group ? m.errors[c] : 0), 0);
  const serverErrors = sum('server');
  const clientErrors = sum('client');
  const throttles = sum('throttle');
  const errors = serverErrors + clientErrors;
  return {
    errors,
    serverErrors,
    clientErrors,
    throttles,
    errorPct: pct2(errors, m.invocations),
    throttlePct: pct2(throttles, m.invocations),
  };
}
