/**
 * Budgets as data: the monthly budget of all models, of a model, or of an attribution value
 * (a team, tenant or caller), and the CloudWatch dimensions each one's month-to-date cost is
 * published under. Read by the alarm definitions, the deploy (which tells the month-to-date function
 * which scopes to publish) and the alarm simulator.
 */
import { DIM_MODEL_ID } from '../contract/metrics';
import { dimensionNameOf } from '../ingest/6-attribute';
import { AlertSpecError, specEntries } from './spec-error';

export interface BudgetScope {
  /** `all`, the model id as logged, or `<key>=<value>` for an attribution value: the alarms' scope. */
  id: string;
  /** Words for descriptions and messages. */
  label: string;
  /** Dimensions besides `service` of the series the budget reads (none for all models). */
  dimensions: Record<string, string>;
  /** The monthly budget, USD. */
  usd: number;
}

/** Warning at half and three quarters of the budget, critical at 90 % (the thresholds). */
export const BUDGET_LEVELS: readonly { pct: number; level: 'warning' | 'critical' }[] = [
  { pct: 50, level: 'warning' },
  { pct: 75, level: 'warning' },
  { pct: 90, level: 'critical' },
];

const AMOUNT = String.raw`(\d+(?:\.\d+)?)`;

function amount(raw: string, entry: string): number {
  const usd = Number(raw);
  if (!(usd > 0)) throw new AlertSpecError(`"${entry}": the budget must be more than 0 USD`);
  return usd;
}

/**
 * `modelId=usd;…` → one budget per model id as logged.
 * @throws AlertSpecError naming the entry that is not `modelId=usd`, or a model given twice.
 * @example parseModelBudgets('amazon.nova-lite-v1:0=200')[0]?.dimensions // { ModelId: 'amazon.nova-lite-v1:0' }
 */
export function parseModelBudgets(spec: string): BudgetScope[] {
  const seen = new Set<string>();
  return specEntries(spec).map((entry) => {
    const match = new RegExp(`^(.+)=${AMOUNT}$`).exec(entry);
    if (!match) throw new AlertSpecError(`"${entry}" is not modelId=usd`);
    const modelId = (match[1] as string).trim();
    if (seen.has(modelId)) throw new AlertSpecError(`"${modelId}" has two budgets`);
    seen.add(modelId);
    return {
      id: modelId,
      label: modelId,
      dimensions: { [DIM_MODEL_ID]: modelId },
      usd: amount(match[2] as string, entry),
    };
  });
}

/**
 * `key/value=usd;…` → one budget per attribution value (`team/search=300`); the key is an
 * attribution key (`caller` reads the Caller dimension).
 * @throws AlertSpecError naming the entry that is not `key/value=usd`, or a value given twice.
 * @example parseTeamBudgets('team/search=300')[0]?.id // 'team=search'
 */
export function parseTeamBudgets(spec: string): (BudgetScope & { key: string })[] {
  const seen = new Set<string>();
  return specEntries(spec).map((entry) => {
    const match = new RegExp(`^([^/=]+)/(.+)=${AMOUNT}$`).exec(entry);
    if (!match) throw new AlertSpecError(`"${entry}" is not key/value=usd (for example team/search=300)`);
    const key = (match[1] as string).trim();
    const value = (match[2] as string).trim();
    const id = `${key}=${value}`;
    if (seen.has(id)) throw new AlertSpecError(`"${id}" has two budgets`);
    seen.add(id);
    return {
      id,
      key,
      label: `${key} ${value}`,
      dimensions: { [dimensionNameOf(key)]: value },
      usd: amount(match[3] as string, entry),
    };
  });
}

/**
 * Every budget: all models first (when `monthlyUsd` > 0), then per model, then per attribution value.
 * @throws AlertSpecError as the parsers do.
 */
export function budgetScopes(monthlyUsd: number, modelSpec: string, teamSpec: string): BudgetScope[] {
  return [
    ...(monthlyUsd > 0 ? [{ id: 'all', label: 'all models', dimensions: {}, usd: monthlyUsd }] : []),
    ...parseModelBudgets(modelSpec),
    ...parseTeamBudgets(teamSpec).map(({ key: _key, ...scope }) => scope),
  ];
}

/** A 12-digit AWS account id, as invocation records carry it. */
export const ACCOUNT_ID = /^\d{12}$/;

/**
 * `account=usd,…` (`,` or `;` between entries) → one budget per AWS account, read from the
 * per-account cost series (dimension `Account`) the ingest function writes for named accounts.
 * @throws AlertSpecError naming the entry that is not `12-digit account=usd`, or an account given twice.
 * @example parseAccountBudgets('111122223333=500')[0]?.id // 'account=111122223333'
 */
export function parseAccountBudgets(spec: string): BudgetScope[] {
  const seen = new Set<string>();
  return specEntries(spec.replaceAll(',', ';')).map((entry) => {
    const match = new RegExp(`^([^=]+)=${AMOUNT}$`).exec(entry);
    const account = match?.[1]?.trim() ?? '';
    if (!match || !ACCOUNT_ID.test(account))
      throw new AlertSpecError(`"${entry}" is not account=usd with a 12-digit account id (111122223333=500)`);
    if (seen.has(account)) throw new AlertSpecError(`"${account}" has two budgets`);
    seen.add(account);
    return {
      id: `account=${account}`,
      label: `account ${account}`,
      dimensions: { [dimensionNameOf('account')]: account },
      usd: amount(match[2] as string, entry),
    };
  });
}
