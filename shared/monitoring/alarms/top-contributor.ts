/**
 * Top-contributor alarms: any single attribution value (a team, a caller) above a per-hour cost or
 * token threshold, read from the Contributor Insights rules with `INSIGHT_RULE_METRIC(rule,
 * 'MaxContributorValue')`: one alarm per attribution key and figure, whatever the number of values.
 */
import { buildInsightRules, type InsightFigure } from '../insights';
import type { StackParameters } from '../parameters';
import { ONE_OF_ONE } from './build';
import type { MetricAlarmDefinition, StackNames } from './types';

const HOUR = 3600;

/**
 * Per attribution key, cost then tokens, each only when its threshold parameter is above 0.
 * @example topContributorAlarms(parseStackParameters({ attributionKeys: 'team', topContributorCostPerHourUsd: '20' }), ctx).map((a) => a.key)
 * // ['top-contributor-cost-team']
 */
export function topContributorAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  const thresholds: [InsightFigure, number, string][] = [
    ['cost', params.topContributorCostPerHourUsd, 'USD'],
    ['tokens', params.topContributorTokensPerHour, 'tokens'],
  ];
  const rules = buildInsightRules(params, ctx);
  return thresholds.flatMap(([figure, threshold, unit]) => {
    if (!(threshold > 0)) return [];
    return rules
      .filter((r) => r.figure === figure)
      .map(
        (rule): MetricAlarmDefinition => ({
          kind: 'metric',
          key: `top-contributor-${figure}-${rule.key.slice(0, -figure.length - 1)}`,
          family: figure === 'cost' ? 'top-contributor-cost' : 'top-contributor-tokens',
          scope: rule.attributionKey,
          name: `${ctx.namePrefix}-top-contributor-${figure}-${rule.key.slice(0, -figure.length - 1)}`,
          description: `One ${rule.attributionKey} above ${threshold} ${unit} in an hour (Contributor Insights rule ${rule.name}; the message names the top contributor)`,
          level: 'warning',
          queries: [
            {
              id: 'top',
              expression: `INSIGHT_RULE_METRIC('${rule.name}', 'MaxContributorValue')`,
              period: HOUR,
              label: `largest ${rule.attributionKey} ${figure} per hour`,
              returnData: true,
            },
          ],
          comparison: 'GreaterThanThreshold',
          threshold,
          ...ONE_OF_ONE,
          treatMissingData: 'notBreaching',
          rationale:
            'Each hourly point is already an hour of spend, so one decides; an hour without attribution lines is not a breach (notBreaching). One rule serves every value: the cost does not grow with teams.',
        }),
      );
  });
}
