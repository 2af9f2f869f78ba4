/**
 * Per-account alarms, only for the accounts named in `watchedAccounts`: the service error rate of
 * the account's calls, at warning and critical, exactly as the all-models error rate (same
 * evidence, windows and thresholds) but over the account's own series (`[service, Account]`).
 * An account's budget is a budget scope (budget.ts, accountBudgets). Every other account has no
 * series and no alarm: it is ranked in the attribution lines (the `account` key).
 */

import { DIM_SERVICE } from '../../contract/metrics';
import { DIM_ACCOUNT } from '../../ingest/6-attribute';
import type { StackParameters } from '../parameters';
import { rateAlarms } from './rates';
import type { MetricAlarmDefinition, Scope, StackNames } from './types';

/** The scope of one watched account: key `account-111122223333`, scope (id) the account id. */
export function accountScope(params: StackParameters, account: string): Scope {
  return {
    key: `account-${account}`,
    id: account,
    label: `account ${account}`,
    dimensions: { [DIM_SERVICE]: params.serviceName, [DIM_ACCOUNT]: account },
  };
}

/**
 * The error-rate alarms of every watched account, in parameter order.
 * @example accountAlarms(parseStackParameters({ watchedAccounts: '111122223333' }), ctx).map((a) => a.key)
 * // ['error-rate-warning-account-111122223333', 'error-rate-critical-account-111122223333']
 */
export function accountAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  return params.watchedAccounts.flatMap((account) =>
    rateAlarms(params, ctx, accountScope(params, account)).filter((a) => a.family === 'error-rate'),
  );
}
