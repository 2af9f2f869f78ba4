/**
 * Budget alarms: month-to-date cost of all models, a model or an attribution value at 50 %, 75 %
 * (warning) and 90 % (critical) of its monthly budget, and its straight-line month-end projection
 * above the budget. CloudWatch cannot sum "since the first of the month", so the month-to-date
 * function publishes the figures hourly and these alarms compare them with static thresholds.
 */
import { BUDGET_LEVELS, type BudgetScope } from '../../alerts/budgets';
import { DIM_SERVICE, MONTH_TO_DATE } from '../../contract/metrics';
import { stackBudgets } from '../alerting';
import type { StackParameters } from '../parameters';
import { ours, scopeToken } from './build';
import type { MetricAlarmDefinition, StackNames, Window } from './types';

/** The month-to-date figures are published once an hour. */
const HOUR = 3600;
const THREE_HOURS: Window = { evaluationPeriods: 3, datapointsToAlarm: 3 };

const usd = (n: number) => `$${Number(n.toFixed(2))}`;

/** The name-safe token of a budget scope in alarm keys. */
export const budgetToken = (scope: BudgetScope) => (scope.id === 'all' ? 'all' : scopeToken(scope.id));

function budgetAlarms(
  params: StackParameters,
  ctx: StackNames,
  scope: BudgetScope,
  dims: Record<string, string>,
): MetricAlarmDefinition[] {
  return BUDGET_LEVELS.map(({ pct, level }) => {
    const key = `budget-${pct}-${budgetToken(scope)}`;
    const threshold = Math.round(scope.usd * pct * 100) / 10_000;
    return {
      kind: 'metric',
      key,
      family: 'budget',
      scope: scope.id,
      name: `${ctx.namePrefix}-${key}`,
      description: `Month-to-date cost of ${scope.label} reached ${pct} % (${usd(threshold)}) of its ${usd(scope.usd)} monthly budget`,
      level,
      queries: [
        {
          id: 'mtd',
          metric: ours(params, MONTH_TO_DATE.cost, dims, 'Maximum', HOUR, 'None'),
          returnData: true,
        },
      ],
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'ignore',
      rationale:
        'The figure is published hourly and only grows within a month, so one point decides; a missed hourly run keeps the state (ignore) instead of clearing a crossed budget. The new month starts near 0 and clears it.',
    };
  });
}

function projectionAlarm(
  params: StackParameters,
  ctx: StackNames,
  scope: BudgetScope,
  dims: Record<string, string>,
): MetricAlarmDefinition {
  const key = `budget-projection-${budgetToken(scope)}`;
  const guard = Math.round(scope.usd * params.budgetProjectionMinSpentPct * 100) / 10_000;
  return {
    kind: 'metric',
    key,
    family: 'budget-projection',
    scope: scope.id,
    name: `${ctx.namePrefix}-${key}`,
    description: `${scope.label}: the month is on course to end above its ${usd(scope.usd)} budget (checked once ${usd(guard)} is spent)`,
    level: 'warning',
    queries: [
      {
        id: 'mtd',
        metric: ours(params, MONTH_TO_DATE.cost, dims, 'Maximum', HOUR, 'None'),
        returnData: false,
      },
      {
        id: 'proj',
        metric: ours(params, MONTH_TO_DATE.projected, dims, 'Maximum', HOUR, 'None'),
        returnData: false,
      },
      {
        id: 'course',
        expression: `IF(mtd >= ${guard}, proj, 0)`,
        label: 'projected month (USD)',
        returnData: true,
      },
    ],
    comparison: 'GreaterThanThreshold',
    threshold: scope.usd,
    ...THREE_HOURS,
    treatMissingData: 'ignore',
    rationale: `A straight line from a few hours swings wildly, so the projection counts only once ${params.budgetProjectionMinSpentPct} % of the budget is spent (the faster the overrun, the sooner that is) and for 3 hourly points in a row.`,
  };
}

/**
 * Per budget (all models, then each model, then each attribution value): the 50/75/90 % alarms and
 * the projected-overrun alarm.
 * @example budgetFamilyAlarms(parseStackParameters({ monthlyBudgetUsd: '1000' }), ctx).map((a) => a.key)
 * // ['budget-50-all', 'budget-75-all', 'budget-90-all', 'budget-projection-all']
 */
export function budgetFamilyAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  return stackBudgets(params).flatMap((scope) => {
    const dims = { [DIM_SERVICE]: params.serviceName, ...scope.dimensions };
    return [...budgetAlarms(params, ctx, scope, dims), projectionAlarm(params, ctx, scope, dims)];
  });
}
