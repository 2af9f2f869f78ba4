import { ERROR_CLASSES } from '../../contract/error-classes';
import { DIM_SERVICE, ERROR_METRICS, METRIC } from '../../contract/metrics';
import { buildInsightRules, type InsightRuleDefinition } from '../insights';
import type { StackParameters } from '../parameters';
import { monthToDateWidget } from './executive';
import { allModelsSum, type DashboardDefinition, Grid, REGION, type StackNames } from './grid';
import { dashboardName } from './names';

/** The attribution keys the organization view ranks: `account` turns it on, `region` adds its panels. */
export const ORGANIZATION_KEYS = { account: 'account', region: 'region' } as const;

/** The figures the view ranks accounts and regions by, in this order, where the metric set has a rule. */
const RANKED = ['cost', 'tokens', 'errors', 'calls'] as const;

const FIGURE_TITLE: Record<(typeof RANKED)[number], string> = {
  cost: 'cost (USD per hour)',
  tokens: 'tokens (per hour)',
  errors: 'errors (per hour)',
  calls: 'calls (per hour)',
};

/** The rules of one attribution key, in RANKED order. */
const rulesOf = (rules: readonly InsightRuleDefinition[], key: string) =>
  RANKED.flatMap((figure) => rules.filter((r) => r.attributionKey === key && r.figure === figure));

/**
 * The organization's totals: the stack's all-models series, which sum every account and region
 * the central stream delivers (no series per account or region), and the error classes summed.
 */
function totals(g: Grid, params: StackParameters): void {
  const ns = params.metricsNamespace;
  const svc = [DIM_SERVICE, params.serviceName];
  const errorIds = ERROR_CLASSES.map((_, i) => `err${i}`);
  g.add('metric', 12, 4, {
    title: 'Organization totals (shown range)',
    region: REGION,
    view: 'singleValue',
    setPeriodToTimeRange: true,
    metrics: [
      allModelsSum(params, METRIC.invocations, 'calls', { label: 'calls' }),
      ...ERROR_CLASSES.map((c, i) => [
        ns,
        ERROR_METRICS[c].name,
        ...svc,
        { stat: 'Sum', id: errorIds[i], visible: false },
      ]),
      [{ expression: errorIds.join(' + '), id: 'errors', label: 'errors (all classes)' }],
      allModelsSum(params, METRIC.inputTokens, 'tin', { label: 'input tokens' }),
      allModelsSum(params, METRIC.outputTokens, 'tout', { label: 'output tokens' }),
      [ns, METRIC.cost.name, ...svc, { stat: 'Sum', label: 'cost (USD)' }],
    ],
  });
  monthToDateWidget(g, params, 'Organization month to date (USD)', 12);
  g.chart(
    'Cost per hour, all accounts and regions (USD)',
    [[ns, METRIC.cost.name, ...svc, { stat: 'Sum', label: 'cost per hour' }]],
    { period: 3600 },
  );
  g.chart(
    'Errors by class, all accounts and regions',
    ERROR_CLASSES.map((c) => [ns, ERROR_METRICS[c].name, ...svc, { stat: 'Sum', label: c }]),
    { stacked: true, period: 300 },
  );
}

/** A Contributor Insights widget: the rule's top contributors, one line each. */
function ranked(g: Grid, rule: InsightRuleDefinition, title: string, contributors: number): void {
  g.add('metric', 12, 6, {
    title,
    region: REGION,
    view: 'timeSeries',
    stacked: false,
    period: 3600,
    insightRule: { maxContributorCount: contributors, orderBy: 'Sum', ruleName: rule.name },
    legend: { position: 'right' },
  });
}

/**
 * The organization dashboard (`<prefix>-organization-<region>`, last 30 days): totals and month to
 * date across every account and region, the top accounts and regions by cost, tokens and errors,
 * and one panel per figure with a line per region. Accounts and regions are ranked by the
 * Contributor Insights rules over the attribution lines (a rule bills per rule and matched line,
 * not per value, so the view costs the same at 20 accounts as at 200); undefined unless
 * `attributionKeys` lists `account`.
 */
export function organizationDashboard(
  params: StackParameters,
  ctx: StackNames,
): DashboardDefinition | undefined {
  if (!params.attributionKeys.includes(ORGANIZATION_KEYS.account)) return undefined;
  const rules = buildInsightRules(params, ctx);
  const byRegion = rulesOf(rules, ORGANIZATION_KEYS.region);
  const g = new Grid();
  g.text(
    [
      `# ${params.serviceName}: organization view`,
      'Every account and region whose invocation logs reach this stack. **Totals** and **month to date** are the stack’s all-models series; accounts and regions are ranked by Contributor Insights rules over the attribution lines, so adding accounts adds no metric series.',
      byRegion.length === 0
        ? 'Add `region` to `attributionKeys` for the per-region panels.'
        : 'Per-region panels: one line per source region, from the region rules.',
      params.metricSet === 'essential'
        ? 'Metric set `essential` ranks by cost and tokens only; errors per account are in the saved query *cost and tokens per account*.'
        : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
    3,
  );
  totals(g, params);
  for (const rule of rulesOf(rules, ORGANIZATION_KEYS.account))
    ranked(g, rule, `Top 10 accounts by ${FIGURE_TITLE[rule.figure]}`, 10);
  // Bedrock runs in a few dozen regions: every source region gets its line.
  for (const rule of byRegion) ranked(g, rule, `Per region: ${FIGURE_TITLE[rule.figure]}`, 50);
  return {
    key: 'organization',
    name: dashboardName(ctx.namePrefix, 'organization'),
    body: { start: '-P30D', widgets: g.widgets },
  };
}
