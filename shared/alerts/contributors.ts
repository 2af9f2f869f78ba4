/**
 * Who spent most: for cost and token alarms, the attribution values (teams, callers) ranked by cost
 * or output tokens over the alarm's window, with a SEARCH expression (Metrics Insights only looks
 * back three hours; a budget needs the whole month). For a team's own budget, its models instead.
 */
import { DIM_MODEL_ID, DIM_SERVICE } from '../contract/metrics';
import { dimensionNameOf } from '../ingest/6-attribute';
import { FAMILY_GUIDES } from './families';
import type { AlertView, Contributors } from './view';

/** How many contributors a message lists. */
export const TOP_CONTRIBUTORS = 5;
const HOUR_MS = 3_600_000;

export interface ContributorQuery {
  dimension: string;
  metric: 'CostUSD' | 'OutputTokens';
  window: string;
  startMs: number;
  endMs: number;
  periodSeconds: number;
  /** The GetMetricData query: a SEARCH labelled with each series' dimension value. */
  query: { Id: string; Expression: string; Label: string; Period: number; ReturnData: boolean };
}

/** Search terms are quoted; a quote or backslash in a value is escaped. */
const quoted = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/**
 * The query that ranks contributors to the alarm in `view`, or undefined when the family has no
 * contributors or nothing is attributed.
 */
export function contributorQuery(
  view: AlertView,
  settings: { namespace: string; service: string; attributionKeys: string[] },
  nowMs: number,
): ContributorQuery | undefined {
  const metric = FAMILY_GUIDES[view.family]?.contributors;
  if (!metric) return undefined;
  const monthly = view.family === 'budget' || view.family === 'budget-projection';
  const d = new Date(nowMs);
  const startMs = monthly ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) : nowMs - HOUR_MS;
  const filters = [`${DIM_SERVICE}=${quoted(settings.service)}`];
  let dimension: string;
  let schema: string[];
  if (view.scope.team) {
    // A team's own budget: which of its models.
    dimension = DIM_MODEL_ID;
    schema = [DIM_SERVICE, view.scope.team.dimension, DIM_MODEL_ID];
    filters.push(`${view.scope.team.dimension}=${quoted(view.scope.team.value)}`);
  } else {
    const key = settings.attributionKeys[0];
    if (!key) return undefined;
    dimension = dimensionNameOf(key);
    schema = view.scope.model ? [DIM_SERVICE, dimension, DIM_MODEL_ID] : [DIM_SERVICE, dimension];
    if (view.scope.model) filters.push(`${DIM_MODEL_ID}=${quoted(view.scope.model)}`);
  }
  const period = 3600;
  return {
    dimension,
    metric,
    window: monthly ? 'this month' : 'in the last hour',
    startMs: Math.floor(startMs / HOUR_MS) * HOUR_MS,
    endMs: nowMs,
    periodSeconds: period,
    query: {
      Id: 'top',
      Expression: `SEARCH('{${settings.namespace},${schema.join(',')}} MetricName="${metric}" ${filters.join(' ')}', 'Sum', ${period})`,
      Label: `\${PROP('Dim.${dimension}')}`,
      Period: period,
      ReturnData: true,
    },
  };
}

/** The top contributors from the SEARCH results: each series summed over the window, largest first. */
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
