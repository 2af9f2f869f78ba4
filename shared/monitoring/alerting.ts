/**
 * What the alerting parameters mean for the rest of the stack, in one place: which budgets and
 * token-spike scopes exist, whether the notifier is deployed, and what the hourly (month-to-date)
 * function must publish for them. Read by the alarm definitions, deploy/ and the alarm simulator.
 */
import { type BudgetScope, budgetScopes, parseAccountBudgets } from '../alerts/budgets';
import type { HourlySettings } from '../alerts/hourly-settings';
import { DIM_MODEL_ID } from '../contract/metrics';
import type { StackParameters } from './parameters';

/** Every budget of the stack, all models first, accounts last. */
export function stackBudgets(params: StackParameters): BudgetScope[] {
  return [
    ...budgetScopes(params.monthlyBudgetUsd, params.modelBudgets, params.teamBudgets),
    ...parseAccountBudgets(params.accountBudgets),
  ];
}

/**
 * The accounts the ingest function writes per-account series for: the watched ones, then those
 * with only a budget (whose alarm reads the cost series), each once.
 */
export function seriesAccounts(params: StackParameters): string[] {
  const budgeted = parseAccountBudgets(params.accountBudgets).map((b) => b.id.slice('account='.length));
  return [...new Set([...params.watchedAccounts, ...budgeted])];
}

/** The scopes whose hourly tokens are compared with their baseline: all models, then each watched model. */
export function tokenSpikeScopes(
  params: StackParameters,
): { id: string; dimensions: Record<string, string> }[] {
  if (!params.tokenSpikeAlarms) return [];
  return [
    { id: 'all', dimensions: {} },
    ...params.watchedModels.map((m) => ({ id: m, dimensions: { [DIM_MODEL_ID]: m } })),
  ];
}

/** The notifier runs when it has somewhere to send to, or events to publish. */
export function notifierEnabled(params: StackParameters): boolean {
  return params.alertTargets.trim() !== '' || params.remediationEvents;
}

/** The queue the notifier's failed invocations end in. */
export const notifierFailureQueueName = (namePrefix: string) => `${namePrefix}-notifier-failures`;

/** The hourly function's settings for these parameters; undefined when it has nothing extra to publish. */
export function hourlySettings(params: StackParameters): HourlySettings | undefined {
  const costScopes = stackBudgets(params)
    .filter((b) => b.id !== 'all')
    .map((b) => b.dimensions);
  const tokenScopes = tokenSpikeScopes(params).map((s) => s.dimensions);
  if (costScopes.length === 0 && tokenScopes.length === 0) return undefined;
  const fromAws = params.metricSet === 'essential' && tokenScopes.some((d) => DIM_MODEL_ID in d);
  return {
    costScopes,
    tokenScopes,
    baselineDays: params.tokenSpikeBaselineDays,
    ...(fromAws ? { modelTokensFromAwsBedrock: true } : {}),
  };
}
