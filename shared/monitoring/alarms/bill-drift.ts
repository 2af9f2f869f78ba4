/**
 * Bill drift: bedrock-watch's cost of a closed day against Cost Explorer's Amazon Bedrock cost for
 * that day and region, published once a day by the reconcile function (functions/reconcile/). One
 * warning when the estimate is off by more than `billDriftWarningPct` in either direction.
 */
import { DIM_SERVICE, RECONCILIATION } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { ours } from './build';
import type { MetricAlarmDefinition, StackNames } from './types';

/** The figure arrives once a day; hourly periods with missing data ignored keep the state between runs. */
const HOUR = 3600;

/**
 * The bill-drift alarm, present when reconciliation is on.
 * @example billDriftAlarms(parseStackParameters({}), ctx)[0]?.key // 'bill-drift-all'
 */
export function billDriftAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  if (!params.billReconciliation) return [];
  const key = 'bill-drift-all';
  return [
    {
      kind: 'metric',
      key,
      family: 'bill-drift',
      scope: 'all',
      name: `${ctx.namePrefix}-${key}`,
      description: `bedrock-watch's cost of a closed day is more than ${params.billDriftWarningPct} % off Amazon Bedrock's bill for it (Cost Explorer): the live cost figures are that far from what AWS charges`,
      level: 'warning',
      queries: [
        {
          id: 'ratio',
          metric: ours(
            params,
            RECONCILIATION.estimateToBillPct,
            { [DIM_SERVICE]: params.serviceName },
            'Maximum',
            HOUR,
            'None',
          ),
          returnData: false,
        },
        // The estimate as % of the bill: 100 is exact; the drift either way is its distance from 100.
        { id: 'off', expression: 'ABS(ratio - 100)', label: 'drift from the bill (%)', returnData: true },
      ],
      comparison: 'GreaterThanThreshold',
      threshold: params.billDriftWarningPct,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'ignore',
      rationale:
        'One point a day decides (the day is closed, the figure will not improve); the hours without a point keep the state (ignore), so the alarm stays in ALARM until a day reconciles. Either direction counts: a low estimate hides spend, a high one cries wolf.',
    },
  ];
}
