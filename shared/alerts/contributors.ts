/**
 * Who spent most: for cost and token alarms, the attribution values (teams, callers) ranked by cost
 * or tokens over the alarm's window, read from the stack's Contributor Insights rules over the
 * attribution lines (GetInsightRuleReport): attribution has no metric series per value. A team's
 * own budget lists none (the rules rank values, not a value's models; the saved query "cost per
 * <key> and model" answers that).
 */
import { dimensionNameOf } from '../ingest/6-attribute';
import { FAMILY_GUIDES } from './families';
import type { AlertView, Contributors } from './view';

/** How many contributors a message lists. */
export const TOP_CONTRIBUTORS = 5;
const HOUR_MS = 3_600_000;

/** What a Contributor Insights rule ranks by (shared/monitoring/insights.ts builds the rules). */
export type RuleFigure = 'cost' | 'tokens' | 'calls' | 'errors';

/**
 * The name of the stack's rule ranking an attribution key's values by a figure.
 * @example insightRuleName('bedrock-watch-prod', 'team', 'cost') // 'bedrock-watch-prod-top-team-by-cost'
 */
export const insightRuleName = (namePrefix: string, attributionKey: string, figure: RuleFigure): string =>
  `${namePrefix}-top-${attributionKey.replace(/[^A-Za-z0-9]+/g, '-')}-by-${figure}`;

export interface ContributorQuery {
  dimension: string;
  metric: 'CostUSD' | 'Tokens';
  window: string;
  startMs: number;
  endMs: number;
  periodSeconds: number;
  /** The Contributor Insights rule whose report (ordered by Sum) ranks the values. */
  ruleName: string;
}

/** The attribution key an alarm is about: the top-contributor alarm names its key, others use the first. */
function keyOf(view: AlertView, attributionKeys: readonly string[]): string | undefined {
  if (view.family.startsWith('top-contributor-')) {
    const token = view.key.slice(view.family.length + 1);
    return attributionKeys.find((k) => k.replace(/[^A-Za-z0-9]+/g, '-') === token);
  }
  return attributionKeys[0];
}

/**
 * The query that ranks contributors to the alarm in `view`, or undefined when the family has no
 * contributors, nothing is attributed, or the alarm is a team's own budget.
 */
export function contributorQuery(
  view: AlertView,
  settings: { namePrefix: string; attributionKeys: string[] },
  nowMs: number,
): ContributorQuery | undefined {
  const metric = FAMILY_GUIDES[view.family].contributors;
  if (!metric || view.scope.team) return undefined;
  const key = keyOf(view, settings.attributionKeys);
  if (!key) return undefined;
  const monthly = view.family === 'budget' || view.family === 'budget-projection';
  const d = new Date(nowMs);
  const startMs = monthly ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) : nowMs - HOUR_MS;
  const period = monthly ? 86_400 : 3600;
  const models = view.scope.model ? ', all models' : '';
  return {
    dimension: dimensionNameOf(key),
    metric,
    window: `${monthly ? 'this month' : 'in the last hour'}${models}`,
    startMs: Math.floor(startMs / (period * 1000)) * period * 1000,
    endMs: nowMs,
    periodSeconds: period,
    ruleName: insightRuleName(settings.namePrefix, key, metric === 'CostUSD' ? 'cost' : 'tokens'),
  };
}

/** The top contributors from the rule's report: each value summed over the window, largest first. */
export function rankContributors(
  q: ContributorQuery,
  results: readonly { Label?: string; Values?: number[] }[],
): Contributors {
  const totals = new Map<string, number>();
  for (const r of results) {
    const name = r.Label ?? '';
    if (!name) continue;
    const sum = (r.Values ?? []).filter((v) => Number.isFinite(v) && v > 0).reduce((a, b) => a + b, 0);
    totals.set(name, (totals.get(name) ?? 0) + sum);
  }
  const top = [...totals.entries()]
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_CONTRIBUTORS)
    .map(([name, value]) => ({ name, value: Math.round(value * 1e4) / 1e4 }));
  return { dimension: q.dimension, metric: q.metric, window: q.window, top };
}
