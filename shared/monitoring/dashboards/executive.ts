import {
  DIM_MODEL_ID,
  DIM_SERVICE,
  METRIC,
  MONTH_TO_DATE,
  RECONCILIATION,
  SAVINGS,
} from '../../contract/metrics';
import type { AlarmDefinition } from '../alarms/types';
import { buildInsightRules } from '../insights';
import type { StackParameters } from '../parameters';
import { ACCOUNT, type DashboardDefinition, Grid, PARTITION, REGION, type StackNames } from './grid';
import { dashboardName } from './names';

/** The hourly function's month to date and its projection, as one single-value widget. */
export function monthToDateWidget(g: Grid, params: StackParameters, title: string, width: number): void {
  const ns = params.metricsNamespace;
  const svc = [DIM_SERVICE, params.serviceName];
  g.add('metric', width, 4, {
    title,
    region: REGION,
    view: 'singleValue',
    period: 3600,
    metrics: [
      [ns, MONTH_TO_DATE.cost, ...svc, { stat: 'Maximum', label: 'so far' }],
      [ns, MONTH_TO_DATE.projected, ...svc, { stat: 'Maximum', label: 'projected month' }],
    ],
  });
}

/** Month to date and its projection, calls, cost per day and the five most expensive models. */
function costWidgets(g: Grid, params: StackParameters): void {
  const ns = params.metricsNamespace;
  const svc = [DIM_SERVICE, params.serviceName];
  monthToDateWidget(g, params, 'Month to date (USD)', 6);
  g.add('metric', 6, 4, {
    title: 'Calls and unpriced calls (shown range)',
    region: REGION,
    view: 'singleValue',
    setPeriodToTimeRange: true,
    metrics: [
      [ns, METRIC.invocations.name, ...svc, { stat: 'Sum', label: 'calls' }],
      [ns, METRIC.unpricedInvocations.name, ...svc, { stat: 'Sum', label: 'unpriced calls' }],
    ],
  });
  // A bar view shows one bar, the newest period's; a time series shows every day of the range.
  g.add('metric', 12, 4, {
    title: 'Cost per day (USD)',
    region: REGION,
    view: 'timeSeries',
    stacked: false,
    period: 86400,
    metrics: [[ns, METRIC.cost.name, ...svc, { stat: 'Sum', label: 'cost per day' }]],
  });
  g.add('metric', 12, 6, {
    title: 'Top 5 models by cost (USD per day)',
    region: REGION,
    view: 'timeSeries',
    period: 86400,
    metrics: [
      [
        {
          expression: `SORT(SEARCH('{${ns},${DIM_MODEL_ID},${DIM_SERVICE}} MetricName="${METRIC.cost.name}"', 'Sum', 86400), SUM, DESC, 5)`,
          id: 'top',
          label: '',
        },
      ],
    ],
  });
}

/** How far the live figure is from the bill: the last reconciled day's estimate, bill and drift. */
function billDriftWidget(g: Grid, params: StackParameters): void {
  if (!params.billReconciliation) return;
  const ns = params.metricsNamespace;
  const svc = [DIM_SERVICE, params.serviceName];
  g.add('metric', 12, 4, {
    title: 'Against the bill (a closed day, two days back)',
    region: REGION,
    view: 'singleValue',
    period: 86400,
    metrics: [
      [ns, RECONCILIATION.estimateToBillPct, ...svc, { stat: 'Maximum', label: 'estimate as % of the bill' }],
      [ns, RECONCILIATION.estimatedUsd, ...svc, { stat: 'Maximum', label: 'bedrock-watch (USD)' }],
      [ns, RECONCILIATION.billedUsd, ...svc, { stat: 'Maximum', label: 'Cost Explorer (USD)' }],
    ],
  });
}

/**
 * The weekly advisor's last report: the monthly saving per basis, one line each and never a total
 * (an exact saving and an upper bound do not add up), with the findings behind each.
 */
function savingsWidget(g: Grid, params: StackParameters): void {
  const ns = params.metricsNamespace;
  const line = (basis: string, name: string, label: string) => [
    ns,
    name,
    DIM_SERVICE,
    params.serviceName,
    SAVINGS.basisDimension,
    basis,
    { stat: 'Maximum', label },
  ];
  g.add('metric', 12, 4, {
    title: 'Savings: the weekly advisor (USD per month, per basis; never added up)',
    region: REGION,
    view: 'singleValue',
    period: 604800,
    metrics: [
      line('exact', SAVINGS.monthlyUsd, 'exact'),
      line('upper-bound', SAVINGS.monthlyUsd, 'upper bound'),
      line('scenario', SAVINGS.monthlyUsd, 'scenario'),
      line('exact', SAVINGS.findings, 'exact findings'),
    ],
  });
}

/**
 * Per Contributor Insights rule (attribution key × figure): the ten values with the most, from the
 * attribution lines (no metric series per value).
 */
function attributionWidgets(g: Grid, params: StackParameters, ctx: StackNames): void {
  for (const rule of buildInsightRules(params, ctx)) {
    g.add('metric', 12, 6, {
      title: `Top 10 by ${rule.attributionKey}: ${rule.figure} (per hour)`,
      region: REGION,
      view: 'timeSeries',
      stacked: false,
      period: 3600,
      insightRule: { maxContributorCount: 10, orderBy: 'Sum', ruleName: rule.name },
      legend: { position: 'right' },
    });
  }
}

/** Status of the critical alarms and the all-models warnings (per-model and pipeline warnings stay out). */
function alarmStatus(g: Grid, alarms: AlarmDefinition[]): void {
  const notifying = alarms.filter(
    (a) => a.level === 'critical' || (a.level === 'warning' && a.key.endsWith('-all')),
  );
  g.add('alarm', 12, 6, {
    title: 'Alarm status',
    alarms: notifying
      .slice(0, 100)
      .map((a) => `arn:${PARTITION}:cloudwatch:${REGION}:${ACCOUNT}:alarm:${a.name}`),
    sortBy: 'stateUpdatedTimestamp',
    states: [],
  });
}

/**
 * The executive dashboard (`<prefix>-executive`, last 30 days): cost so far and projected, cost per
 * day, top models and attribution values by cost, and the status of the alarms that notify.
 */
export function executiveDashboard(
  params: StackParameters,
  ctx: StackNames,
  alarms: AlarmDefinition[],
): DashboardDefinition {
  const g = new Grid();
  g.text(
    [
      `# ${params.serviceName}: executive view`,
      'What Bedrock costs in this account and region, from the invocation logs, at on-demand list prices (see the README for what is and is not priced).',
      '**Month to date** is summed every hour since the first of the month (UTC) by the monthToDate function, with a straight-line projection to the month end. Calls to models without a price are counted in *Unpriced calls* and not in the cost.',
      ...(params.billReconciliation
        ? [
            '**Against the bill** compares a closed day (two days back) with Cost Explorer once a day: the drift is how far to trust the live figures (private pricing, credits, unpriced calls).',
          ]
        : []),
    ].join('\n\n'),
    3,
  );
  costWidgets(g, params);
  billDriftWidget(g, params);
  savingsWidget(g, params);
  attributionWidgets(g, params, ctx);
  alarmStatus(g, alarms);
  return {
    key: 'executive',
    name: dashboardName(ctx.namePrefix, 'executive'),
    body: { start: '-P30D', widgets: g.widgets },
  };
}
